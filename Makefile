# `make build` sets everything up and builds the example journal into output/.
# `make test` sets everything up and runs every test (what CI runs).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

NODE_STAMP := node_modules/.installed

.PHONY: build test lint typecheck pytest system-packages clean serve audit bench

build: $(STAMP)
	$(BIN)/journalgen build

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Java runs the Nu HTML Checker. Installed only when missing, and only as root on Debian.
system-packages:
	@if ! command -v java >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless; \
	  else \
	    echo "Java is needed for the HTML checker: install a Java runtime (e.g. default-jre-headless)."; exit 1; \
	  fi; \
	fi
	@# Chromium runs the `journalgen serve` browser test (driven by Playwright; never downloaded).
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else \
	    echo "Chromium is needed for the browser test: install Debian's chromium package."; exit 1; \
	  fi; \
	fi

# axe-core (accessibility rules injected by the browser tests) and Lighthouse (make audit),
# at the versions in package-lock.json.
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP) $(NODE_STAMP) system-packages
	$(BIN)/pytest

# Lighthouse scores and page weights of the example journal's entry page (run by hand).
audit: $(STAMP) $(NODE_STAMP) system-packages
	$(BIN)/python benchmarks/audit.py

# Timings of generated journals beside Pelican (run by hand): make bench BENCH_SIZES="1000 4000 16000"
BENCH_SIZES ?= 1000 4000
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py --sizes $(BENCH_SIZES)

test: lint typecheck pytest

serve: $(STAMP)
	$(BIN)/journalgen serve

clean:
	rm -rf $(VENV) node_modules output .output.* .journalgen .mypy_cache .ruff_cache .pytest_cache

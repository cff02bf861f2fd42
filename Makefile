# `make build` sets everything up and builds the example journal into output/, with its
# keepsake (keepsake/, keepsake.zip) and its book (book.pdf).
# `make test` sets everything up and runs every test (what CI runs).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

NODE_STAMP := node_modules/.installed

.PHONY: build test lint typecheck pytest system-packages clean serve audit bench dist

build: $(STAMP)
	$(BIN)/journalgen build
	$(BIN)/journalgen keepsake
	$(BIN)/journalgen book

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

# What journalgen needs to run (make build): journalgen alone.
$(STAMP): pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(STAMP)

# The test tool chain too (make test).
$(TEST_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(TEST_STAMP)

# Java runs the Nu HTML Checker. Installed only when missing, and only as root on Debian.
system-packages:
	@if ! command -v java >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless; \
	  else \
	    echo "Java is needed for the HTML checker: install a Java runtime (e.g. default-jre-headless)."; exit 1; \
	  fi; \
	fi
	@# Poppler's tools (pdffonts, pdftotext, pdftoppm) read the books journalgen typesets.
	@if ! command -v pdffonts >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils; \
	  else \
	    echo "Poppler's tools are needed for the book tests: install poppler-utils."; exit 1; \
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

lint: $(TEST_STAMP)
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts

typecheck: $(TEST_STAMP)
	$(BIN)/mypy

pytest: $(TEST_STAMP) $(NODE_STAMP) system-packages
	$(BIN)/pytest

# Lighthouse scores and page weights of the example journal's entry page (run by hand).
audit: $(TEST_STAMP) $(NODE_STAMP) system-packages
	$(BIN)/python benchmarks/audit.py

# Timings of generated journals beside Pelican (run by hand): make bench BENCH_SIZES="1000 4000 16000"
BENCH_SIZES ?= 1000 4000
bench: $(TEST_STAMP)
	$(BIN)/python benchmarks/run.py --sizes $(BENCH_SIZES)

test: lint typecheck pytest

# The wheel a family installs (see "Install journalgen" in the README): dist/journalgen-*.whl.
dist: $(STAMP)
	rm -rf dist
	$(BIN)/python -m pip wheel --quiet --no-deps --wheel-dir dist .
	@ls dist/*.whl

serve: $(STAMP)
	$(BIN)/journalgen serve

clean:
	rm -rf $(VENV) node_modules output .output.* .journalgen .mypy_cache .ruff_cache .pytest_cache dist keepsake keepsake.zip book.pdf

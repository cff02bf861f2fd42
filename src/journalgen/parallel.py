"""Parse many sources at once on two processor cores (a cold build of a large journal).

Only `build.parse_sources` calls this, and only for the files no cache holds; each file is
parsed by the same pure functions as in one process, so the results are identical.
"""

from __future__ import annotations

from collections.abc import Sequence

from journalgen.config import SiteConfig
from journalgen.entries import Entry, Page, parse_entry, parse_page
from journalgen.errors import JournalError, Problem
from journalgen.markdown import MarkdownRenderer
from journalgen.sources import Source

MIN_FILES = 200
"""Fewer files than this are parsed in the build's own process: starting a worker costs
about half a second."""

WORKERS = 2
CHUNK = 100
"""Files sent to a worker at a time (small enough for both cores to finish together)."""

Parsed = Entry | Page | tuple[Problem, ...]
"""A parse, or the problems that stopped it."""


def parse_many(sources: Sequence[Source], config: SiteConfig) -> dict[str, Parsed]:
    """Every source's parse (or its problems), keyed by its path in content/."""
    import multiprocessing  # here: most builds parse too few files to need it
    from concurrent.futures import ProcessPoolExecutor

    chunks = [sources[start : start + CHUNK] for start in range(0, len(sources), CHUNK)]
    context = multiprocessing.get_context("spawn")
    found: dict[str, Parsed] = {}
    with ProcessPoolExecutor(max_workers=WORKERS, mp_context=context) as pool:
        for chunk, results in zip(
            chunks, pool.map(_parse_chunk, [config] * len(chunks), chunks), strict=True
        ):
            for source, result in zip(chunk, results, strict=True):
                found[source.rel] = result
    return found


def _parse_chunk(config: SiteConfig, sources: Sequence[Source]) -> list[Parsed]:
    renderer = MarkdownRenderer()
    results: list[Parsed] = []
    for source in sources:
        try:
            if source.kind == "entry":
                results.append(parse_entry(source, config, renderer))
            else:
                results.append(parse_page(source, config, renderer))
        except JournalError as err:
            results.append(tuple(err.problems))
    return results

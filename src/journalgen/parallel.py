"""Work spread over two processor cores: parsing the files and rendering the pages of a
large journal.

The build's process forks a copy of itself, which already holds everything the work needs
(the parsed journal, the compiled templates: nothing is imported or sent to it). Both take
chunks of the work in turn from a shared counter until none is left; the copy sends its
results back as it makes them, and the build hands them on as they arrive (to the writer,
the only one that writes). Each piece of work is the same pure function as in one process,
so the results are identical; only their order differs, which is why each comes with its
index.

Used only where forking is safe and pays: on Linux, with at least two cores available,
when the process runs no other thread (`journalgen serve` and `watch` do: they work in one
process), and for at least `MIN_ITEMS` pieces of work; where forking fails, the build does
the work alone. A chunk the copy could not finish (an error, or the copy killed) is done
again by the build itself, so an error is raised by the build as in one process (the
first it meets, which need not be the first in order).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import Connection
from typing import Any, TypeVar

T = TypeVar("T")

MIN_ITEMS = 200
"""Less work than this is done in one process (forking and sending back cost more)."""

CHUNK = 16
"""Pieces of work taken at a time: small, so that both cores finish together."""

HELD_FOR = 30.0
"""Seconds after which a chunk counter still held means its holder is gone."""


def can_fork() -> bool:
    """True where `spread` uses a second core."""
    if sys.platform != "linux" or threading.active_count() != 1:
        return False
    return len(os.sched_getaffinity(0)) >= 2


def spread(work: Sequence[Callable[[], T]]) -> Iterator[tuple[int, T]]:
    """`(index, work[index]())` for every piece of work, in no particular order."""
    spreading = None
    if len(work) >= MIN_ITEMS and can_fork():
        with contextlib.suppress(OSError):  # no shared memory, no fork: one process
            spreading = _Spread(work)
    if spreading is None:
        for index, make in enumerate(work):
            yield index, make()
        return
    yield from spreading.run()


class _Spread:
    def __init__(self, work: Sequence[Callable[[], Any]]) -> None:
        import multiprocessing

        self.work = work
        self.chunks = -(-len(work) // CHUNK)
        self.context = multiprocessing.get_context("fork")
        self.counter = self.context.Value("q", 0)

    def claim(self) -> int | None:
        """The next chunk nobody has taken, if any (None too when the counter stays held:
        the copy was killed holding it, and the build does the rest)."""
        lock = self.counter.get_lock()
        if not lock.acquire(timeout=HELD_FOR):
            return None
        try:
            chunk = int(self.counter.value)
            if chunk >= self.chunks:
                return None
            self.counter.value = chunk + 1
        finally:
            lock.release()
        return chunk

    def part(self, chunk: int) -> range:
        return range(chunk * CHUNK, min(len(self.work), (chunk + 1) * CHUNK))

    def run(self) -> Iterator[tuple[int, Any]]:
        receive, send = self.context.Pipe(duplex=False)
        sys.stdout.flush()  # else the copy would write out what is waiting there again
        sys.stderr.flush()
        child: Any = self.context.Process(target=self._child, args=(send,), daemon=True)
        try:
            child.start()
        except OSError:  # no process to spare: the build does it all
            child = None
        send.close()
        done: set[int] = set()
        talking = True  # until the copy has sent everything (or stopped)
        try:
            while (chunk := self.claim()) is not None:
                for index in self.part(chunk):
                    yield index, self.work[index]()
                done.add(chunk)
                while talking and receive.poll():  # what the copy made meanwhile
                    got, talking = self._received(receive, done)
                    yield from got
            while talking and len(done) < self.chunks:
                if not receive.poll(1.0) and (child is None or not child.is_alive()):
                    break  # stopped without a word: the rest is done here
                got, talking = self._received(receive, done)
                yield from got
            for chunk in range(self.chunks):
                if chunk not in done:  # the copy failed on it, or stopped
                    for index in self.part(chunk):
                        yield index, self.work[index]()
        finally:
            receive.close()
            if child is not None:
                if child.is_alive():
                    child.terminate()
                child.join()

    def _received(self, receive: Connection, done: set[int]) -> tuple[list[tuple[int, Any]], bool]:
        """One chunk's results from the copy, and whether it may send more."""
        try:
            chunk, results = receive.recv()
        except EOFError:
            return [], False
        if results is None:
            return [], True  # it failed there: done again here, where its error is raised
        done.add(chunk)
        return list(zip(self.part(chunk), results, strict=True)), True

    def _child(self, send: Connection) -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the build, which stops this
        while (chunk := self.claim()) is not None:
            try:
                send.send((chunk, [self.work[index]() for index in self.part(chunk)]))
            except Exception:
                send.send((chunk, None))
        send.close()

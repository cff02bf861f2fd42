"""Work spread over two cores (parallel.py): every piece done exactly once, by the build's
process or by its forked copy, whatever happens to the copy."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable
from functools import partial

import pytest

from journalgen import parallel

pytestmark = pytest.mark.skipif(not parallel.can_fork(), reason="needs Linux and two cores")

N = 500


def square(index: int) -> tuple[int, int]:
    time.sleep(0.001)  # long enough for the copy to start and take its share
    return index * index, os.getpid()


def test_every_piece_once_and_both_cores_work() -> None:
    work = [partial(square, index) for index in range(N)]
    results = list(parallel.spread(work))
    assert sorted(index for index, _ in results) == list(range(N))
    assert all(value == index * index for index, (value, _) in results)
    assert len({pid for _, (_, pid) in results}) == 2  # the build and its copy


def test_what_fails_in_the_copy_is_done_again_here() -> None:
    here = os.getpid()

    def fussy(index: int) -> int:
        if os.getpid() != here and index % 7 == 0:
            raise OSError("only in the copy")
        return index

    results = dict(parallel.spread([partial(fussy, index) for index in range(N)]))
    assert results == {index: index for index in range(N)}


def test_an_error_is_raised_as_in_one_process() -> None:
    def broken(index: int) -> int:
        if index == 321:
            raise ValueError("piece 321")
        return index

    with pytest.raises(ValueError, match="piece 321"):
        list(parallel.spread([partial(broken, index) for index in range(N)]))


def test_the_copy_killed_halfway_loses_nothing() -> None:
    here = os.getpid()

    def deadly(index: int) -> int:
        if os.getpid() != here and index >= N // 2:
            os.kill(os.getpid(), signal.SIGKILL)
        return index

    results = dict(parallel.spread([partial(deadly, index) for index in range(N)]))
    assert results == {index: index for index in range(N)}


def test_one_process_while_another_thread_runs() -> None:
    """`serve` runs threads (the file watcher, the web server): forking then is unsafe."""
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not parallel.can_fork()
        work: list[Callable[[], tuple[int, int]]] = [partial(square, i) for i in range(N)]
        assert {pid for _, (_, pid) in parallel.spread(work)} == {os.getpid()}
    finally:
        stop.set()
        thread.join()


def test_without_a_process_to_spare_the_build_does_it_all(monkeypatch: pytest.MonkeyPatch) -> None:
    import multiprocessing.process

    def refuse(self: object) -> None:
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(multiprocessing.process.BaseProcess, "start", refuse)
    work = [partial(square, index) for index in range(N)]
    assert sorted(index for index, _ in parallel.spread(work)) == list(range(N))

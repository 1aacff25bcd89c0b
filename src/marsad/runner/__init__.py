"""Runners execute the same stage functions in-process or in parallel, with bounded memory.

A runner only maps a picklable function over a lazy stream of work items and yields results in
input order, keeping a bounded number of items in flight. The service does not know which one
it got: `InlineRunner` (one process, for tests and tiny inputs) or `ProcessRunner` (every core of
this machine). A Dask runner for clusters plugs in behind the same `map`.
"""

from __future__ import annotations

import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Protocol, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class Runner(Protocol):
    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]: ...

    def close(self) -> None: ...


class InlineRunner:
    """Runs every item in the calling process."""

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        return map(fn, items)

    def close(self) -> None:
        pass


class ProcessRunner:
    """Runs items on a pool of worker processes, results in order, at most `workers + 1` in flight.

    The bound is what keeps memory flat however large the input: the reader is only pulled as
    fast as the workers finish.
    """

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or os.cpu_count() or 1
        self._pool = ProcessPoolExecutor(max_workers=self.workers, initializer=_ignore_interrupts)
        # Fork the workers now, from a process that holds no lock and runs no thread yet: forked
        # later, they would inherit the search index's writer lock (and keep it after the
        # ingest releases it) and copies of threads' state. With fork, the pool starts all its
        # workers on its first task and none after.
        self._pool.submit(os.getpid).result()

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        pending: deque[Future[R]] = deque()
        for item in items:
            pending.append(self._pool.submit(fn, item))
            if len(pending) > self.workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()

    def close(self) -> None:
        self._pool.shutdown(cancel_futures=True)


def _ignore_interrupts() -> None:
    """Workers ignore Ctrl-C: the terminal sends it to the whole process group, and the main
    process decides what it means (the CLI stops after the batch in hand). A worker that took it
    would print a traceback and break the pool under the batches still in flight."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def make_runner(workers: int) -> Runner:
    """`workers` ≤ 1 runs inline (no process start-up cost); more uses a process pool."""
    return InlineRunner() if workers <= 1 else ProcessRunner(workers)

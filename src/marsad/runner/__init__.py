"""Runners execute the same stage functions in-process or in parallel, with bounded memory.

A runner only maps a picklable function over a lazy stream of work items and yields results in
input order, keeping a bounded number of items in flight. The service does not know which one
it got: `InlineRunner` (one process, for tests and tiny inputs), `ProcessRunner` (every core of
this machine) or `DaskRunner` (`marsad.runner.dask`: a Dask cluster, local or remote; imported
only when asked for, so the command line starts fast). Every one passes the same conformance
test (tests/test_runners.py).
"""

from __future__ import annotations

import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Protocol, TypeVar

T = TypeVar("T")
R = TypeVar("R")
R_co = TypeVar("R_co", covariant=True)


class Runner(Protocol):
    """The runner contract, checked for every runner by tests/test_runners.py:

    - `map(fn, items)` yields `fn(item)` for every item, in input order, however long each took;
    - it pulls `items` only as results are taken: at most `in_flight` items are pulled and not
      yet yielded, so memory stays flat whatever the input size (the input may be endless);
    - an exception `fn` raises comes out of the iterator at that item's place;
    - a consumer may stop early (drop or close the iterator, even on an endless input): the
      input is pulled no further, the items queued are cancelled, and the runner serves the
      next `map`;
    - `close()` releases the workers, cleanly, once the runner is no longer needed;
    - `shares_files` says whether the workers see this machine's files: when they do not, a task
      carries the bytes it needs, never a local path (nor a store to open by path).
    """

    shares_files: bool
    in_flight: int

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]: ...

    def close(self) -> None: ...


class ClusterError(Exception):
    """The cluster a runner was to use cannot be reached (or its address is not one)."""


class InlineRunner:
    """Runs every item in the calling process."""

    shares_files = True
    in_flight = 1

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        return map(fn, items)

    def close(self) -> None:
        pass


class Pending(Protocol[R_co]):
    """A submitted item, as both `concurrent.futures` and Dask hand it back."""

    def result(self) -> R_co: ...

    def cancel(self) -> object: ...


def ordered(submit: Callable[[T], Pending[R]], items: Iterable[T], in_flight: int) -> Iterator[R]:
    """Results of `submit` for every item, in input order, with at most `in_flight` items submitted
    and not yet yielded: the input is pulled only as results are taken. Items still queued when
    the consumer stops or an item fails are cancelled."""
    pending: deque[Pending[R]] = deque()
    try:
        for item in items:
            pending.append(submit(item))
            if len(pending) >= in_flight:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        for future in pending:
            future.cancel()


class ProcessRunner:
    """Runs items on a pool of worker processes, results in order, at most `workers + 1` in flight.

    The bound is what keeps memory flat however large the input: the reader is only pulled as
    fast as the workers finish; the one item beyond the workers is the next task, queued so that
    no worker waits for the main process.
    """

    shares_files = True

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or os.cpu_count() or 1
        self.in_flight = self.workers + 1
        self._pool = ProcessPoolExecutor(max_workers=self.workers, initializer=ignore_interrupts)
        # Fork the workers now, from a process that holds no lock and runs no thread yet: forked
        # later, they would inherit the search index's writer lock (and keep it after the
        # ingest releases it) and copies of threads' state. With fork, the pool starts all its
        # workers on its first task and none after.
        self._pool.submit(os.getpid).result()

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        return ordered(lambda item: self._pool.submit(fn, item), items, self.in_flight)

    def close(self) -> None:
        self._pool.shutdown(cancel_futures=True)


def ignore_interrupts() -> None:
    """Workers ignore Ctrl-C: the terminal sends it to the whole process group, and the main
    process decides what it means (the CLI stops after the batch in hand). A worker that took it
    would print a traceback and break the pool under the batches still in flight."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def make_runner(workers: int, dask: bool = False, scheduler: str | None = None) -> Runner:
    """`workers` ≤ 1 runs inline (no process start-up cost); more uses a process pool. With
    `dask`, a Dask cluster of `workers` processes on this machine; with `scheduler` (an address,
    tcp://HOST:PORT), the existing Dask cluster it schedules for (`workers` is then the
    cluster's business)."""
    if dask or scheduler:
        from marsad.runner.dask import DaskRunner

        return DaskRunner(scheduler=scheduler) if scheduler else DaskRunner(workers)
    return InlineRunner() if workers <= 1 else ProcessRunner(workers)

"""The Dask runner: the runner contract (`marsad.runner.Runner`) on a Dask cluster.

Either a cluster of worker processes started here (`LocalCluster`, closed with the runner) or an
existing cluster reached through its scheduler's address. Dask is imported by this module only,
and this module only when a Dask runner is asked for: `marsad --help` and the other runners do
not pay for it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import TYPE_CHECKING, TypeVar

from marsad.runner import ClusterError, ignore_interrupts, ordered

if TYPE_CHECKING:
    from distributed import Client, Future, LocalCluster

T = TypeVar("T")
R = TypeVar("R")
CONNECT_TIMEOUT = 5.0  # seconds to reach an existing cluster's scheduler before giving up


class DaskRunner:
    """Runs items on a Dask cluster, results in order, at most two items per worker thread in
    flight (one running, one queued at the scheduler so that no thread waits for a round trip
    to this process).

    `DaskRunner(workers=N)` starts N single-threaded worker processes on this machine and stops
    them in `close()`; `DaskRunner(scheduler="tcp://HOST:PORT")` uses the workers of a cluster
    already running, and leaves them running. The workers of a local cluster share this
    machine's files, a remote cluster's may not: `shares_files` says which (the caller can say
    otherwise, e.g. for a cluster whose workers all mount the same file system, or to test the
    path that carries bytes). The bound is set from the threads the cluster has when the runner
    starts (at least one).
    """

    def __init__(
        self,
        workers: int | None = None,
        scheduler: str | None = None,
        shares_files: bool | None = None,
        timeout: float = CONNECT_TIMEOUT,
    ) -> None:
        from distributed import Client

        self._cluster: LocalCluster | None = None
        if scheduler:
            self._client = _connect(scheduler, timeout)
        else:
            self._cluster = _local_cluster(workers or os.cpu_count() or 1)
            self._client = Client(self._cluster, set_as_default=False)
        self.shares_files = self._cluster is not None if shares_files is None else shares_files
        threads = sum(self._client.nthreads().values())
        self.in_flight = 2 * max(threads, 1)

    @property
    def address(self) -> str:
        """The scheduler's address (another runner can join the same cluster with it)."""
        return str(self._client.scheduler.address)

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        return ordered(partial(self._submit, fn), items, self.in_flight)

    def _submit(self, fn: Callable[[T], R], item: T) -> Future[R]:
        """`fn(item)` as a task. The item goes to a worker as data, not inside the task: a task
        can carry megabytes of input, which the scheduler would otherwise hold and warn about.
        Neither is hashed (an item is its own task, never merged with an equal one); the data
        is released with the task."""
        [data] = self._client.scatter([item], hash=False)
        return self._client.submit(fn, data, pure=False)

    def close(self) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def _connect(scheduler: str, timeout: float) -> Client:
    """A client of the cluster at `scheduler`. The address is checked first: a client made
    with a malformed one fails, then hangs as it is collected."""
    from distributed import Client
    from distributed.comm import get_address_host_port

    try:
        get_address_host_port(scheduler)
    except ValueError as error:
        raise ClusterError(f"{scheduler!r} is not a scheduler address, tcp://HOST:PORT ({error})") from None
    attempts = CONNECT_ATTEMPTS
    while True:
        attempts -= 1
        try:
            return Client(scheduler, timeout=timeout, set_as_default=False)
        except OSError:  # what Dask says when nothing answers (TimeoutError is one too)
            raise ClusterError(
                f"cannot reach the Dask scheduler at {scheduler}: nothing answered within {timeout:g} s"
            ) from None
        except AssertionError:
            # distributed's handshake asserts that the scheduler's first reply is one message; a
            # reply batched with other traffic fails it now and then (seen once in the test suite,
            # while another client was cancelling its keys): a new client connects
            if not attempts:
                raise


CONNECT_ATTEMPTS = 3


def _local_cluster(workers: int) -> LocalCluster:
    """Single-threaded worker processes (the stages hold the GIL), each running this module's
    `dask_setup` as it starts; no dashboard, and the scheduler's own HTTP routes (it always
    serves some) on any free port of this host rather than on 8787, which may be taken."""
    from distributed import LocalCluster

    return LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
        preload=[__name__],
    )


def dask_setup(worker: object) -> None:
    """Run by a worker that preloads this module (`dask worker --preload marsad.runner.dask`,
    as the workers of a local cluster do): it ignores Ctrl-C like the process pool's workers.
    The terminal sends Ctrl-C to the whole process group, and the main process decides what it
    means (the CLI stops after the batch in hand)."""
    ignore_interrupts()

"""Open archives shared by the server's worker threads, one request at a time each.

A store (its SQLite connections, its search index's reader) serves one thread at a time, so
requests borrow one from a pool and give it back; opening an archive per request would pay for
its migrations check and a fresh index reader every time.
"""

from __future__ import annotations

import queue
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from marsad.service import open_archive, version
from marsad.store.base import Store

POOL_SIZE = 4


class StorePool:
    def __init__(self, address: str, size: int = POOL_SIZE) -> None:
        self.address = address
        self._stack = ExitStack()
        self._free: queue.Queue[Store] = queue.Queue()
        try:
            for _ in range(size):
                self._free.put(self._stack.enter_context(open_archive(address)))
        except BaseException:
            self._stack.close()
            raise

    @contextmanager
    def store(self) -> Iterator[Store]:
        store = self._free.get()
        try:
            yield store
        finally:
            self._free.put(store)

    def version(self) -> tuple[int, ...]:
        """The archive's version (`service.version`)."""
        with self.store() as store:
            return version(store)

    def close(self) -> None:
        self._stack.close()

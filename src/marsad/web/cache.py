"""Search answers kept in each server process, while the archive stays the same.

A news archive is asked the same few queries over and over (today's story, a name in the
news); a search costs milliseconds of CPU (ranking, hit details, snippets) that a 2-core server
cannot spend on every repeat. An answer is kept with the archive's version (`service.version`:
the change log, the linker's and the index's cursors), so any ingest retires it, and for at most
`ttl` seconds whatever happens (popular answers are made again that often). The version itself
is read at most every `VERSION_AGE` seconds (`VersionClock`): a kept answer is then served
without a thread, a store or a query, and an ingest shows in searches that much later at most.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from starlette.concurrency import run_in_threadpool

CACHE_SIZE = 2048  # answers per process
VERSION_AGE = 0.5  # seconds a version read stands for
CACHE_TTL = 600.0  # seconds: a safety net; the version retires an answer as soon as the archive changes


class AnswerCache:
    def __init__(self, size: int = CACHE_SIZE, ttl: float = CACHE_TTL) -> None:
        self.size, self.ttl = size, ttl
        self._kept: OrderedDict[Hashable, tuple[Hashable, float, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def peek(self, key: Hashable, version: Hashable) -> Any:
        """The answer kept for `key` at this version, or None."""
        with self._lock:
            found = self._kept.get(key)
            if found is None or found[0] != version or time.monotonic() - found[1] >= self.ttl:
                return None
            self._kept.move_to_end(key)
            self.hits += 1
            return found[2]

    def get(self, key: Hashable, version: Hashable, make: Callable[[], Any]) -> Any:
        """The answer kept for `key` at this version, or `make()`'s, then kept (an exception
        is not kept)."""
        now = time.monotonic()
        with self._lock:
            found = self._kept.get(key)
            if found is not None and found[0] == version and now - found[1] < self.ttl:
                self._kept.move_to_end(key)
                self.hits += 1
                return found[2]
            self.misses += 1
        answer = make()
        with self._lock:
            self._kept[key] = (version, now, answer)
            self._kept.move_to_end(key)
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)
        return answer


class VersionClock:
    """The archive's version, read (in a worker thread) at most every `max_age` seconds."""

    def __init__(self, read: Callable[[], Hashable], max_age: float = VERSION_AGE) -> None:
        self.read, self.max_age = read, max_age
        self._value: Hashable = None
        self._at = float("-inf")

    async def current(self) -> Hashable:
        now = time.monotonic()
        if now - self._at >= self.max_age:
            self._value, self._at = await run_in_threadpool(self.read), now
        return self._value

    def expire(self) -> None:
        """Read the version again next time (this server has just changed the archive)."""
        self._at = float("-inf")

"""Keeping the search index in step with the archive: the one explicit write step of search.

Ingest indexes what it stores; `reindex` catches an archive up (after `ingest --no-search`, or
an index that was deleted, built for another archive or by another analyzer version), so that
searches only ever read.
"""

from __future__ import annotations

from collections.abc import Callable

from marsad.search.index import backlog, index_articles
from marsad.store.base import Store


def reindex(store: Store, rebuild: bool = False, progress: Callable[[int], None] | None = None) -> int:
    """Index every article the search index does not hold (all of them with `rebuild`, or when
    the index does not match the archive); returns how many. Raises IndexBusy when another
    process writes the index."""
    return index_articles(store, rebuild=rebuild, progress=progress)


def unindexed(store: Store) -> int:
    """Articles the search index does not hold (all of them when it must be rebuilt)."""
    return backlog(store)

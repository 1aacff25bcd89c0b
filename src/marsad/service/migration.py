"""Moving an archive to another store (`marsad migrate --from marsad.db --to postgresql://…`).

Every table is copied row for row, in one transaction of the target, so a failure leaves the
target empty; then each table's row count and checksum (order-free, store-free) are compared on
both sides, and the target's search index is built. Ids, keys, change-log positions and consumer
cursors move as they are: the moved archive goes on exactly where the first one stood.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from marsad.search.index import index_articles
from marsad.service.archive import ArchiveError, open_archive, shown_address
from marsad.store.sql import TABLES, SqlStore


@dataclass(frozen=True, slots=True)
class TableMoved:
    table: str
    rows: int
    checksum: str
    same: bool  # the target's count and checksum are the source's


def migrate(
    source: str | Path, target: str | Path, progress: Callable[[str, int], None] | None = None
) -> list[TableMoved]:
    """Copy the archive at `source` into the empty archive at `target` and verify it. Raises
    ArchiveError when the target already holds an archive or the copy differs."""
    with open_archive(source) as origin, open_archive(target, must_exist=False) as copy:
        if not isinstance(origin, SqlStore) or not isinstance(copy, SqlStore):
            raise ArchiveError("migrate copies between SQL stores only", usage=True)
        if any(copy.counts().values()):
            raise ArchiveError(
                f"{shown_address(target)} already holds an archive: migrate into an empty one", True
            )
        with copy.transaction():
            for table in TABLES:
                for chunk in origin.table_rows(table):
                    copy.add_rows(table, chunk)
                    if progress:
                        progress(table, len(chunk))
            if encoder := origin.story_encoder():  # (an archive setting, with the vectors it made)
                copy.set_story_encoder(encoder)
            copy.imported()
        moved = []
        for table in TABLES:
            rows, checksum = origin.table_digest(table)
            moved.append(TableMoved(table, rows, checksum, copy.table_digest(table) == (rows, checksum)))
        if not all(m.same for m in moved):
            wrong = ", ".join(m.table for m in moved if not m.same)
            raise ArchiveError(
                f"{shown_address(target)}: the copy differs from {shown_address(source)} in {wrong}"
            )
        index_articles(copy, rebuild=True)
    return moved

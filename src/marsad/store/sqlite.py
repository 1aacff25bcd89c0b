"""The embedded default store: one SQLite file in WAL mode, no server to run."""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from pathlib import Path
from typing import ClassVar

from marsad.dedup.groups import regroup
from marsad.model import article_key
from marsad.store.sql import SqlStore, migrations, pages_present

PAGE_SIZE = 16384  # for new files; a file keeps the page size it was made with
WAL_CHECKPOINT_BYTES = 64 * 1024 * 1024


def copy_archive(source: Path, target: Path) -> None:
    """Copy an archive: the SQLite file through SQLite's backup API (consistent even while it is
    open elsewhere), and the derived folders beside it (`demo.db.search/`), so the copy does not
    have to rebuild them."""
    with closing(sqlite3.connect(source)) as db, closing(sqlite3.connect(target)) as copy:
        db.backup(copy)
    for derived in source.parent.iterdir():
        if derived.name.startswith(source.name + ".") and derived.is_dir():
            twin = target.with_name(target.name + derived.name[len(source.name) :])
            shutil.rmtree(twin, ignore_errors=True)
            shutil.copytree(derived, twin)


class SqlitePresence:
    """`SqliteStore.present_pages` for any process. In the store's own process it uses the
    store's reader; pickled into a worker it opens a read-only connection of its own on first
    use, kept for the life of that process (WAL lets it read beside the writer)."""

    _readers: ClassVar[dict[tuple[str, int, int], sqlite3.Connection]] = {}

    def __init__(self, path: Path, reader: sqlite3.Connection | None = None) -> None:
        self.path = str(path.resolve())
        self._reader = reader

    def __getstate__(self) -> dict[str, object]:
        return {"path": self.path, "_reader": None}  # a connection does not cross processes

    def __call__(self, page_ids: Sequence[str]) -> set[str]:
        if self._reader is None:
            # a file made again at the same path is another file; a forked process opens its own
            key = (self.path, os.stat(self.path).st_ino, os.getpid())
            if key not in self._readers:
                reader = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
                reader.execute("PRAGMA busy_timeout=10000")
                self._readers[key] = reader
            self._reader = self._readers[key]
        return pages_present(self._reader.execute, page_ids)


class SqliteStore(SqlStore):
    """Store on one SQLite file. Each `write` is one transaction: a kill at any moment leaves the
    file at a batch boundary, and replaying the batch is harmless because every key is a content
    id. SQLite lets one writer in at a time (`BEGIN IMMEDIATE`), so change-log positions commit
    in order whatever the number of processes writing."""

    _db: sqlite3.Connection
    _reader: sqlite3.Connection

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        if not self._db.execute("SELECT 1 FROM sqlite_schema LIMIT 1").fetchone():
            # A new file (the page size is fixed before the first table). A 16 KB page holds a
            # few 3–6 KB rows instead of spilling each into overflow pages: writing SaudiNewsNet
            # took 2.3 s instead of 2.7. (64 KB pages wrote it in 1.5 s, but the default ingest,
            # whose near-duplicate index makes scattered small updates, was slower with them.)
            self._db.execute(f"PRAGMA page_size={PAGE_SIZE}")
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")  # durable against process kills in WAL mode
        # A checkpoint (the log folded into the file) costs two fsyncs, slow on virtual disks;
        # SQLite's default runs one every 1,000 pages of log. Every 64 MB: writing all of
        # SaudiNewsNet took 4.0 s instead of 6.1 s (with 4 KB pages).
        page_size = self._db.execute("PRAGMA page_size").fetchone()[0]
        self._db.execute(f"PRAGMA wal_autocheckpoint={WAL_CHECKPOINT_BYTES // page_size}")
        self._db.execute("PRAGMA busy_timeout=10000")
        # Dedup's tables take hash-ordered keys all over their B-trees: with SQLite's 2 MB
        # default cache every insert re-reads pages. 64 MB keeps the hot ones in memory.
        self._db.execute("PRAGMA cache_size=-65536")
        self._migrate()
        # A second connection for reads that may run while a write is in progress (WAL lets a
        # reader proceed beside the writer; one connection would serialize them).
        self._reader = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._reader.execute("PRAGMA busy_timeout=10000")

    def _migrate(self) -> None:
        current = self._db.execute("PRAGMA user_version").fetchone()[0]
        # the change-log migration derives every article's key from its id, in Python
        self._db.create_function("marsad_article_key", 1, article_key, deterministic=True)
        for version, sql in migrations():
            if version > current:
                self._db.executescript(f"BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version={version};\nCOMMIT;")
                if version == 6:  # groups were unions of links: they become stars around anchors
                    with self.transaction():
                        self._regroup_by_seq()

    def _regroup_by_seq(self) -> None:
        """Groups made again from the stored links (still keyed by seq at schema version 6), in
        the order articles were checked."""
        links = self._db.execute("SELECT a, b, kind, score FROM dedup_links").fetchall()
        self._db.execute("DELETE FROM article_groups")
        joined = {seq: anchor for seq, anchor in regroup(links).items() if seq != anchor}
        self._db.executemany(
            "INSERT OR REPLACE INTO article_groups VALUES (?, ?)",
            [*joined.items(), *((anchor, anchor) for anchor in set(joined.values()))],
        )

    @property
    def schema_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    @property
    def address(self) -> str:
        return str(self.path)

    def presence(self) -> SqlitePresence:
        return SqlitePresence(self.path, self._reader)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One atomic unit of work on the writer connection, holding SQLite's write lock."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def derived_dir(self, name: str) -> Path:
        """`marsad.db` keeps its search index in `marsad.db.search/`: copy both to copy the
        archive with its index (the file alone is enough: the index is rebuilt from it)."""
        return self.path.with_name(f"{self.path.name}.{name}")

    def checkpoint(self) -> None:
        """Fold the write-ahead log into the main file, so the file alone holds everything."""
        self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        self._reader.close()
        self._db.close()

    def __enter__(self) -> SqliteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

"""The embedded default store: one SQLite file in WAL mode, no server to run."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import closing, contextmanager
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar, TypeVar

import numpy as np
import numpy.typing as npt
import orjson

from marsad.dedup.exact import merge_copy, new_entry
from marsad.dedup.groups import regroup
from marsad.dedup.near import Doc, Link
from marsad.dedup.postings import PostingIndex
from marsad.dedup.templates import Cleaned
from marsad.store.base import (
    ArticleRecord,
    Occurrence,
    PageRecord,
    PageRef,
    QuarantineRecord,
    SearchHitRecord,
    SearchSource,
    WriteBatch,
    WriteResult,
)

T = TypeVar("T")
_CHUNK = 500  # SQLite's bound-parameter limit is well above this; chunks keep IN (...) lists small
# The outlet of the page that carried article `a` first: the outlet its template is learned for.
_FIRST_OUTLET = (
    "(SELECT p.outlet FROM occurrences o JOIN pages p ON p.page_id = o.page_id"
    " WHERE o.article_id = a.article_id ORDER BY o.seen_at, p.source LIMIT 1)"
)


_SOURCE = "seq, article_id, title, text, tags, wire, first_seen"  # what a SearchSource is made of
# The article fields a later exact copy can add to (marsad.dedup.exact.merge_copy), as stored.
_MERGED_FIELDS = (
    "title", "wire", "publisher", "tags", "related", "first_seen",
    "dateline", "place", "dated", "authors", "boilerplate",
)  # fmt: skip
_JSON_FIELDS = frozenset({"wire", "tags", "related", "authors", "boilerplate"})
_MERGED = ", ".join(_MERGED_FIELDS)


def _chunks(items: Sequence[T], size: int = _CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _dumps(values: Iterable[str]) -> str:
    return orjson.dumps(list(values)).decode()


def _merged_row(entry: dict[str, Any]) -> tuple[Any, ...]:
    """The merged fields of an article entry as a row (JSON lists dumped)."""
    return tuple(_dumps(entry[key]) if key in _JSON_FIELDS else entry[key] for key in _MERGED_FIELDS)


def _rows_in(db: sqlite3.Connection, sql: str, values: Sequence[Any]) -> Iterator[Any]:
    """The rows of `sql`, whose `IN ({marks})` takes the values, a chunk of them at a time."""
    for chunk in _chunks(list(values)):
        yield from db.execute(sql.format(marks=",".join("?" * len(chunk))), chunk)


def _present(db: sqlite3.Connection, page_ids: Sequence[str]) -> set[str]:
    return {row[0] for row in _rows_in(db, "SELECT page_id FROM pages WHERE page_id IN ({marks})", page_ids)}


def migrations() -> list[tuple[int, str]]:
    """(version, SQL) of every bundled migration, in order. Shared with other SQL stores."""
    folder = resources.files("marsad.store").joinpath("migrations")
    found = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            found.append((int(entry.name.split("_", 1)[0]), entry.read_text("utf-8")))
    return sorted(found)


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
        return _present(self._reader, page_ids)


class SqliteStore:
    """Store on one SQLite file. Each `write` is one transaction: a kill at any moment leaves the
    file at a batch boundary, and replaying the batch is harmless because every key is a content id.
    """

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
        # The near-duplicate index inserts hash-ordered keys all over its B-tree: with SQLite's
        # 2 MB default cache every insert re-reads pages. 64 MB keeps the hot index in memory.
        self._db.execute("PRAGMA cache_size=-65536")
        self._migrate()
        # A second connection for reads that may run while a write is in progress (WAL lets a
        # reader proceed beside the writer; one connection would serialize them).
        self._reader = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._reader.execute("PRAGMA busy_timeout=10000")
        self._index: PostingIndex | None = None
        self._pending_postings: list[tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]] = []

    def _migrate(self) -> None:
        current = self._db.execute("PRAGMA user_version").fetchone()[0]
        for version, sql in migrations():
            if version > current:
                self._db.executescript(f"BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version={version};\nCOMMIT;")
                if version == 6:  # groups were unions of links: they become stars around anchors
                    with self.transaction():
                        self._regroup()

    @property
    def schema_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def present_pages(self, page_ids: Sequence[str]) -> set[str]:
        return _present(self._reader, page_ids)

    def presence(self) -> SqlitePresence:
        return SqlitePresence(self.path, self._reader)

    def _existing_articles(self, article_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """The mergeable fields of stored articles (see `marsad.dedup.exact.merge_copy`)."""
        found: dict[str, dict[str, Any]] = {}
        rows = _rows_in(
            self._db,
            f"SELECT article_id, {_MERGED} FROM articles WHERE article_id IN ({{marks}})",
            article_ids,
        )
        for row in rows:
            found[row[0]] = {
                key: json.loads(value) if key in _JSON_FIELDS else value
                for key, value in zip(_MERGED_FIELDS, row[1:], strict=True)
            }
        return found

    def write(self, batch: WriteBatch, ingested_at: str) -> WriteResult:
        with self.transaction():
            return self._write(batch, ingested_at)

    def _write(self, batch: WriteBatch, ingested_at: str) -> WriteResult:
        db = self._db
        present = _present(db, [p.page.page_id for p in batch.pages])  # inside this transaction
        page_rows = []
        occurrences: list[tuple[str, int, Occurrence]] = []
        for write in batch.pages:
            page = write.page
            if page.page_id in present:
                continue
            present.add(page.page_id)
            page_rows.append(
                (
                    page.page_id,
                    page.source,
                    page.url,
                    page.outlet,
                    page.title,
                    page.published.isoformat() if page.published else None,
                    page.fetched.isoformat() if page.fetched else None,
                    page.fmt,
                    _dumps(write.similar),
                    page.raw,
                    ingested_at,
                    page.byline,
                )
            )
            occurrences.extend((page.page_id, occ.article.position, occ) for occ in write.occurrences)
        db.executemany(
            "INSERT INTO pages (page_id, source, url, outlet, title, published, fetched, fmt, similar, raw,"
            " ingested_at, byline) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            page_rows,
        )

        known = self._existing_articles(list(dict.fromkeys(occ.article_id for _, _, occ in occurrences)))
        changed: set[str] = set()
        new: dict[str, dict[str, Any]] = {}
        duplicates = 0
        for _, _, occ in occurrences:
            seen = occ.seen_at or ingested_at
            entry = known.get(occ.article_id)
            if entry is None:
                known[occ.article_id] = new[occ.article_id] = new_entry(occ.article, seen)
                continue
            # An exact duplicate from another page: its boilerplate adds to what we know. The
            # merge is order-free, so one batch or many give the same article.
            duplicates += 1
            merged = merge_copy(entry, occ.article, seen)
            if merged != entry:
                entry.update(merged)
                changed.add(occ.article_id)
        next_seq = db.execute("SELECT COALESCE(MAX(seq), 0) FROM articles").fetchone()[0] + 1
        db.executemany(
            f"INSERT INTO articles (article_id, seq, text, lead, {_MERGED})"
            f" VALUES (?, ?, ?, ?, {','.join('?' * len(_MERGED_FIELDS))})",
            [
                (article_id, next_seq + index, e["text"], e["lead"], *_merged_row(e))
                for index, (article_id, e) in enumerate(new.items())
            ],
        )
        # an article already stored that another page carried again: its tags, wire or first
        # seen may have changed, and its outlets may have: the search index takes it again
        again = [article_id for article_id in known if article_id not in new]
        db.executemany(
            "INSERT OR IGNORE INTO search_stale SELECT seq FROM articles WHERE article_id = ?",
            [(article_id,) for article_id in again],
        )
        db.executemany(
            f"UPDATE articles SET {', '.join(f'{name}=?' for name in _MERGED_FIELDS)} WHERE article_id=?",
            [
                (*_merged_row(known[article_id]), article_id)
                for article_id in changed
                if article_id not in new
            ],
        )
        db.executemany(
            "INSERT INTO occurrences (page_id, position, article_id, title, publisher, seen_at, dateline)"
            " VALUES (?,?,?,?,?,?,?)",
            [
                (
                    page_id,
                    position,
                    occ.article_id,
                    occ.article.title,
                    occ.article.publisher,
                    occ.seen_at or ingested_at,
                    occ.article.dateline,
                )
                for page_id, position, occ in occurrences
            ],
        )
        before = db.total_changes
        db.executemany(
            "INSERT OR IGNORE INTO quarantine VALUES (?,?,?,?,?)",
            [(f.failure_id, f.source, f.reason, f.raw, ingested_at) for f in batch.failures],
        )
        return WriteResult(
            pages_new=len(page_rows),
            articles_new=len(new),
            exact_duplicates=duplicates,
            quarantined=db.total_changes - before,
        )

    def articles(self, article_ids: Sequence[str] | None = None) -> Iterator[ArticleRecord]:
        """Every article in arrival order, or these ones (those the archive holds)."""
        if article_ids is not None:
            marks = ",".join("?" * len(article_ids))
            cursor = self._reader.execute(
                f"SELECT article_id, text, lead, {_MERGED} FROM articles WHERE article_id IN ({marks})"
                " ORDER BY seq",
                list(article_ids),
            )
        else:
            cursor = self._db.execute(f"SELECT article_id, text, lead, {_MERGED} FROM articles ORDER BY seq")
        while rows := cursor.fetchmany(_CHUNK):
            refs = self._page_refs([row[0] for row in rows])
            for article_id, text, lead, *merged in rows:
                fields = {
                    key: json.loads(value) if key in _JSON_FIELDS else value
                    for key, value in zip(_MERGED_FIELDS, merged, strict=True)
                }
                yield ArticleRecord(
                    article_id=article_id,
                    text=text,
                    lead=lead,
                    pages=refs.get(article_id, []),
                    **fields,
                )

    def _page_refs(self, article_ids: Sequence[str]) -> dict[str, list[PageRef]]:
        marks = ",".join("?" * len(article_ids))
        refs: dict[str, list[PageRef]] = {}
        rows = self._db.execute(
            "SELECT o.article_id, p.source, p.outlet, o.position, p.url, o.seen_at, o.dateline"
            " FROM occurrences o JOIN pages p ON p.page_id = o.page_id"
            f" WHERE o.article_id IN ({marks}) ORDER BY o.seen_at, p.source, o.position",
            list(article_ids),
        )
        for article_id, source, outlet, position, url, seen_at, dateline in rows:
            refs.setdefault(article_id, []).append(PageRef(source, outlet, position, url, seen_at, dateline))
        return refs

    def pages(self) -> Iterator[PageRecord]:
        cursor = self._db.execute(
            "SELECT page_id, source, outlet, url, title, published, similar, byline FROM pages ORDER BY rowid"
        )
        while rows := cursor.fetchmany(_CHUNK):
            ids = [row[0] for row in rows]
            marks = ",".join("?" * len(ids))
            ordered: dict[str, list[str]] = {}
            for page_id, article_id in self._db.execute(
                f"SELECT page_id, article_id FROM occurrences WHERE page_id IN ({marks})"
                " ORDER BY page_id, position",
                ids,
            ):
                ordered.setdefault(page_id, []).append(article_id)
            for page_id, source, outlet, url, title, published, similar, byline in rows:
                yield PageRecord(
                    page_id=page_id,
                    source=source,
                    outlet=outlet,
                    url=url,
                    title=title,
                    published=published,
                    article_ids=ordered.get(page_id, []),
                    similar=json.loads(similar),
                    byline=byline,
                )

    def quarantined(self) -> Iterator[QuarantineRecord]:
        rows = self._db.execute(
            "SELECT source, reason, length(raw), quarantined_at FROM quarantine ORDER BY rowid"
        )
        for source, reason, size, at in rows:
            yield QuarantineRecord(source, reason, size, at)

    def quarantined_raw(self, source: str) -> list[bytes]:
        """The kept bytes of quarantined input from one source, to inspect or re-feed."""
        return [row[0] for row in self._db.execute("SELECT raw FROM quarantine WHERE source=?", (source,))]

    def counts(self) -> dict[str, int]:
        def one(sql: str) -> int:
            return int(self._db.execute(sql).fetchone()[0])

        pages = one("SELECT COUNT(*) FROM pages")
        articles = one("SELECT COUNT(*) FROM articles")
        occurrences = one("SELECT COUNT(*) FROM occurrences")
        return {
            "pages": pages,
            "articles": articles,
            "article_occurrences": occurrences,
            "exact_duplicates": occurrences - articles,
            "outlets": one("SELECT COUNT(DISTINCT outlet) FROM pages WHERE outlet IS NOT NULL"),
            "quarantined": one("SELECT COUNT(*) FROM quarantine"),
        }

    # --- near-duplicate index (the `Archive` protocol of marsad.dedup.near) -------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One atomic unit of work on the writer connection. The in-memory posting index takes
        the new postings only once they are committed."""
        self._db.execute("BEGIN IMMEDIATE")
        self._pending_postings = []
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            self._pending_postings = []
            raise
        self._db.execute("COMMIT")
        for shingles, seqs in self._pending_postings:
            self._posting_index().add(shingles, seqs)
        self._pending_postings = []

    def unindexed_docs(self, limit: int, at_least: int = 1) -> list[Doc]:
        """Articles not yet checked for near-duplicates, oldest first, with their first outlet;
        none unless there are `at_least` of them.

        Articles are checked in seq order, each batch in the transaction that records it in
        dedup_docs, so the checked ones are always the first ones: the rest start after the
        highest checked seq. (An anti-join scanned every checked article on each call, and
        ingest calls this after every batch written: 2.7 s over SaudiNewsNet.)
        """
        after = self._db.execute("SELECT COALESCE(MAX(seq), 0) FROM dedup_docs").fetchone()[0]
        waiting = self._db.execute(
            "SELECT COUNT(*) FROM (SELECT 1 FROM articles WHERE seq > ? LIMIT ?)", (after, at_least)
        ).fetchone()[0]
        if waiting < at_least:
            return []
        rows = self._db.execute(
            f"SELECT a.seq, a.text, {_FIRST_OUTLET} FROM articles a WHERE a.seq > ? ORDER BY a.seq LIMIT ?",
            (after, limit),
        )
        return [Doc(seq, text, outlet) for seq, text, outlet in rows]

    def article_ids(self, seqs: Sequence[int]) -> list[str]:
        return [
            row[0]
            for row in _rows_in(self._db, "SELECT article_id FROM articles WHERE seq IN ({marks})", seqs)
        ]

    def docs(self, seqs: Sequence[int]) -> list[Doc]:
        sql = f"SELECT a.seq, a.text, {_FIRST_OUTLET} FROM articles a WHERE a.seq IN ({{marks}})"
        return [Doc(seq, text, outlet) for seq, text, outlet in _rows_in(self._db, sql, seqs)]

    def count_lines(self, hashes: Sequence[int]) -> dict[int, int]:
        counts = dict.fromkeys(hashes, 0)
        sql = "SELECT line_hash, articles FROM dedup_lines WHERE line_hash IN ({marks})"
        counts.update(_rows_in(self._db, sql, hashes))
        return counts

    def add_lines(self, hashes: Sequence[int]) -> None:
        self._db.executemany(
            "INSERT INTO dedup_lines VALUES (?, ?)"
            " ON CONFLICT (line_hash) DO UPDATE SET articles = articles + excluded.articles",
            Counter(hashes).items(),
        )

    def _posting_index(self) -> PostingIndex:
        """The inverted index over every stored sample, built from the BLOBs on first use."""
        if self._index is None:
            index = PostingIndex()
            seqs, samples = [], []
            for seq, sample in self._db.execute("SELECT seq, sample FROM dedup_docs WHERE sample_size > 0"):
                values = np.frombuffer(sample, dtype="<i8").astype(np.int64)
                samples.append(values)
                seqs.append(np.full(values.size, seq, dtype=np.int64))
            if samples:
                index.add(np.concatenate(samples), np.concatenate(seqs))
            self._index = index
        return self._index

    def postings(
        self, shingles: npt.NDArray[np.int64]
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        return self._posting_index().lookup(shingles)

    def add_postings(
        self, shingles: npt.NDArray[np.int64], seqs: npt.NDArray[np.int64], sizes: dict[int, int]
    ) -> None:
        order = np.argsort(seqs, kind="stable")
        sorted_seqs, sorted_shingles = seqs[order], shingles[order]
        cuts = np.flatnonzero(np.diff(sorted_seqs)) + 1
        blobs = {
            int(chunk_seqs[0]): chunk.astype("<i8").tobytes()
            for chunk, chunk_seqs in zip(
                np.split(sorted_shingles, cuts), np.split(sorted_seqs, cuts), strict=True
            )
            if chunk.size
        }
        self._db.executemany(
            "INSERT OR REPLACE INTO dedup_docs VALUES (?, ?, ?)",
            ((seq, size, blobs.get(seq, b"")) for seq, size in sizes.items()),
        )
        self._pending_postings.append((sorted_shingles, sorted_seqs))

    def sample_sizes(self, seqs: Sequence[int]) -> dict[int, int]:
        return dict(
            _rows_in(self._db, "SELECT seq, sample_size FROM dedup_docs WHERE seq IN ({marks})", seqs)
        )

    def add_links(self, links: Iterable[Link]) -> None:
        self._db.executemany(
            "INSERT OR REPLACE INTO dedup_links VALUES (?, ?, ?, ?)",
            ((link.a, link.b, link.kind, link.score) for link in links),
        )

    # --- duplicate groups: stars around an anchor (marsad.dedup.groups) -----------------------

    def anchors_of(self, seqs: Sequence[int]) -> dict[int, int]:
        sql = "SELECT seq, group_seq FROM article_groups WHERE seq IN ({marks})"
        return dict(_rows_in(self._db, sql, seqs))

    def set_anchors(self, anchors: dict[int, int]) -> None:
        """Members get a row naming their anchor, and so does an anchor once it has a member (an
        article alone in its group has none)."""
        joined = {seq: anchor for seq, anchor in anchors.items() if seq != anchor}
        self._db.executemany(
            "INSERT OR REPLACE INTO article_groups VALUES (?, ?)",
            [*joined.items(), *((anchor, anchor) for anchor in set(joined.values()))],
        )

    def group_anchors(self) -> dict[str, str]:
        return dict(
            self._reader.execute(
                "SELECT a.article_id, g.article_id FROM article_groups ag"
                " JOIN articles a ON a.seq = ag.seq JOIN articles g ON g.seq = ag.group_seq"
            )
        )

    def _regroup(self) -> None:
        """Groups made again from the stored links, in the order articles were checked."""
        links = self._db.execute("SELECT a, b, kind, score FROM dedup_links").fetchall()
        self._db.execute("DELETE FROM article_groups")
        self.set_anchors(regroup(links))

    # --- learnt templates (marsad.dedup.templates) ---------------------------------------------

    def template_edges(self, hashes: Sequence[int]) -> list[int]:
        sql = "SELECT DISTINCT seq FROM template_edges WHERE line_hash IN ({marks})"
        return sorted({row[0] for row in _rows_in(self._db, sql, hashes)})

    def add_template_edges(self, rows: Sequence[tuple[int, int]]) -> None:
        self._db.executemany("INSERT OR IGNORE INTO template_edges VALUES (?, ?)", rows)

    def drop_template_edges(self, hashes: Sequence[int]) -> None:
        self._db.executemany("DELETE FROM template_edges WHERE line_hash = ?", [(h,) for h in hashes])

    def texts(self, seqs: Sequence[int]) -> list[tuple[int, str, str | None]]:
        return [(doc.seq, doc.text, doc.outlet) for doc in self.docs(seqs)]

    def replace_texts(self, cleaned: Sequence[Cleaned]) -> None:
        """The text without its learnt template lines, which join the article's boilerplate; the
        search index takes the article again."""
        rows = _rows_in(
            self._db, "SELECT seq, boilerplate FROM articles WHERE seq IN ({marks})", [c.seq for c in cleaned]
        )
        kept = {seq: json.loads(boilerplate) for seq, boilerplate in rows}
        self._db.executemany(
            "UPDATE articles SET text = ?, lead = ?, boilerplate = ? WHERE seq = ?",
            [
                (c.text, c.text.split("\n", 1)[0], _dumps(dict.fromkeys([*kept[c.seq], *c.removed])), c.seq)
                for c in cleaned
            ],
        )
        self._db.executemany("INSERT OR IGNORE INTO search_stale VALUES (?)", [(c.seq,) for c in cleaned])

    # --- full-text search (the index itself is derived, beside the file) --------------------

    @property
    def archive_id(self) -> str:
        return str(self._reader.execute("SELECT value FROM meta WHERE key = 'archive_id'").fetchone()[0])

    def derived_dir(self, name: str) -> Path:
        """`marsad.db` keeps its search index in `marsad.db.search/`: copy both to copy the
        archive with its index (the file alone is enough: the index is rebuilt from it)."""
        return self.path.with_name(f"{self.path.name}.{name}")

    def last_seq(self) -> int:
        return int(self._reader.execute("SELECT COALESCE(MAX(seq), 0) FROM articles").fetchone()[0])

    def search_backlog(self, indexed_through: int) -> int:
        row = self._db.execute(
            "SELECT (SELECT COUNT(*) FROM articles WHERE seq > ?)"
            " + (SELECT COUNT(*) FROM search_stale WHERE seq <= ?)",
            (indexed_through, indexed_through),
        ).fetchone()
        return int(row[0])

    def unsearched(self, indexed_through: int, limit: int) -> list[SearchSource]:
        rows = self._db.execute(
            f"SELECT {_SOURCE} FROM articles"
            " WHERE seq IN (SELECT seq FROM search_stale WHERE seq <= ?) UNION ALL SELECT * FROM"
            f" (SELECT {_SOURCE} FROM articles WHERE seq > ? ORDER BY seq LIMIT ?)",
            (indexed_through, indexed_through, limit),
        ).fetchall()[:limit]
        return self._sources(rows)

    def _sources(self, rows: Sequence[tuple[Any, ...]]) -> list[SearchSource]:
        """SearchSources of `_SOURCE` rows, with the outlets that carried each article."""
        outlets = self._outlets([row[1] for row in rows])
        return [
            SearchSource(seq, a, title, text, json.loads(tags), outlets.get(a, []), json.loads(wire), seen)
            for seq, a, title, text, tags, wire, seen in rows
        ]

    def _outlets(self, article_ids: Sequence[str]) -> dict[str, list[str]]:
        """The outlets that carried each article, first seen first."""
        found: dict[str, list[str]] = {}
        sql = (
            "SELECT o.article_id, p.outlet FROM occurrences o JOIN pages p ON p.page_id = o.page_id"
            " WHERE o.article_id IN ({marks}) AND p.outlet IS NOT NULL ORDER BY o.seen_at, p.source"
        )
        for article_id, outlet in _rows_in(self._db, sql, article_ids):  # (one article, one chunk)
            held = found.setdefault(article_id, [])
            if outlet not in held:
                held.append(outlet)
        return found

    def mark_searched(self, seqs: Sequence[int]) -> None:
        with self.transaction():
            self._db.executemany("DELETE FROM search_stale WHERE seq = ?", [(seq,) for seq in seqs])

    def search_source(self, article_id: str) -> SearchSource | None:
        rows = self._reader.execute(f"SELECT {_SOURCE} FROM articles WHERE article_id = ?", (article_id,))
        found = self._sources(rows.fetchall())
        return found[0] if found else None

    def groups(self, seqs: Sequence[int]) -> dict[int, int]:
        return dict(
            _rows_in(self._reader, "SELECT seq, group_seq FROM article_groups WHERE seq IN ({marks})", seqs)
        )

    def group_of(self, article_id: str) -> int | None:
        row = self._reader.execute(
            "SELECT COALESCE(g.group_seq, a.seq) FROM articles a"
            " LEFT JOIN article_groups g ON g.seq = a.seq WHERE a.article_id = ?",
            (article_id,),
        ).fetchone()
        return int(row[0]) if row else None

    def hit(self, seq: int, group: int, score: float) -> SearchHitRecord:
        db = self._reader
        article_id, title, text, first_seen = db.execute(
            "SELECT article_id, title, text, first_seen FROM articles WHERE seq = ?", (seq,)
        ).fetchone()
        members = db.execute(
            "SELECT a.article_id, a.seq FROM articles a JOIN article_groups g ON g.seq = a.seq"
            " WHERE g.group_seq = ? ORDER BY a.seq",
            (group,),
        ).fetchall()
        group_ids = [article_id, *(m for m, _ in members if m != article_id)]
        group_seqs = {seq, *(s for _, s in members)}
        marks = ",".join("?" * len(group_ids))
        by_outlet = db.execute(  # one pass over the group's pages: its outlets and how many pages
            "SELECT p.outlet, MIN(o.seen_at) AS first, COUNT(*)"
            " FROM occurrences o JOIN pages p ON p.page_id = o.page_id"
            f" WHERE o.article_id IN ({marks}) GROUP BY p.outlet ORDER BY first",
            group_ids,
        ).fetchall()
        outlets = [outlet for outlet, _, _ in by_outlet if outlet is not None]
        pages = sum(count for _, _, count in by_outlet)
        contains, inside = self._containment(group_seqs)
        return SearchHitRecord(
            article_id, seq, score, title, text, first_seen, group_ids, outlets, pages, contains, inside
        )

    def _containment(self, seqs: set[int]) -> tuple[list[str], list[str]]:
        """What these articles contain and what contains them (`contained` links, the shorter
        text inside the longer), other than themselves. Looked up by the links' keys, one end
        then the other (a search shows this for every hit: an OR over both ends would scan
        every link)."""
        marks = ",".join("?" * len(seqs))
        rows = self._reader.execute(
            "SELECT l.a, length(x.text), x.article_id, l.b, length(y.text), y.article_id FROM ("
            f" SELECT a, b FROM dedup_links WHERE a IN ({marks}) AND kind = 'contained' UNION"
            f" SELECT a, b FROM dedup_links WHERE b IN ({marks}) AND kind = 'contained'"
            ") l JOIN articles x ON x.seq = l.a JOIN articles y ON y.seq = l.b",
            [*seqs, *seqs],
        ).fetchall()
        contains: list[str] = []
        inside: list[str] = []
        for seq_a, size_a, id_a, seq_b, size_b, id_b in rows:
            # the shorter text is the one inside (ties: the smaller id, as `contained_pairs`)
            (_, inner_id, inner), (_, outer_id, outer) = sorted(
                [(size_a, id_a, seq_a), (size_b, id_b, seq_b)]
            )
            if outer in seqs and inner not in seqs:
                contains.append(inner_id)
            elif inner in seqs and outer not in seqs:
                inside.append(outer_id)
        return list(dict.fromkeys(contains)), list(dict.fromkeys(inside))

    def near_links(self) -> list[tuple[str, str, str, float]]:
        """Every verified near-duplicate link, by article id."""
        return self._reader.execute(
            "SELECT x.article_id, y.article_id, l.kind, l.score FROM dedup_links l"
            " JOIN articles x ON x.seq = l.a JOIN articles y ON y.seq = l.b ORDER BY l.a, l.b"
        ).fetchall()

    def group_members(self, article_id: str) -> list[str]:
        """The articles of an article's duplicate group, itself included (alone: itself)."""
        rows = self._reader.execute(
            "SELECT m.article_id FROM articles a JOIN article_groups g ON g.seq = a.seq"
            " JOIN article_groups h ON h.group_seq = g.group_seq JOIN articles m ON m.seq = h.seq"
            " WHERE a.article_id = ? ORDER BY m.seq",
            (article_id,),
        ).fetchall()
        return [row[0] for row in rows] or [article_id]

    def containment_of(self, article_id: str) -> tuple[list[str], list[str]]:
        """What an article contains and what contains it."""
        row = self._reader.execute("SELECT seq FROM articles WHERE article_id = ?", (article_id,)).fetchone()
        return self._containment({row[0]}) if row else ([], [])

    def contained_pairs(self) -> list[tuple[str, str]]:
        """(inner, outer) article ids of every `contained` link: the shorter text is the inner."""
        return self._reader.execute(
            "SELECT CASE WHEN length(x.text) <= length(y.text) THEN x.article_id ELSE y.article_id END,"
            " CASE WHEN length(x.text) <= length(y.text) THEN y.article_id ELSE x.article_id END"
            " FROM dedup_links l JOIN articles x ON x.seq = l.a JOIN articles y ON y.seq = l.b"
            " WHERE l.kind = 'contained' ORDER BY l.a, l.b"
        ).fetchall()

    def checkpoint(self) -> None:
        """Fold the write-ahead log into the main file, so the file alone holds everything."""
        self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def page_counts(self) -> dict[str, int]:
        """How many pages carried each article."""
        return dict(self._reader.execute("SELECT article_id, COUNT(*) FROM occurrences GROUP BY article_id"))

    def close(self) -> None:
        self._reader.close()
        self._db.close()

    def __enter__(self) -> SqliteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

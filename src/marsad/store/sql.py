"""The SQL every store shares, written once: `SqlStore` over a writer and a reader connection.

SQLite and PostgreSQL run the same statements, in the SQL both speak: `ON CONFLICT` upserts,
named columns, keyset pagination rather than long-lived cursors, `?` placeholders that a store
may rewrite (psycopg wants `%s`). What differs — opening, transactions and how writers are
serialized, migrations, where derived indexes live — is each store's own (`sqlite.py`,
`postgres.py`). Domain rules are not SQL: the exact-duplicate merge is
`marsad.dedup.exact.merge_occurrences`, groups are `marsad.dedup.groups.anchors`.

Articles are keyed by their id and by the 64-bit integer derived from it (`article_key`), which
dedup and search use; `seq` is only the arrival order, private to a store (exports list
articles in it). Every article added, copied again or cleaned appends to `article_changes`, the
change log that near-duplicate linking, the search index and later consumers read from their
own cursors.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from importlib import resources
from pathlib import Path
from typing import Any, Protocol, TypeVar

import orjson

from marsad.dedup.exact import merge_occurrences
from marsad.dedup.near import Doc, Link
from marsad.dedup.templates import Cleaned
from marsad.enrich.port import EntityRecord, MentionRow
from marsad.model import (
    ArticleBrief,
    ArticleRecord,
    Change,
    GroupSummary,
    OutletSummary,
    PageRecord,
    PageRef,
    QuarantineRecord,
    article_key,
)
from marsad.search.port import SearchHitRecord, SearchSource
from marsad.store.base import Occurrence, WriteBatch, WriteResult
from marsad.stories.port import Assignment, StoryRecord, StorySource

T = TypeVar("T")
CHUNK = 500  # rows per IN (...) list and per page of a keyset scan
# The outlet of the page that carried article `a` first: the outlet its template is learned for.
_FIRST_OUTLET = (
    "(SELECT p.outlet FROM occurrences o JOIN pages p ON p.page_id = o.page_id"
    " WHERE o.article_id = a.article_id ORDER BY o.seen_at, p.source LIMIT 1)"
)
_ENTITY = "entity_id, type, name, COALESCE(all_articles, articles), merged_into"
# an entity and the names merged into it
_NAMES_OF = "SELECT entity_id FROM entities WHERE entity_id = ? OR merged_into = ?"
_STORY = "story_id, title, first_day, last_day, articles"  # a StoryRecord's columns
_SOURCE = "article_key, article_id, title, text, tags, wire, first_seen"  # a SearchSource's columns
# The article fields a later exact copy can add to (marsad.dedup.exact.merge_copy), as stored.
MERGED_FIELDS = (
    "title",
    "wire",
    "publisher",
    "tags",
    "related",
    "first_seen",
    "dateline",
    "place",
    "dated",
    "authors",
    "boilerplate",
)
_JSON_FIELDS = frozenset({"wire", "tags", "related", "authors", "boilerplate"})
_MERGED = ", ".join(MERGED_FIELDS)
# Every page's copy of an article with the article's duplicate group (its anchor's key, or its
# own key when it is in no group): what browsing groups and outlets aggregates over.
_CARRIED = (
    "SELECT COALESCE(g.anchor_key, a.article_key) AS grp, p.outlet AS outlet, o.article_id AS article_id,"
    " o.seen_at AS seen_at FROM occurrences o JOIN pages p ON p.page_id = o.page_id"
    " JOIN articles a ON a.article_id = o.article_id"
    " LEFT JOIN article_groups g ON g.article_key = a.article_key"
)
# change-log kinds: added; carried again by another page; cleaned of learnt template lines
NEW, COPY, TEXT = "new", "copy", "text"


def migrations(dialect: str = "sqlite") -> list[tuple[int, str]]:
    """(version, SQL) of every bundled migration of a store (`sqlite` or `postgresql`), in order."""
    folder = resources.files("marsad.store").joinpath("migrations").joinpath(dialect)
    found = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            found.append((int(entry.name.split("_", 1)[0]), entry.read_text("utf-8")))
    return sorted(found)


class Connection(Protocol):
    def execute(self, sql: Any, params: Any = ...) -> Any: ...

    def cursor(self) -> Any: ...


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def rows_in(execute: Callable[[str, list[Any]], Any], sql: str, values: Sequence[Any]) -> Iterator[Any]:
    """The rows of `sql`, whose `IN ({marks})` takes the values, a chunk of them at a time
    (`execute` takes `?` placeholders)."""
    for chunk in chunks(list(values)):
        yield from execute(sql.format(marks=",".join("?" * len(chunk))), list(chunk)).fetchall()


PRESENT_PAGES = "SELECT page_id FROM pages WHERE page_id IN ({marks})"


def pages_present(execute: Callable[[str, list[Any]], Any], page_ids: Sequence[str]) -> set[str]:
    """Which of these pages are stored: the check a store and its presence objects share."""
    return {row[0] for row in rows_in(execute, PRESENT_PAGES, page_ids)}


def dumps(values: Iterable[str]) -> str:
    return orjson.dumps(list(values)).decode()


def _merged_row(entry: dict[str, Any]) -> tuple[Any, ...]:
    """The merged fields of an article entry as a row (JSON lists dumped)."""
    return tuple(dumps(entry[key]) if key in _JSON_FIELDS else entry[key] for key in MERGED_FIELDS)


def _fields(merged: Sequence[Any]) -> dict[str, Any]:
    return {
        key: json.loads(value) if key in _JSON_FIELDS else value
        for key, value in zip(MERGED_FIELDS, merged, strict=True)
    }


class SqlStore:
    """A store on a writer connection (`_db`) and a reader connection (`_reader`, for reads
    that may run beside a write). Subclasses open them, run their migrations, and provide
    `transaction`, `presence`, `derived_dir` and `address`."""

    _db: Connection
    _reader: Connection

    # --- the dialect's hooks ------------------------------------------------------------------

    def _q(self, sql: str) -> str:
        """A statement in this store's placeholder style (written with `?`)."""
        return sql

    def transaction(self) -> AbstractContextManager[None]:
        raise NotImplementedError

    # --- plumbing -----------------------------------------------------------------------------

    def _run(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self._db.execute(self._q(sql), params)

    def _read(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self._reader.execute(self._q(sql), params)

    def _many(self, sql: str, rows: Iterable[Sequence[Any]]) -> int:
        """Run a statement for every row; how many rows it changed."""
        rows = list(rows)
        if not rows:
            return 0
        cursor = self._db.cursor()
        cursor.executemany(self._q(sql), rows)
        return max(int(cursor.rowcount), 0)

    def _one(self, sql: str, params: Sequence[Any] = (), reader: bool = False) -> Any:
        return (self._read if reader else self._run)(sql, params).fetchone()[0]

    def _meta(self, key: str, reader: bool = False) -> str | None:
        """An archive setting (table meta), None when unset."""
        row = (self._read if reader else self._run)("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return None if row is None else str(row[0])

    def _rows_in(self, sql: str, values: Sequence[Any], reader: bool = False) -> Iterator[Any]:
        """`rows_in` on the reader or the writer."""
        return rows_in(self._read if reader else self._run, sql, values)

    def _present(self, page_ids: Sequence[str], reader: bool = True) -> set[str]:
        return pages_present(self._read if reader else self._run, page_ids)

    # --- ArchiveStore: writing -----------------------------------------------------------------

    def present_pages(self, page_ids: Sequence[str]) -> set[str]:
        return self._present(page_ids)

    def _stored_articles(self, article_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """The mergeable fields of stored articles (see `marsad.dedup.exact.merge_copy`)."""
        sql = f"SELECT article_id, {_MERGED} FROM articles WHERE article_id IN ({{marks}})"
        return {row[0]: _fields(row[1:]) for row in self._rows_in(sql, article_ids)}

    def write(self, batch: WriteBatch, ingested_at: str) -> WriteResult:
        with self.transaction():
            return self._write(batch, ingested_at)

    def _write(self, batch: WriteBatch, ingested_at: str) -> WriteResult:
        present = self._present([p.page.page_id for p in batch.pages], reader=False)
        page_rows: list[tuple[Any, ...]] = []
        found: list[tuple[str, Occurrence]] = []
        for write in batch.pages:
            page = write.page
            if page.page_id in present:
                continue
            present.add(page.page_id)
            published = page.published.isoformat() if page.published else None
            fetched = page.fetched.isoformat() if page.fetched else None
            page_rows.append(
                (
                    page.page_id,
                    page.source,
                    page.url,
                    page.outlet,
                    page.title,
                    published,
                    fetched,
                    page.fmt,
                    dumps(write.similar),
                    page.raw,
                    ingested_at,
                    page.byline,
                )
            )
            found.extend((page.page_id, occ) for occ in write.occurrences)
        self._many(
            'INSERT INTO pages (page_id, source, url, outlet, title, published, fetched, fmt, "similar", raw,'
            " ingested_at, byline) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            page_rows,
        )
        stored = self._stored_articles(list(dict.fromkeys(occ.article_id for _, occ in found)))
        merged = merge_occurrences(
            stored, ((occ.article_id, occ.article, occ.seen_at or ingested_at) for _, occ in found)
        )
        next_seq = self._one("SELECT COALESCE(MAX(seq), 0) FROM articles") + 1
        self._many(
            f"INSERT INTO articles (article_id, article_key, seq, text, lead, {_MERGED})"
            f" VALUES (?, ?, ?, ?, ?, {','.join('?' * len(MERGED_FIELDS))})",
            [
                (article_id, article_key(article_id), next_seq + index, e["text"], e["lead"], *_merged_row(e))
                for index, (article_id, e) in enumerate(merged.new.items())
            ],
        )
        self._many(
            f"UPDATE articles SET {', '.join(f'{name} = ?' for name in MERGED_FIELDS)} WHERE article_id = ?",
            [(*_merged_row(entry), article_id) for article_id, entry in merged.changed.items()],
        )
        self._many(
            "INSERT INTO occurrences (page_id, position, article_id, title, publisher, seen_at, dateline)"
            " VALUES (?,?,?,?,?,?,?)",
            [
                (
                    page_id,
                    occ.article.position,
                    occ.article_id,
                    occ.article.title,
                    occ.article.publisher,
                    occ.seen_at or ingested_at,
                    occ.article.dateline,
                )
                for page_id, occ in found
            ],
        )
        # the change log: new articles in arrival order, then those another page carried again
        # (their tags, wire, first seen or outlets may have changed: the search index takes them)
        new = [(article_key(i), NEW) for i in merged.new]
        self._log([*new, *((article_key(i), COPY) for i in merged.again)])
        quarantined = self._many(
            "INSERT INTO quarantine (failure_id, source, reason, raw, quarantined_at) VALUES (?,?,?,?,?)"
            " ON CONFLICT DO NOTHING",
            [(f.failure_id, f.source, f.reason, f.raw, ingested_at) for f in batch.failures],
        )
        return WriteResult(len(page_rows), len(merged.new), merged.duplicates, quarantined)

    def _log(self, entries: Sequence[tuple[int, str]]) -> None:
        self._many("INSERT INTO article_changes (article_key, change) VALUES (?, ?)", entries)

    # --- ArchiveStore: reading -----------------------------------------------------------------

    def _scan(self, sql: str, order: str) -> Iterator[list[Any]]:
        """Every row of `sql` (which selects `order` first and has no WHERE), CHUNK rows at a
        time, by keyset: no cursor stays open between chunks."""
        after = None
        while True:
            where = "" if after is None else f" WHERE {order} > ?"
            rows = self._read(
                f"{sql}{where} ORDER BY {order} LIMIT {CHUNK}", [] if after is None else [after]
            )
            rows = rows.fetchall()
            if not rows:
                return
            yield rows
            after = rows[-1][0]

    def articles(self, article_ids: Sequence[str] | None = None) -> Iterator[ArticleRecord]:
        """Every article in arrival order, or these ones (those the archive holds)."""
        columns = f"seq, article_id, text, lead, {_MERGED}"
        if article_ids is not None:
            sql = f"SELECT {columns} FROM articles WHERE article_id IN ({{marks}})"
            batches: Iterable[list[Any]] = [sorted(self._rows_in(sql, article_ids, reader=True))]
        else:
            batches = self._scan(f"SELECT {columns} FROM articles", "seq")
        for rows in batches:
            refs = self._page_refs([row[1] for row in rows])
            for _, article_id, text, lead, *merged in rows:
                yield ArticleRecord(
                    article_id=article_id,
                    text=text,
                    lead=lead,
                    pages=refs.get(article_id, []),
                    **_fields(merged),
                )

    def _page_refs(self, article_ids: Sequence[str]) -> dict[str, list[PageRef]]:
        refs: dict[str, list[PageRef]] = {}
        sql = (
            "SELECT o.article_id, p.source, p.outlet, o.position, p.url, o.seen_at, o.dateline"
            " FROM occurrences o JOIN pages p ON p.page_id = o.page_id"
            " WHERE o.article_id IN ({marks}) ORDER BY o.seen_at, p.source, o.position"
        )
        for article_id, source, outlet, position, url, seen_at, dateline in self._rows_in(
            sql, article_ids, True
        ):
            refs.setdefault(article_id, []).append(PageRef(source, outlet, position, url, seen_at, dateline))
        return refs

    def pages(self) -> Iterator[PageRecord]:
        sql = 'SELECT rowid, page_id, source, outlet, url, title, published, "similar", byline FROM pages'
        for rows in self._scan(sql, "rowid"):
            ordered: dict[str, list[str]] = {}
            carried = "SELECT page_id, article_id FROM occurrences WHERE page_id IN ({marks})"
            carried += " ORDER BY page_id, position"
            for page_id, article_id in self._rows_in(carried, [row[1] for row in rows], reader=True):
                ordered.setdefault(page_id, []).append(article_id)
            for _, page_id, source, outlet, url, title, published, similar, byline in rows:
                yield PageRecord(
                    page_id,
                    source,
                    outlet,
                    url,
                    title,
                    published,
                    ordered.get(page_id, []),
                    json.loads(similar),
                    byline,
                )

    def quarantined(self) -> Iterator[QuarantineRecord]:
        sql = "SELECT rowid, source, reason, length(raw), quarantined_at FROM quarantine"
        for rows in self._scan(sql, "rowid"):
            for _, source, reason, size, at in rows:
                yield QuarantineRecord(source, reason, size, at)

    def quarantined_raw(self, source: str) -> list[bytes]:
        return [bytes(row[0]) for row in self._read("SELECT raw FROM quarantine WHERE source = ?", [source])]

    def counts(self) -> dict[str, int]:
        def one(sql: str) -> int:
            return int(self._one(sql, reader=True))

        articles = one("SELECT COUNT(*) FROM articles")
        occurrences = one("SELECT COUNT(*) FROM occurrences")
        return {
            "pages": one("SELECT COUNT(*) FROM pages"),
            "articles": articles,
            "article_occurrences": occurrences,
            "exact_duplicates": occurrences - articles,
            "outlets": one("SELECT COUNT(DISTINCT outlet) FROM pages WHERE outlet IS NOT NULL"),
            "quarantined": one("SELECT COUNT(*) FROM quarantine"),
        }

    def page_counts(self) -> dict[str, int]:
        return dict(self._read("SELECT article_id, COUNT(*) FROM occurrences GROUP BY article_id").fetchall())

    def group_anchors(self) -> dict[str, str]:
        return dict(
            self._read(
                "SELECT a.article_id, g.article_id FROM article_groups ag"
                " JOIN articles a ON a.article_key = ag.article_key"
                " JOIN articles g ON g.article_key = ag.anchor_key"
            ).fetchall()
        )

    def group_members(self, article_id: str) -> list[str]:
        rows = self._read(
            "SELECT m.article_id FROM articles a JOIN article_groups g ON g.article_key = a.article_key"
            " JOIN article_groups h ON h.anchor_key = g.anchor_key"
            " JOIN articles m ON m.article_key = h.article_key"
            " WHERE a.article_id = ? ORDER BY m.seq",
            [article_id],
        ).fetchall()
        return [row[0] for row in rows] or [article_id]

    def containment_of(self, article_id: str) -> tuple[list[str], list[str]]:
        return self._containment({article_key(article_id)})

    def _containment(self, keys: set[int]) -> tuple[list[str], list[str]]:
        """What these articles contain and what contains them (`contained` links, the shorter
        text inside the longer), other than themselves."""
        return _contained_around(keys, self._containment_links(keys))

    def _containment_links(self, keys: set[int]) -> list[tuple[Any, ...]]:
        """The `contained` links with an end among `keys`, with both ends' sizes and ids.
        Looked up by the links' keys, one end then the other (a search shows this for every
        hit: an OR over both ends would scan every link)."""
        marks = ",".join("?" * len(keys))
        return self._read(
            "SELECT l.a, length(x.text), x.article_id, l.b, length(y.text), y.article_id FROM ("
            f" SELECT a, b FROM dedup_links WHERE a IN ({marks}) AND kind = 'contained' UNION"
            f" SELECT a, b FROM dedup_links WHERE b IN ({marks}) AND kind = 'contained'"
            ") l JOIN articles x ON x.article_key = l.a JOIN articles y ON y.article_key = l.b"
            " ORDER BY x.seq, y.seq",
            [*keys, *keys],
        ).fetchall()

    # --- browsing: groups of copies, outlets -------------------------------------------------

    def copy_groups(self, limit: int, offset: int = 0) -> list[GroupSummary]:
        """Groups carried by more than one page, the most outlets first, then the latest seen."""
        rows = self._read(
            "SELECT grp, COUNT(DISTINCT outlet) AS outlets, COUNT(*) AS pages,"
            " COUNT(DISTINCT article_id) AS texts, MIN(seen_at) AS first, MAX(seen_at) AS latest"
            f" FROM ({_CARRIED}) c GROUP BY grp HAVING COUNT(*) > 1"
            " ORDER BY outlets DESC, latest DESC, grp LIMIT ? OFFSET ?",
            [limit, offset],
        ).fetchall()
        keys = [row[0] for row in rows]
        anchors = {
            key: (article_id, title, lead, json.loads(wire))
            for key, article_id, title, lead, wire in self._rows_in(
                "SELECT article_key, article_id, title, lead, wire FROM articles"
                " WHERE article_key IN ({marks})",
                keys,
                reader=True,
            )
        }
        outlets: dict[int, list[str]] = {}
        sql = (
            f"SELECT grp, outlet, MIN(seen_at) AS first FROM ({_CARRIED}) c"
            " WHERE grp IN ({marks}) AND outlet IS NOT NULL GROUP BY grp, outlet ORDER BY grp, first, outlet"
        )
        for key, outlet, _ in self._rows_in(sql, keys, reader=True):
            outlets.setdefault(key, []).append(outlet)
        return [
            GroupSummary(*anchors[key], outlets.get(key, []), pages, texts, first, latest)
            for key, _, pages, texts, first, latest in rows
        ]

    def outlets(self, outlet: str | None = None) -> list[OutletSummary]:
        """Every outlet (or this one) with its pages, articles and wire-credited articles, the
        busiest first."""
        where = "p.outlet = ?" if outlet is not None else "p.outlet IS NOT NULL"
        rows = self._read(
            "SELECT p.outlet, COUNT(DISTINCT p.page_id), COUNT(DISTINCT o.article_id),"
            " COUNT(DISTINCT CASE WHEN a.wire <> '[]' THEN o.article_id END), MIN(o.seen_at), MAX(o.seen_at)"
            " FROM pages p LEFT JOIN occurrences o ON o.page_id = p.page_id"
            f" LEFT JOIN articles a ON a.article_id = o.article_id WHERE {where}"
            " GROUP BY p.outlet ORDER BY 3 DESC, p.outlet",
            [] if outlet is None else [outlet],
        ).fetchall()
        return [OutletSummary(*row) for row in rows]

    def outlet_articles(self, outlet: str, limit: int, offset: int = 0) -> list[ArticleBrief]:
        """The articles an outlet carried, the latest first (when its page carried them)."""
        rows = self._read(
            "SELECT a.article_id, a.title, a.lead, a.wire, MIN(o.seen_at) AS seen"
            " FROM occurrences o JOIN pages p ON p.page_id = o.page_id"
            " JOIN articles a ON a.article_id = o.article_id WHERE p.outlet = ?"
            " GROUP BY a.article_id, a.title, a.lead, a.wire"
            " ORDER BY seen DESC, a.article_id LIMIT ? OFFSET ?",
            [outlet, limit, offset],
        ).fetchall()
        return [ArticleBrief(i, title, lead, json.loads(wire), seen) for i, title, lead, wire, seen in rows]

    def outlet_boilerplate(self, outlet: str) -> Iterator[list[str]]:
        """The boilerplate lines taken out of each article an outlet carried."""
        rows = self._read(
            "SELECT DISTINCT a.article_id, a.boilerplate FROM occurrences o"
            " JOIN pages p ON p.page_id = o.page_id JOIN articles a ON a.article_id = o.article_id"
            " WHERE p.outlet = ?",
            [outlet],
        ).fetchall()
        for _, boilerplate in rows:
            yield json.loads(boilerplate)

    def near_links(self) -> list[tuple[str, str, str, float]]:
        return [
            tuple(row)
            for row in self._read(
                "SELECT x.article_id, y.article_id, l.kind, l.score FROM dedup_links l"
                " JOIN articles x ON x.article_key = l.a JOIN articles y ON y.article_key = l.b"
                " ORDER BY x.seq, y.seq"
            )
        ]

    def contained_pairs(self) -> list[tuple[str, str]]:
        """(inner, outer) article ids of every `contained` link: the shorter text is the inner."""
        return [
            tuple(row)
            for row in self._read(
                "SELECT CASE WHEN length(x.text) <= length(y.text) THEN x.article_id ELSE y.article_id END,"
                " CASE WHEN length(x.text) <= length(y.text) THEN y.article_id ELSE x.article_id END"
                " FROM dedup_links l JOIN articles x ON x.article_key = l.a"
                " JOIN articles y ON y.article_key = l.b"
                " WHERE l.kind = 'contained' ORDER BY x.seq, y.seq"
            )
        ]

    # --- StoryStore (marsad.stories.consumer) and the story read side -------------------------

    def story_sources(self, keys: Sequence[int]) -> list[StorySource]:
        sql = (
            "SELECT a.article_key, a.title, a.text, (SELECT MIN(COALESCE(p.published, p.fetched))"
            " FROM occurrences o JOIN pages p ON p.page_id = o.page_id WHERE o.article_id = a.article_id),"
            " a.first_seen, a.dated, g.anchor_key FROM articles a"
            " LEFT JOIN article_groups g ON g.article_key = a.article_key WHERE a.article_key IN ({marks})"
        )
        return [StorySource(*row) for row in self._rows_in(sql, keys)]

    def story_frequencies(self) -> tuple[int, dict[str, int]]:
        articles = int(self._one("SELECT COUNT(*) FROM article_stories"))
        return articles, dict(self._run("SELECT term, df FROM story_terms").fetchall())

    def add_story_frequencies(self, counts: dict[str, int]) -> None:
        self._many(
            "INSERT INTO story_terms (term, df) VALUES (?, ?)"
            " ON CONFLICT (term) DO UPDATE SET df = story_terms.df + excluded.df",
            sorted(counts.items()),
        )

    def story_bounds(self) -> tuple[int, str | None]:
        last_id, latest = self._run("SELECT MAX(story_id), MAX(last_day) FROM stories").fetchone()
        return int(last_id or 0), latest

    def open_stories(self, since: str) -> list[StoryRecord]:
        sql = f"SELECT {_STORY} FROM stories WHERE last_day >= ? ORDER BY story_id"
        return [StoryRecord(*row) for row in self._run(sql, [since]).fetchall()]

    def story_members(self, story_ids: Sequence[int]) -> list[tuple[int, int]]:
        sql = "SELECT story_id, article_key, pos FROM article_stories WHERE story_id IN ({marks})"
        rows = sorted(self._rows_in(sql, story_ids), key=lambda row: (row[0], row[2]))
        return [(story_id, key) for story_id, key, _ in rows]

    def save_stories(self, stories: Sequence[StoryRecord], assignments: Sequence[Assignment]) -> None:
        self._many(
            "INSERT INTO stories (story_id, title, first_day, last_day, articles) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (story_id) DO UPDATE SET title = excluded.title, first_day = excluded.first_day,"
            " last_day = excluded.last_day, articles = excluded.articles",
            [(s.story_id, s.title, s.first_day, s.last_day, s.articles) for s in stories],
        )
        self._many(
            "INSERT INTO article_stories (article_key, story_id, pos, event_date, meaning)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (article_key) DO UPDATE SET story_id = excluded.story_id,"
            " pos = excluded.pos, event_date = excluded.event_date, meaning = excluded.meaning",
            [(a.key, a.story_id, a.pos, a.event_date, a.meaning) for a in assignments],
        )

    def story_encoder(self) -> str | None:
        return self._meta("stories_encoder")

    def set_story_encoder(self, name: str) -> None:
        self._run(
            "INSERT INTO meta (key, value) VALUES ('stories_encoder', ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [name],
        )

    def story_meanings(self, keys: Sequence[int]) -> list[tuple[int, bytes]]:
        sql = (
            "SELECT article_key, meaning FROM article_stories"
            " WHERE meaning IS NOT NULL AND article_key IN ({marks})"
        )
        return [(int(key), bytes(meaning)) for key, meaning in self._rows_in(sql, keys)]

    def stories(self, limit: int, offset: int = 0, min_articles: int = 2) -> list[StoryRecord]:
        """Stories of at least `min_articles` articles, the latest and largest first."""
        sql = (
            f"SELECT {_STORY} FROM stories WHERE articles >= ?"
            " ORDER BY last_day DESC, articles DESC, story_id LIMIT ? OFFSET ?"
        )
        return [StoryRecord(*row) for row in self._read(sql, [min_articles, limit, offset]).fetchall()]

    def story(self, story_id: int) -> StoryRecord | None:
        row = self._read(f"SELECT {_STORY} FROM stories WHERE story_id = ?", [story_id]).fetchone()
        return StoryRecord(*row) if row else None

    def story_articles(self, story_id: int) -> list[tuple[str, str | None]]:
        """(article id, event date) of a story's articles, in arrival order."""
        return [
            (article_id, when)
            for article_id, when in self._read(
                "SELECT a.article_id, s.event_date FROM article_stories s"
                " JOIN articles a ON a.article_key = s.article_key WHERE s.story_id = ? ORDER BY s.pos",
                [story_id],
            ).fetchall()
        ]

    def story_assignments(self) -> dict[str, tuple[int, str | None]]:
        """Article id → (story id, event date) of every clustered article."""
        rows = self._read(
            "SELECT a.article_id, s.story_id, s.event_date FROM article_stories s"
            " JOIN articles a ON a.article_key = s.article_key"
        ).fetchall()
        return {article_id: (int(story_id), when) for article_id, story_id, when in rows}

    def story_of(self, article_id: str) -> tuple[int, str | None] | None:
        """(story id, event date) of one article, once clustered."""
        row = self._read(
            "SELECT s.story_id, s.event_date FROM article_stories s"
            " JOIN articles a ON a.article_key = s.article_key WHERE a.article_id = ?",
            [article_id],
        ).fetchone()
        return (int(row[0]), row[1]) if row else None

    # --- EntityStore (marsad.enrich.consumer) and the entity read side -----------------------

    def entity_sources(self, keys: Sequence[int]) -> list[tuple[int, str | None, str]]:
        sql = "SELECT article_key, title, text FROM articles WHERE article_key IN ({marks})"
        return [tuple(row) for row in self._rows_in(sql, keys)]

    def replace_mentions(self, key: int, mentions: Sequence[MentionRow]) -> None:
        before = self._run(
            "SELECT DISTINCT entity_id, entity_name FROM article_entities WHERE article_key = ?", [key]
        ).fetchall()
        self._many(
            "UPDATE entities SET articles = articles - 1 WHERE entity_id = ?", [[e] for e, _ in before]
        )
        self._many(
            "UPDATE entity_names SET articles = articles - 1 WHERE entity_id = ? AND name = ?",
            [(e, n) for e, n in before if n is not None],
        )
        self._run("DELETE FROM article_entities WHERE article_key = ?", [key])
        names: dict[str, MentionRow] = {}
        for mention in mentions:  # (an article gives each of its entities one name)
            names.setdefault(mention.entity_id, mention)
        self._many(
            "INSERT INTO entities (entity_id, type, key, name, articles) VALUES (?, ?, ?, ?, 1)"
            " ON CONFLICT (entity_id) DO UPDATE SET articles = entities.articles + 1",
            [(m.entity_id, m.type, m.entity_key, m.entity_name) for _, m in sorted(names.items())],
        )
        self._many(
            "INSERT INTO entity_names (entity_id, name, articles) VALUES (?, ?, 1)"
            " ON CONFLICT (entity_id, name) DO UPDATE SET articles = entity_names.articles + 1",
            [(m.entity_id, m.entity_name) for _, m in sorted(names.items())],
        )
        self._many(  # shown as most articles write it (the shortest, then the first, among equals)
            "UPDATE entities SET name = (SELECT n.name FROM entity_names n"
            " WHERE n.entity_id = entities.entity_id"
            " ORDER BY n.articles DESC, length(n.name), n.name LIMIT 1) WHERE entity_id = ?",
            [[e] for e in sorted(set(names) | {e for e, _ in before})],
        )
        self._many(
            "INSERT INTO article_entities"
            " (article_key, field, start, stop, mention, type, entity_id, entity_name)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (article_key, field, start) DO NOTHING",
            [(key, m.field, m.start, m.end, m.text, m.type, m.entity_id, m.entity_name) for m in mentions],
        )

    def entities(self, kind: str | None, limit: int, offset: int = 0) -> list[EntityRecord]:
        where = "WHERE articles > 0 AND merged_into IS NULL" + (" AND type = ?" if kind else "")
        rows = self._read(
            f"SELECT {_ENTITY} FROM entities {where}"
            " ORDER BY COALESCE(all_articles, articles) DESC, entity_id LIMIT ? OFFSET ?",
            [*([kind] if kind else []), limit, offset],
        ).fetchall()
        return [EntityRecord(*row) for row in rows]

    def entity(self, entity_id: str) -> EntityRecord | None:
        row = self._read(f"SELECT {_ENTITY} FROM entities WHERE entity_id = ?", [entity_id]).fetchone()
        return EntityRecord(*row) if row else None

    def people(self) -> list[tuple[str, str, str, int]]:
        rows = self._run(
            "SELECT entity_id, key, name, articles FROM entities WHERE type = 'PERS' AND articles > 0"
        ).fetchall()
        return [(entity_id, key, name, int(articles)) for entity_id, key, name, articles in rows]

    def set_merges(self, merged_into: Mapping[str, str]) -> None:
        self._run(
            "UPDATE entities SET merged_into = NULL, all_articles = NULL"
            " WHERE merged_into IS NOT NULL OR all_articles IS NOT NULL"
        )
        self._many(
            "UPDATE entities SET merged_into = ? WHERE entity_id = ?",
            [(v, k) for k, v in merged_into.items()],
        )
        self._many(
            "UPDATE entities SET all_articles = (SELECT COUNT(DISTINCT article_key) FROM article_entities"
            f" WHERE entity_id IN ({_NAMES_OF})) WHERE entity_id = ?",
            [(canonical, canonical, canonical) for canonical in sorted(set(merged_into.values()))],
        )

    def entity_articles(self, entity_id: str, limit: int, offset: int = 0) -> list[tuple[str, str | None]]:
        rows = self._read(
            "SELECT a.article_id, a.title FROM articles a WHERE a.article_key IN"
            f" (SELECT article_key FROM article_entities WHERE entity_id IN ({_NAMES_OF}))"
            " ORDER BY a.seq DESC LIMIT ? OFFSET ?",
            [entity_id, entity_id, limit, offset],
        ).fetchall()
        return [(article_id, title) for article_id, title in rows]

    def entity_days(self, entity_id: str) -> list[tuple[str, int]]:
        sql = (
            "SELECT day, COUNT(*) FROM (SELECT (SELECT"
            " substr(MIN(COALESCE(p.published, p.fetched, o.seen_at)), 1, 10) FROM articles a"
            " JOIN occurrences o ON o.article_id = a.article_id"
            " JOIN pages p ON p.page_id = o.page_id WHERE a.article_key = m.article_key) AS day"
            f" FROM (SELECT DISTINCT article_key FROM article_entities WHERE entity_id IN ({_NAMES_OF})) m) d"
            " WHERE day IS NOT NULL GROUP BY day ORDER BY day"
        )
        return [(day, int(count)) for day, count in self._read(sql, [entity_id, entity_id]).fetchall()]

    def entity_stories(self, entity_id: str, limit: int) -> list[StoryRecord]:
        sql = (
            f"SELECT {_STORY} FROM stories WHERE story_id IN (SELECT s.story_id FROM article_stories s"
            f" JOIN article_entities m ON m.article_key = s.article_key WHERE m.entity_id IN ({_NAMES_OF}))"
            " ORDER BY last_day DESC, articles DESC, story_id LIMIT ?"
        )
        return [StoryRecord(*row) for row in self._read(sql, [entity_id, entity_id, limit]).fetchall()]

    def mentions_of(self, article_ids: Sequence[str]) -> dict[str, list[MentionRow]]:
        sql = (
            "SELECT a.article_id, m.field, m.start, m.stop, m.mention, m.type, c.entity_id, c.key, c.name"
            " FROM article_entities m JOIN articles a ON a.article_key = m.article_key"
            " JOIN entities e ON e.entity_id = m.entity_id"
            " JOIN entities c ON c.entity_id = COALESCE(e.merged_into, e.entity_id)"  # (the fuller name)
            " WHERE a.article_id IN ({marks})"
        )
        found: dict[str, list[MentionRow]] = {}
        for article_id, *row in self._rows_in(sql, article_ids, True):
            found.setdefault(article_id, []).append(MentionRow(*row))
        for rows in found.values():
            rows.sort(key=lambda m: (m.field != "title", m.start))
        return found

    # --- LinkStore (marsad.dedup.linking) ------------------------------------------------------

    def cursor(self, consumer: str) -> int:
        row = self._run("SELECT pos FROM consumer_cursors WHERE consumer = ?", [consumer]).fetchone()
        return int(row[0]) if row else 0

    def set_cursor(self, consumer: str, pos: int) -> None:
        self._run(
            "INSERT INTO consumer_cursors (consumer, pos) VALUES (?, ?)"
            " ON CONFLICT (consumer) DO UPDATE SET pos = excluded.pos",
            [consumer, pos],
        )

    def new_articles(self, after: int, limit: int, at_least: int = 1) -> list[tuple[int, Doc]]:
        waiting = self._one(
            "SELECT COUNT(*) FROM (SELECT 1 FROM article_changes WHERE pos > ? AND change = ? LIMIT ?) w",
            [after, NEW, at_least],
        )
        if waiting < at_least:
            return []
        rows = self._run(
            f"SELECT c.pos, a.article_key, a.text, {_FIRST_OUTLET} FROM article_changes c"
            " JOIN articles a ON a.article_key = c.article_key WHERE c.pos > ? AND c.change = ?"
            " ORDER BY c.pos LIMIT ?",
            [after, NEW, limit],
        ).fetchall()
        return [(pos, Doc(key, text, outlet)) for pos, key, text, outlet in rows]

    def docs(self, keys: Sequence[int]) -> list[Doc]:
        sql = f"SELECT a.article_key, a.text, {_FIRST_OUTLET} FROM articles a"
        sql += " WHERE a.article_key IN ({marks})"
        return [Doc(key, text, outlet) for key, text, outlet in self._rows_in(sql, keys)]

    def article_ids(self, keys: Sequence[int]) -> list[str]:
        return [
            row[0]
            for row in self._rows_in("SELECT article_id FROM articles WHERE article_key IN ({marks})", keys)
        ]

    def count_lines(self, hashes: Sequence[int]) -> dict[int, int]:
        counts = dict.fromkeys(hashes, 0)
        counts.update(
            self._rows_in("SELECT line_hash, articles FROM dedup_lines WHERE line_hash IN ({marks})", hashes)
        )
        return counts

    def add_lines(self, hashes: Sequence[int]) -> None:
        counted: dict[int, int] = {}
        for line_hash in hashes:
            counted[line_hash] = counted.get(line_hash, 0) + 1
        self._many(
            "INSERT INTO dedup_lines (line_hash, articles) VALUES (?, ?)"
            " ON CONFLICT (line_hash) DO UPDATE SET articles = dedup_lines.articles + excluded.articles",
            sorted(counted.items()),  # one order for every writer: no deadlock between them
        )

    def save_samples(self, rows: Sequence[tuple[int, int, int, bytes]]) -> None:
        self._many(
            "INSERT INTO dedup_docs (article_key, pos, sample_size, sample) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (article_key) DO UPDATE SET pos = excluded.pos,"
            " sample_size = excluded.sample_size, sample = excluded.sample",
            rows,
        )

    def samples_after(self, pos: int) -> Iterator[tuple[int, int, bytes]]:
        while True:
            rows = self._run(
                "SELECT pos, article_key, sample FROM dedup_docs WHERE pos > ?"
                f" ORDER BY pos LIMIT {CHUNK * 20}",
                [pos],
            ).fetchall()
            if not rows:
                return
            for at, key, sample in rows:
                if sample:
                    yield at, key, bytes(sample)
            pos = rows[-1][0]

    def sample_sizes(self, keys: Sequence[int]) -> dict[int, int]:
        return dict(
            self._rows_in(
                "SELECT article_key, sample_size FROM dedup_docs WHERE article_key IN ({marks})", keys
            )
        )

    def add_links(self, links: Iterable[Link]) -> None:
        self._many(
            "INSERT INTO dedup_links (a, b, kind, score) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (a, b) DO UPDATE SET kind = excluded.kind, score = excluded.score",
            [(link.a, link.b, link.kind, link.score) for link in links],
        )

    def anchors_of(self, keys: Sequence[int]) -> dict[int, int]:
        return dict(
            self._rows_in(
                "SELECT article_key, anchor_key FROM article_groups WHERE article_key IN ({marks})", keys
            )
        )

    def set_anchors(self, anchors: dict[int, int]) -> None:
        """Members get a row naming their anchor, and so does an anchor once it has a member (an
        article alone in its group has none)."""
        joined = {key: anchor for key, anchor in anchors.items() if key != anchor}
        self._many(
            "INSERT INTO article_groups (article_key, anchor_key) VALUES (?, ?)"
            " ON CONFLICT (article_key) DO UPDATE SET anchor_key = excluded.anchor_key",
            [*joined.items(), *((anchor, anchor) for anchor in sorted(set(joined.values())))],
        )

    def template_edges(self, hashes: Sequence[int]) -> list[int]:
        sql = "SELECT DISTINCT article_key FROM template_edges WHERE line_hash IN ({marks})"
        return sorted({row[0] for row in self._rows_in(sql, hashes)})

    def add_template_edges(self, rows: Sequence[tuple[int, int]]) -> None:
        self._many(
            "INSERT INTO template_edges (line_hash, article_key) VALUES (?, ?) ON CONFLICT DO NOTHING", rows
        )

    def drop_template_edges(self, hashes: Sequence[int]) -> None:
        self._many("DELETE FROM template_edges WHERE line_hash = ?", [(h,) for h in hashes])

    def texts(self, keys: Sequence[int]) -> list[tuple[int, str, str | None]]:
        return [(doc.key, doc.text, doc.outlet) for doc in self.docs(keys)]

    def replace_texts(self, cleaned: Sequence[Cleaned]) -> None:
        """The text without its learnt template lines, which join the article's boilerplate; the
        change log tells the search index to take the article again."""
        sql = "SELECT article_key, boilerplate FROM articles WHERE article_key IN ({marks})"
        kept = {
            key: json.loads(boilerplate) for key, boilerplate in self._rows_in(sql, [c.key for c in cleaned])
        }
        self._many(
            "UPDATE articles SET text = ?, lead = ?, boilerplate = ? WHERE article_key = ?",
            [
                (c.text, c.text.split("\n", 1)[0], dumps(dict.fromkeys([*kept[c.key], *c.removed])), c.key)
                for c in cleaned
            ],
        )
        self._log([(c.key, TEXT) for c in cleaned])

    # --- SearchArchive (marsad.search.port) ----------------------------------------------------

    @property
    def archive_id(self) -> str:
        archive_id = self._meta("archive_id", reader=True)
        if archive_id is None:  # (every migration set writes one)
            raise LookupError("this archive has no archive_id in its meta table")
        return archive_id

    def last_change(self) -> int:
        return int(self._one("SELECT COALESCE(MAX(pos), 0) FROM article_changes", reader=True))

    def changes_after(self, pos: int, limit: int, kinds: Sequence[str] | None = None) -> list[Change]:
        kind_filter = f" AND change IN ({','.join('?' * len(kinds))})" if kinds else ""
        rows = self._read(
            f"SELECT pos, article_key FROM article_changes WHERE pos > ?{kind_filter} ORDER BY pos LIMIT ?",
            [pos, *(kinds or ()), limit],
        ).fetchall()
        return [Change(at, key) for at, key in rows]

    def changed_since(self, pos: int) -> int:
        return int(
            self._one("SELECT COUNT(DISTINCT article_key) FROM article_changes WHERE pos > ?", [pos], True)
        )

    def search_sources(self, keys: Sequence[int]) -> list[SearchSource]:
        rows = list(
            self._rows_in(f"SELECT {_SOURCE} FROM articles WHERE article_key IN ({{marks}})", keys, True)
        )
        order = {key: index for index, key in enumerate(keys)}
        return self._sources(sorted(rows, key=lambda row: order[row[0]]))

    def search_source(self, article_id: str) -> SearchSource | None:
        rows = self._read(f"SELECT {_SOURCE} FROM articles WHERE article_id = ?", [article_id]).fetchall()
        found = self._sources(rows)
        return found[0] if found else None

    def _sources(self, rows: Sequence[Sequence[Any]]) -> list[SearchSource]:
        """SearchSources of `_SOURCE` rows, with the outlets that carried each article."""
        outlets = self._outlets([row[1] for row in rows])
        return [
            SearchSource(key, a, title, text, json.loads(tags), outlets.get(a, []), json.loads(wire), seen)
            for key, a, title, text, tags, wire, seen in rows
        ]

    def _outlets(self, article_ids: Sequence[str]) -> dict[str, list[str]]:
        """The outlets that carried each article, first seen first."""
        found: dict[str, list[str]] = {}
        sql = (
            "SELECT o.article_id, p.outlet FROM occurrences o JOIN pages p ON p.page_id = o.page_id"
            " WHERE o.article_id IN ({marks}) AND p.outlet IS NOT NULL ORDER BY o.seen_at, p.source"
        )
        for article_id, outlet in self._rows_in(sql, article_ids, True):  # (one article, one chunk)
            held = found.setdefault(article_id, [])
            if outlet not in held:
                held.append(outlet)
        return found

    def facet_labels(self, keys: Sequence[int]) -> list[tuple[int, str | None, list[str], str | None]]:
        sql = (
            "SELECT DISTINCT a.article_key, p.outlet, a.wire, a.first_seen FROM articles a"
            " JOIN occurrences o ON o.article_id = a.article_id JOIN pages p ON p.page_id = o.page_id"
            " WHERE a.article_key IN ({marks})"
        )
        return [
            (key, outlet, json.loads(wire), seen)
            for key, outlet, wire, seen in self._rows_in(sql, keys, True)
        ]

    def groups(self, keys: Sequence[int]) -> dict[int, int]:
        sql = "SELECT article_key, anchor_key FROM article_groups WHERE article_key IN ({marks})"
        return dict(self._rows_in(sql, keys, True))

    def stories_of(self, keys: Sequence[int]) -> dict[int, int]:
        sql = "SELECT article_key, story_id FROM article_stories WHERE article_key IN ({marks})"
        return dict(self._rows_in(sql, keys, True))

    def group_of(self, article_id: str) -> int | None:
        row = self._read(
            "SELECT COALESCE(g.anchor_key, a.article_key) FROM articles a"
            " LEFT JOIN article_groups g ON g.article_key = a.article_key WHERE a.article_id = ?",
            [article_id],
        ).fetchone()
        return int(row[0]) if row else None

    def hits(self, ranked: Sequence[tuple[int, int, float]]) -> list[SearchHitRecord]:
        """A page of hits in five queries, whatever its size (a query per hit and per field
        was a fifth of a search's time)."""
        if not ranked:
            return []
        keys = [key for key, _, _ in ranked]
        articles = {
            row[0]: row[1:]
            for row in self._rows_in(
                "SELECT a.article_key, a.article_id, a.title, a.text, a.first_seen, s.story_id"
                " FROM articles a LEFT JOIN article_stories s ON s.article_key = a.article_key"
                " WHERE a.article_key IN ({marks})",
                keys,
                True,
            )
        }
        members: dict[int, list[tuple[str, int]]] = {}
        for anchor, member_id, member_key in self._rows_in(
            "SELECT g.anchor_key, a.article_id, a.article_key FROM articles a"
            " JOIN article_groups g ON g.article_key = a.article_key"
            " WHERE g.anchor_key IN ({marks}) ORDER BY a.seq",
            sorted({group for _, group, _ in ranked}),
            True,
        ):
            members.setdefault(anchor, []).append((member_id, member_key))
        groups: list[tuple[list[str], set[int]]] = []
        for key, group, _ in ranked:
            article_id = articles[key][0]
            found = members.get(group, [])
            groups.append(
                ([article_id, *(m for m, _ in found if m != article_id)], {key, *(k for _, k in found)})
            )
        seen_by: dict[str, list[tuple[str | None, str, int]]] = {}
        for article_id, outlet, first, count in self._rows_in(
            "SELECT o.article_id, p.outlet, MIN(o.seen_at), COUNT(*)"
            " FROM occurrences o JOIN pages p ON p.page_id = o.page_id"
            " WHERE o.article_id IN ({marks}) GROUP BY o.article_id, p.outlet",
            sorted({i for ids, _ in groups for i in ids}),
            True,
        ):
            seen_by.setdefault(article_id, []).append((outlet, first, count))
        links = self._containment_links(set().union(*(group_keys for _, group_keys in groups)))
        found_hits = []
        for (key, _, score), (group_ids, group_keys) in zip(ranked, groups, strict=True):
            article_id, title, text, first_seen, story = articles[key]
            outlets, pages = _outlets_of([seen for i in group_ids for seen in seen_by.get(i, [])])
            contains, inside = _contained_around(group_keys, links)
            record = (article_id, key, score, title, text, first_seen, group_ids, outlets, pages)
            found_hits.append(SearchHitRecord(*record, contains, inside, story))
        return found_hits

    def derived_dir(self, name: str) -> Path:
        raise NotImplementedError

    # --- moving an archive between stores (marsad.service.migrate) ------------------------------

    def table_rows(self, table: str) -> Iterator[list[tuple[Any, ...]]]:
        """Every row of one of the archive's tables (`TABLES`), a chunk at a time."""
        columns, order = TABLES[table]
        yield from self._stream(f"SELECT {', '.join(columns)} FROM {table} ORDER BY {order}")

    def _stream(self, sql: str) -> Iterator[list[tuple[Any, ...]]]:
        cursor = self._read(sql)
        while rows := cursor.fetchmany(CHUNK):
            yield [tuple(row) for row in rows]

    def add_rows(self, table: str, rows: Sequence[Sequence[Any]]) -> None:
        """Rows read by another store's `table_rows` (inside a `transaction`)."""
        columns, _ = TABLES[table]
        marks = ",".join("?" * len(columns))
        self._many(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)

    def imported(self) -> None:
        """After `add_rows`: whatever the store must set up again (its counters)."""

    def table_digest(self, table: str) -> tuple[int, str]:
        """(rows, checksum) of a table, whatever the order of its rows and the store it is in:
        the sum of the rows' 64-bit hashes."""
        total, count = 0, 0
        for rows in self.table_rows(table):
            for row in rows:
                plain = [
                    bytes(value).hex() if isinstance(value, bytes | memoryview) else value for value in row
                ]
                digest = hashlib.blake2b(orjson.dumps(plain), digest_size=8).digest()
                total = (total + int.from_bytes(digest, "big")) % (1 << 64)
                count += 1
        return count, f"{total:016x}"


# The archive's tables as a migration copies them: (columns, an order to read them in).
TABLES: dict[str, tuple[tuple[str, ...], str]] = {
    "pages": (
        ("page_id", "source", "url", "outlet", "title", "published", "fetched", "fmt", '"similar"', "raw",
         "ingested_at", "byline"),
        "rowid",
    ),
    "articles": (("article_id", "article_key", "seq", "text", "lead", *MERGED_FIELDS), "seq"),
    "occurrences": (
        ("page_id", "position", "article_id", "title", "publisher", "seen_at", "dateline"),
        "page_id, position",
    ),
    "quarantine": (("failure_id", "source", "reason", "raw", "quarantined_at"), "rowid"),
    "article_changes": (("pos", "article_key", "change"), "pos"),
    "consumer_cursors": (("consumer", "pos"), "consumer"),
    "dedup_lines": (("line_hash", "articles"), "line_hash"),
    "dedup_docs": (("article_key", "pos", "sample_size", "sample"), "pos"),
    "dedup_links": (("a", "b", "kind", "score"), "a, b"),
    "article_groups": (("article_key", "anchor_key"), "article_key"),
    "template_edges": (("line_hash", "article_key"), "line_hash, article_key"),
    "stories": (("story_id", "title", "first_day", "last_day", "articles"), "story_id"),
    "article_stories": (("article_key", "story_id", "pos", "event_date", "meaning"), "article_key"),
    "story_terms": (("term", "df"), "term"),
    "entities": (
        ("entity_id", "type", "key", "name", "articles", "merged_into", "all_articles"),
        "entity_id",
    ),
    "article_entities": (
        ("article_key", "field", "start", "stop", "mention", "type", "entity_id", "entity_name"),
        "article_key, field, start",
    ),
    "entity_names": (("entity_id", "name", "articles"), "entity_id, name"),
}  # fmt: skip


def _outlets_of(seen: Sequence[tuple[str | None, str, int]]) -> tuple[list[str], int]:
    """A group's outlets, the first to carry it first, and its pages, from (outlet, first seen,
    pages) rows of its members."""
    first: dict[str | None, str] = {}
    pages = 0
    for outlet, seen_at, count in seen:
        pages += count
        if outlet not in first or seen_at < first[outlet]:
            first[outlet] = seen_at
    ordered = sorted((seen_at, outlet) for outlet, seen_at in first.items() if outlet is not None)
    return [outlet for _, outlet in ordered], pages


def _contained_around(keys: set[int], links: Sequence[tuple[Any, ...]]) -> tuple[list[str], list[str]]:
    """Of `contained` links (`_containment_links`), the articles these contain and those that
    contain them, other than themselves. The shorter text is the one inside (ties: the smaller
    id, as `contained_pairs`)."""
    contains: list[str] = []
    inside: list[str] = []
    for key_a, size_a, id_a, key_b, size_b, id_b in links:
        if key_a not in keys and key_b not in keys:
            continue
        (_, inner_id, inner), (_, outer_id, outer) = sorted([(size_a, id_a, key_a), (size_b, id_b, key_b)])
        if outer in keys and inner not in keys:
            contains.append(inner_id)
        elif inner in keys and outer not in keys:
            inside.append(outer_id)
    return list(dict.fromkeys(contains)), list(dict.fromkeys(inside))

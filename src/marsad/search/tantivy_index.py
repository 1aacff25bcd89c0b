"""The search index: a tantivy index in a folder beside the store, derived from it.

Why tantivy and not SQLite FTS5 (Marsad's first index): FTS5 computes bm25 for every matching
row and reads a common term's whole posting list, so at a million articles a broad query took
hundreds of milliseconds (p95 200–360 ms for the bare FTS5 query, bench/search_speed.py);
tantivy stops early on the top k (block-max WAND), answers the same queries in a few
milliseconds, and its index is a sixth of the size.

The store stays the record. This folder holds only what can be rebuilt from it: the analyzed
fields of every article, keyed by its 64-bit key, with its outlets, wire agencies and first-seen time
for filters. A small state file says which archive and analyzer it was built from and how far
it has got (its cursor in the archive's change log); a folder that does not match its store is
rebuilt, never trusted. Duplicate groups are not in it (they change as near-duplicates are
linked): ranking asks the store.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import tantivy

from marsad.search.query import Query
from marsad.search.ranking import Candidate, Groups, Matches, rank, recency, score_bound
from marsad.search.tantivy_query import translate

STATE_FILE = "marsad-index.json"
TOKENIZER = "marsad_terms"  # the analyzer already made the terms: split on spaces, nothing else
MAX_TERM_CHARS = 100  # longer "words" (a run of letters with no space) are not searchable
TEXT_FIELDS = ("title", "body", "tags", "title_exact")
WRITER_HEAP = 64_000_000
EXACT_TOTAL_MAX = 3_000  # matching articles up to which a search counts its groups exactly


class IndexBusy(RuntimeError):
    """Another process is writing this index (tantivy allows one writer per folder)."""


@dataclass(frozen=True, slots=True)
class IndexDoc:
    """What the index holds for one article: space-joined terms per field, and its filters."""

    key: int
    title: str
    body: str
    tags: tuple[str, ...]  # one value per tag, so a phrase never runs from one tag into the next
    title_exact: tuple[str, ...]  # the title's exact forms, then its surface forms
    outlets: tuple[str, ...]  # lower-cased
    wires: tuple[str, ...]  # lower-cased canonical agency names
    seen: int  # first seen, seconds (tantivy_query.seconds); 0 when unknown


@dataclass(frozen=True, slots=True)
class IndexState:
    archive: str
    analyzer: str
    cursor: int  # the change-log position through which the index holds the archive
    newest: int = 0  # the latest first-seen time indexed (seconds): recency is relative to it


@dataclass(frozen=True, slots=True)
class IndexResults:
    total: int  # matching groups, or (exact=False) matching articles, an upper bound
    exact: bool
    hits: list[tuple[int, int, float]]  # (key, group, score), best first


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    for name in TEXT_FIELDS:
        builder.add_text_field(name, tokenizer_name=TOKENIZER, index_option="position")
    for name in ("outlet", "wire"):
        builder.add_text_field(name, tokenizer_name="raw", index_option="basic")
    builder.add_integer_field("key", indexed=True, fast=True)
    builder.add_integer_field("seen", indexed=True, fast=True)
    return builder.build()


class _Tier:
    """One tier of a query's matches, fetched from a searcher k at a time (`ranking.Matches`)."""

    def __init__(self, searcher: tantivy.Searcher, query: tantivy.Query, by_date: bool, newest: int) -> None:
        self.searcher, self.query, self.by_date, self.newest = searcher, query, by_date, newest

    def top(self, k: int) -> list[Candidate]:
        if self.by_date:
            found = self.searcher.search(self.query, k, count=False, order_by_field="seen").hits
        else:
            found = self.searcher.search(self.query, k, count=False).hits
        addresses = [address for _, address in found]
        keys = self.searcher.fast_field_values("key", addresses)
        seen = self.searcher.fast_field_values("seen", addresses)
        # by date, every match is equally relevant: recency alone orders them
        scores = [1.0] * len(found) if self.by_date else [float(score) for score, _ in found]
        return [
            Candidate(int(q or 0), score, int(s or 0)) for q, score, s in zip(keys, scores, seen, strict=True)
        ]

    def bound(self, last: Candidate) -> float:
        return recency(last.seen, self.newest) if self.by_date else score_bound(last)


class TantivyIndex:
    """The search index of one archive in `folder`. Reads need no lock; writing takes tantivy's
    one-writer lock for as long as a `writing()` block lasts (an ingest, or a search catching up)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.schema = _schema()
        self._index: tantivy.Index | None = None
        self._writer: tantivy.IndexWriter | None = None
        self._writing = 0
        self._pending: dict[int, int] = {}  # key → first seen, added and not yet committed
        self._pending_through = 0  # the change-log position the pending articles bring it to

    # --- state -------------------------------------------------------------------------------

    @property
    def state(self) -> IndexState | None:
        try:
            data = json.loads((self.folder / STATE_FILE).read_text("utf-8"))
            return IndexState(data["archive"], data["analyzer"], int(data["cursor"]), int(data["newest"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _save(self, state: IndexState) -> None:
        partial = self.folder / (STATE_FILE + ".partial")
        partial.write_text(json.dumps(dataclasses.asdict(state)))
        os.replace(partial, self.folder / STATE_FILE)

    def _open(self) -> tantivy.Index:
        if self._index is None:
            if not self._exists():
                raise FileNotFoundError(f"no search index in {self.folder}")
            self._index = tantivy.Index.open(str(self.folder))
            self._register(self._index)
        return self._index

    def _exists(self) -> bool:
        return self.folder.is_dir() and bool(tantivy.Index.exists(str(self.folder)))

    @staticmethod
    def _register(index: tantivy.Index) -> None:
        words = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace())
        index.register_tokenizer(TOKENIZER, words.filter(tantivy.Filter.remove_long(MAX_TERM_CHARS)).build())

    def reset(self, archive: str, analyzer: str) -> None:
        """Start over, empty, for this archive and analyzer (never under another's writer)."""
        if self._writing:
            raise RuntimeError("cannot reset the search index while writing to it")
        if self._exists():
            with self.writing():  # raises IndexBusy while another process writes
                pass
        self._index = None
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        index = tantivy.Index(self.schema, path=str(self.folder))
        self._register(index)
        self._index = index
        self._save(IndexState(archive, analyzer, 0))

    # --- writing -----------------------------------------------------------------------------

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the writer (re-entrant); at the end, let merges finish and release the lock."""
        if self._writing == 0:
            try:
                self._writer = self._open().writer(heap_size=WRITER_HEAP, num_threads=1)
            except ValueError as error:
                if "LockBusy" in str(error):
                    raise IndexBusy(f"another process is writing the search index in {self.folder}") from None
                raise
        self._writing += 1
        try:
            yield
        finally:
            self._writing -= 1
            if self._writing == 0 and self._writer is not None:
                writer, self._writer = self._writer, None
                self._pending = {}  # never committed: the cursor did not move, they come again
                self._pending_through = 0
                writer.wait_merging_threads()

    def add(self, docs: Sequence[IndexDoc], through: int) -> None:
        """Index these articles, replacing what was there for their keys (so articles indexed
        again are never doubled), which brings the index to change-log position `through`;
        searchable, and the cursor moved, once committed."""
        if self._writer is None or self.state is None:
            raise RuntimeError("add() needs a writing() block on a reset index")
        writer = self._writer
        for doc in docs:
            writer.delete_documents_by_term("key", doc.key)
            writer.add_document(
                tantivy.Document(
                    key=doc.key,
                    seen=doc.seen,
                    title=doc.title,
                    body=doc.body,
                    tags=list(doc.tags),
                    title_exact=list(doc.title_exact),
                    outlet=list(doc.outlets),
                    wire=list(doc.wires),
                )
            )
            self._pending[doc.key] = doc.seen
        self._pending_through = max(self._pending_through, through)

    @property
    def pending(self) -> int:
        """Articles added since the last commit."""
        return len(self._pending)

    @property
    def cursor(self) -> int:
        """The change-log position through which the index holds the archive, committed or
        about to be."""
        state = self.state
        return max(state.cursor if state else 0, self._pending_through)

    def commit(self) -> None:
        """Make what was added searchable and durable, then move the cursor."""
        state = self.state
        if self._writer is None or state is None:
            raise RuntimeError("commit() needs a writing() block on a reset index")
        committed, self._pending = self._pending, {}
        through, self._pending_through = self._pending_through, 0
        self._writer.commit()
        self._save(
            dataclasses.replace(
                state, cursor=max(state.cursor, through), newest=max([state.newest, *committed.values()])
            )
        )
        self._open().reload()

    # --- reading -----------------------------------------------------------------------------

    def _searcher(self) -> tantivy.Searcher:
        index = self._open()
        index.reload()  # another process may have committed since
        return index.searcher()

    def search(
        self, query: Query, limit: int, offset: int, groups: Groups, skip_group: int | None = None
    ) -> IndexResults:
        """One page of hits, one per duplicate group (`groups` maps keys to their group), with
        the total: exact up to EXACT_TOTAL_MAX matching articles, else the count of articles."""
        searcher = self._searcher()
        translated = translate(query, self.schema)
        state = self.state
        newest = state.newest if state else 0
        tiers: list[Matches] = [_Tier(searcher, q, translated.by_date, newest) for q in translated.tiers]
        ranked, groups_seen = rank(tiers, limit, offset, groups, newest, skip_group)
        hits = [(r.key, r.group, r.score) for r in ranked]
        if groups_seen is not None:
            return IndexResults(groups_seen, True, hits)
        counted = searcher.search(tantivy.Query.const_score_query(translated.base, 1.0), 1, count=True)
        matching = int(getattr(counted, "count", 0) or 0)  # (the type stubs lack `count`)
        if not matching:
            return IndexResults(0, True, hits)
        if matching > EXACT_TOTAL_MAX:
            return IndexResults(matching, False, hits)
        found = searcher.search(translated.base, matching, count=False, order_by_field="key").hits
        keys = [int(key) for key, _ in found]
        group_of = groups(keys)
        distinct = {group_of.get(key, key) for key in keys} - {skip_group}
        return IndexResults(len(distinct), True, hits)

    def matching(self, query: Query, cap: int) -> tuple[int, list[int]]:
        """How many articles match, and the keys of the best `cap` of them (all when fewer):
        what facets are counted over."""
        searcher = self._searcher()
        base = translate(query, self.schema).base
        found = searcher.search(base, cap, count=True)
        addresses = [address for _, address in found.hits]
        keys = [int(key or 0) for key in searcher.fast_field_values("key", addresses)]
        return int(getattr(found, "count", 0) or 0), keys

    def document_frequencies(self, terms: Sequence[str]) -> tuple[int, dict[str, int]]:
        """How many articles are indexed, and in how many of them each term occurs (in the
        body or, where more, the title or tags)."""
        searcher = self._searcher()
        found = {
            term: max(searcher.doc_freq(field, term) for field in ("body", "title", "tags")) for term in terms
        }
        return int(searcher.num_docs), found

    def field_terms(self, field: str) -> dict[str, int]:
        """Every term of one field with the number of (live) articles holding it, for checks."""
        return dict(self._searcher().terms_with_prefix(field, "", filter_query=tantivy.Query.all_query()))

    @property
    def size_bytes(self) -> int:
        return sum(f.stat().st_size for f in self.folder.rglob("*") if f.is_file())

"""The one narrow interface every store implements (SQLite now, PostgreSQL next).

Stages never see SQL: they hand the store a `WriteBatch` and read back plain records. A batch is
written in one transaction, and every row is keyed by a content id, so a batch replayed after a
crash changes nothing that was already committed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from marsad.dedup.near import Archive, Doc, Link
from marsad.dedup.templates import Cleaned, TemplateArchive
from marsad.model import Article, Page, ReadFailure


@dataclass(frozen=True, slots=True)
class Occurrence:
    """An article as it appeared at one position of one page."""

    article_id: str
    article: Article
    seen_at: str | None


@dataclass(frozen=True, slots=True)
class PageWrite:
    page: Page
    similar: tuple[str, ...]
    occurrences: tuple[Occurrence, ...]


@dataclass(slots=True)
class WriteBatch:
    pages: list[PageWrite] = field(default_factory=list)
    failures: list[ReadFailure] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.pages) + len(self.failures)

    def parts(self, pages: int) -> list[WriteBatch]:
        """The batch cut into batches of at most `pages` pages (the failures go with the first),
        each to be written in a transaction of its own."""
        cuts = [self.pages[start : start + pages] for start in range(0, len(self.pages), pages)] or [[]]
        return [WriteBatch(cut, self.failures if i == 0 else []) for i, cut in enumerate(cuts)]


@dataclass(frozen=True, slots=True)
class WriteResult:
    pages_new: int
    articles_new: int
    exact_duplicates: int
    quarantined: int

    def __add__(self, other: WriteResult) -> WriteResult:
        return WriteResult(
            self.pages_new + other.pages_new,
            self.articles_new + other.articles_new,
            self.exact_duplicates + other.exact_duplicates,
            self.quarantined + other.quarantined,
        )


@dataclass(frozen=True, slots=True)
class PageRef:
    """Provenance of one article: the page, its outlet, and the article's position there."""

    source: str
    outlet: str | None
    position: int
    url: str | None
    seen_at: str | None
    dateline: str | None = None  # this page's dateline of the article, as written


@dataclass(frozen=True, slots=True)
class ArticleRecord:
    article_id: str
    title: str | None
    text: str
    lead: str | None
    wire: list[str]
    publisher: str | None
    tags: list[str]
    related: list[str]
    first_seen: str | None
    pages: list[PageRef]
    dateline: str | None = None
    place: str | None = None
    dated: str | None = None
    authors: list[str] = field(default_factory=list)
    boilerplate: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class PageRecord:
    page_id: str
    source: str
    outlet: str | None
    url: str | None
    title: str | None
    published: str | None
    article_ids: list[str]
    similar: list[str]
    byline: str | None = None


@dataclass(frozen=True, slots=True)
class QuarantineRecord:
    source: str
    reason: str
    size: int
    quarantined_at: str


@dataclass(frozen=True, slots=True)
class SearchSource:
    """What the search index is built from, for one article."""

    seq: int
    article_id: str
    title: str | None
    text: str
    tags: list[str]
    outlets: list[str] = field(default_factory=list)  # every outlet that carried it
    wire: list[str] = field(default_factory=list)
    first_seen: str | None = None


@dataclass(frozen=True, slots=True)
class SearchHitRecord:
    """The best-scoring article of one matching duplicate group."""

    article_id: str
    seq: int
    score: float
    title: str | None
    text: str
    first_seen: str | None
    group: list[str]  # article ids in its duplicate group, itself first
    outlets: list[str]  # every outlet that carried the group, first seen first
    pages: int  # pages that carried the group
    contains: list[str] = field(default_factory=list)  # articles inside the group's (wire stories)
    contained_in: list[str] = field(default_factory=list)  # longer pieces holding the group's text


class Presence(Protocol):
    """Which of these pages a store already holds: a picklable check a runner's worker calls,
    so pages it reads itself are not segmented again on a re-ingest or a resume."""

    def __call__(self, page_ids: Sequence[str]) -> set[str]: ...


class Store(Archive, TemplateArchive, Protocol):
    def present_pages(self, page_ids: Sequence[str]) -> set[str]:
        """Which of these pages are already stored (to skip them on re-ingest or resume)."""
        ...

    def presence(self) -> Presence:
        """`present_pages` as an object another process can call (it opens its own reader)."""
        ...

    def write(self, batch: WriteBatch, ingested_at: str) -> WriteResult:
        """Write a batch atomically; rows already present are left as they are."""
        ...

    def articles(self, article_ids: Sequence[str] | None = None) -> Iterator[ArticleRecord]:
        """Every article in arrival order, or these ones."""
        ...

    def group_members(self, article_id: str) -> list[str]:
        """The articles of an article's duplicate group, itself included."""
        ...

    def containment_of(self, article_id: str) -> tuple[list[str], list[str]]:
        """(what an article contains, what contains it)."""
        ...

    def pages(self) -> Iterator[PageRecord]: ...

    def quarantined(self) -> Iterator[QuarantineRecord]: ...

    def counts(self) -> dict[str, int]: ...

    def transaction(self) -> AbstractContextManager[None]:
        """One atomic unit of work (near-duplicate indexing runs in one per batch)."""
        ...

    def unindexed_docs(self, limit: int, at_least: int = 1) -> list[Doc]:
        """Articles not yet checked for near-duplicates, oldest first (none unless there are
        `at_least` of them)."""
        ...

    def add_links(self, links: Iterable[Link]) -> None: ...

    def anchors_of(self, seqs: Sequence[int]) -> dict[int, int]:
        """The anchor of each of these articles that is in a group with others."""
        ...

    def set_anchors(self, anchors: dict[int, int]) -> None:
        """Record the group each article joined (its own seq: it founded one)."""
        ...

    def group_anchors(self) -> dict[str, str]:
        """Article id → its group's anchor id, for every article in a group with others."""
        ...

    def article_ids(self, seqs: Sequence[int]) -> list[str]: ...

    def replace_texts(self, cleaned: Sequence[Cleaned]) -> None:
        """Articles whose learnt template lines left the text: new text, lines kept aside."""
        ...

    def page_counts(self) -> dict[str, int]: ...

    def near_links(self) -> list[tuple[str, str, str, float]]:
        """(article id, article id, kind, score) of every verified near-duplicate link."""
        ...

    def contained_pairs(self) -> list[tuple[str, str]]:
        """(inner, outer) article ids of every `contained` link."""
        ...

    # full-text search: marsad.search keeps a derived index; the store says what to put in it
    @property
    def archive_id(self) -> str:
        """A random id made with the store: a derived index names the archive it was built from."""
        ...

    def derived_dir(self, name: str) -> Path:
        """Where an index derived from this store (and rebuilt from it at will) is kept."""
        ...

    def last_seq(self) -> int:
        """The seq of the newest article (0 for an empty store)."""
        ...

    def search_backlog(self, indexed_through: int) -> int:
        """Articles after `indexed_through`, and articles changed since they were indexed."""
        ...

    def unsearched(self, indexed_through: int, limit: int) -> list[SearchSource]:
        """Articles to index next, oldest first: changed ones, then new ones."""
        ...

    def mark_searched(self, seqs: Sequence[int]) -> None:
        """These articles are in the index as they are now."""
        ...

    def search_source(self, article_id: str) -> SearchSource | None: ...

    def groups(self, seqs: Sequence[int]) -> dict[int, int]:
        """The duplicate group (its smallest seq) of each of these articles that has one."""
        ...

    def group_of(self, article_id: str) -> int | None:
        """The duplicate group of an article (its own seq when it has none); None if unknown."""
        ...

    def hit(self, seq: int, group: int, score: float) -> SearchHitRecord:
        """What a search shows of one hit: the article, its group, and the group's outlets."""
        ...

    def close(self) -> None: ...

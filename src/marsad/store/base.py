"""The one narrow interface every store implements (SQLite now, PostgreSQL next).

Stages never see SQL: they hand the store a `WriteBatch` and read back plain records. A batch is
written in one transaction, and every row is keyed by a content id, so a batch replayed after a
crash changes nothing that was already committed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Protocol

from marsad.dedup.near import Archive, Doc, Link
from marsad.model import Article, Page, ReadFailure
from marsad.search.query import Query


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


@dataclass(frozen=True, slots=True)
class WriteResult:
    pages_new: int
    articles_new: int
    exact_duplicates: int
    quarantined: int


@dataclass(frozen=True, slots=True)
class PageRef:
    """Provenance of one article: the page, its outlet, and the article's position there."""

    source: str
    outlet: str | None
    position: int
    url: str | None
    seen_at: str | None


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


@dataclass(frozen=True, slots=True)
class SearchResults:
    total: int  # matching duplicate groups, or (exact=False) matching articles, an upper bound
    exact: bool
    hits: list[SearchHitRecord]


class Store(Archive, Protocol):
    def present_pages(self, page_ids: Sequence[str]) -> set[str]:
        """Which of these pages are already stored (to skip them on re-ingest or resume)."""
        ...

    def write(self, batch: WriteBatch, ingested_at: str) -> WriteResult:
        """Write a batch atomically; rows already present are left as they are."""
        ...

    def articles(self) -> Iterator[ArticleRecord]: ...

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

    def page_counts(self) -> dict[str, int]: ...

    def near_links(self) -> list[tuple[str, str, str, float]]:
        """(article id, article id, kind, score) of every verified near-duplicate link."""
        ...

    # full-text search (marsad.search builds the terms, the store keeps and queries them)
    def search_version(self) -> str | None: ...

    def reset_search(self, version: str) -> None: ...

    def search_backlog(self) -> int: ...

    def unsearched(self, limit: int) -> list[SearchSource]: ...

    def add_search_terms(self, version: str, rows: Sequence[tuple[int, str, str, str, str]]) -> None: ...

    def search(
        self, query: Query, limit: int, offset: int, exclude_group_of: str | None = None
    ) -> SearchResults: ...

    def indexed_terms(self, article_id: str) -> tuple[str, str, str] | None: ...

    def document_frequencies(self, terms: Sequence[str]) -> tuple[int, dict[str, int]]: ...

    def close(self) -> None: ...

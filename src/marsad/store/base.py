"""The archive's ports, and the one interface a store implements (SQLite and PostgreSQL).

Each stage owns the port it needs: `ArchiveStore` below (pages, articles, quarantine: what ingest
writes and exports read), `marsad.dedup.linking.LinkStore` (samples, links, groups, templates)
and `marsad.search.port.SearchArchive` (plain records to index, and the change log). A store
implements all three; stages never see SQL. A batch is written in one transaction and every row
is keyed by a content id, so a batch replayed after a crash changes nothing already committed.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from marsad.dedup.linking import LinkStore
from marsad.enrich.port import EntityArchive
from marsad.model import (
    Article,
    ArticleBrief,
    ArticleRecord,
    GroupSummary,
    OutletSummary,
    Page,
    PageRecord,
    QuarantineRecord,
    ReadFailure,
)
from marsad.search.port import SearchArchive
from marsad.stories.port import StoryArchive


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


class Presence(Protocol):
    """Which of these pages a store already holds: a picklable check a runner's worker calls,
    so pages it reads itself are not segmented again on a re-ingest or a resume."""

    def __call__(self, page_ids: Sequence[str]) -> set[str]: ...


class ArchiveStore(Protocol):
    """Pages, articles and quarantine: what ingest writes and what exports and pages read."""

    def present_pages(self, page_ids: Sequence[str]) -> set[str]:
        """Which of these pages are already stored (to skip them on re-ingest or resume)."""
        ...

    def presence(self) -> Presence:
        """`present_pages` as an object another process can call (it opens its own reader)."""
        ...

    def write(self, batch: WriteBatch, ingested_at: str) -> WriteResult:
        """Write a batch atomically; rows already present are left as they are; every article
        added or changed gets an entry in the change log."""
        ...

    def articles(self, article_ids: Sequence[str] | None = None) -> Iterator[ArticleRecord]:
        """Every article in arrival order, or these ones."""
        ...

    def pages(self) -> Iterator[PageRecord]: ...

    def quarantined(self) -> Iterator[QuarantineRecord]: ...

    def quarantined_raw(self, source: str) -> list[bytes]:
        """The kept bytes of quarantined input from one source, to inspect or re-feed."""
        ...

    def counts(self) -> dict[str, int]: ...

    def page_counts(self) -> dict[str, int]:
        """How many pages carried each article."""
        ...

    def group_members(self, article_id: str) -> list[str]:
        """The articles of an article's duplicate group, itself included."""
        ...

    def containment_of(self, article_id: str) -> tuple[list[str], list[str]]:
        """(what an article contains, what contains it)."""
        ...

    def group_anchors(self) -> dict[str, str]:
        """Article id → its group's anchor id, for every article in a group with others."""
        ...

    def near_links(self) -> list[tuple[str, str, str, float]]:
        """(article id, article id, kind, score) of every verified near-duplicate link."""
        ...

    def contained_pairs(self) -> list[tuple[str, str]]:
        """(inner, outer) article ids of every `contained` link."""
        ...

    def copy_groups(self, limit: int, offset: int = 0) -> list[GroupSummary]:
        """Duplicate groups carried by more than one page, the most outlets first, then the
        latest seen (a page of them)."""
        ...

    def outlets(self, outlet: str | None = None) -> list[OutletSummary]:
        """Every outlet (or only this one), what it published, the busiest first."""
        ...

    def outlet_articles(self, outlet: str, limit: int, offset: int = 0) -> list[ArticleBrief]:
        """A page of the articles an outlet carried, the latest first."""
        ...

    def outlet_boilerplate(self, outlet: str) -> Iterator[list[str]]:
        """The boilerplate lines taken out of each article the outlet carried."""
        ...

    def close(self) -> None: ...


class Store(ArchiveStore, LinkStore, SearchArchive, StoryArchive, EntityArchive, Protocol):
    """Everything a store implements: the service layer composes the stages over it."""

    @property
    def address(self) -> str:
        """Where the archive is (a file path or a PostgreSQL URL, without its password)."""
        ...

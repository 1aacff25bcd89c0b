"""The one data model every stage shares: Page → Article (→ Story, later).

Stages pass these forward and refer to each other only through the stable ids defined here
(content hashes), never through positions in a file or a batch, so that a re-run, a resumed
ingest or a Dask worker computes the very same ids.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

T = TypeVar("T")


def stable_id(*parts: str | bytes, size: int = 16) -> str:
    """A short hex id derived from content: the same input gives the same id everywhere."""
    digest = hashlib.blake2b(digest_size=size)
    for part in parts:
        digest.update(part.encode("utf-8") if isinstance(part, str) else part)
        digest.update(b"\x1f")
    return digest.hexdigest()


def article_key(article_id: str) -> int:
    """The 64-bit integer of an article id, for what needs integers (NumPy arrays, the search
    index's key): its first 8 bytes, signed (SQL and NumPy integers are). Derived, so every
    store, process and machine gives one article the same key; two of a hundred million
    articles share one with odds of about 1 in 3,700, and stores refuse such a pair (a unique
    key) rather than mix them."""
    return int.from_bytes(bytes.fromhex(article_id[:16]), "big", signed=True)


def as_tuple(record: object) -> tuple[object, ...]:
    """A slots dataclass as the tuple of its slot values (see `from_tuple`)."""
    return tuple(getattr(record, name) for name in record.__slots__)  # type: ignore[attr-defined]


def from_tuple(cls: type[T], values: tuple[object, ...]) -> T:
    """The record `as_tuple` flattened, rebuilt without running its __init__ (a page's id is
    not hashed again). Results crossing processes travel flat: pickling a list of tuples is
    several times faster than pickling the same dataclasses one by one."""
    record = object.__new__(cls)
    for name, value in zip(cls.__slots__, values, strict=True):  # type: ignore[attr-defined]
        object.__setattr__(record, name, value)
    return record


@dataclass(frozen=True, slots=True)
class Page:
    """One published page as read: where it came from, its raw bytes, and its decoded text.

    `source` locates the page for people (a path, `archive.zip!member#record`, a URL); `page_id`
    is derived from the locator and the raw bytes, so re-reading the same file yields the same ids
    and a revised page at the same address gets a new one.
    """

    source: str
    raw: bytes
    text: str
    outlet: str | None = None
    url: str | None = None
    title: str | None = None
    published: datetime | None = None
    fetched: datetime | None = None
    fmt: str = "text"
    byline: str | None = None  # the source's author/dateline field ("الرياض - واس"), as given
    page_id: str = field(init=False, compare=False)

    def __post_init__(self) -> None:
        # Computed once: hashing the raw bytes is the costly part and every stage asks for it.
        object.__setattr__(self, "page_id", stable_id(self.url or self.source, self.raw))

    def without_raw(self) -> Page:
        """The same page (same id) without its raw bytes: what a worker needs, at half the weight."""
        return self._copy(raw=b"")

    def without_text(self) -> Page:
        """The same page (same id) without its decoded text: what the store keeps of a page once
        it is segmented (its articles carry the text)."""
        return self._copy(text="")

    def _copy(self, **changes: object) -> Page:
        # not dataclasses.replace: that runs __init__ again, hashing the raw bytes for the id
        return from_tuple(Page, tuple(changes.get(name, getattr(self, name)) for name in Page.__slots__))


@dataclass(frozen=True, slots=True)
class Article:
    """One article found on a page: its text exactly as published, minus the boilerplate.

    The boilerplate is not thrown away but kept as structured fields (wire agencies, publisher,
    tags, related headlines, the dateline) and, for lines that are neither (an app promotion, a
    separator, an outlet's sign-off), as `boilerplate`: the lines taken out of the text, in order.
    """

    text: str
    title: str | None = None
    lead: str | None = None
    wire: tuple[str, ...] = ()
    publisher: str | None = None
    tags: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    position: int = 0
    dateline: str | None = None  # as written: "بريدة 25 شوال 1436 هـ الموافق 10 أغسطس 2015 م واس"
    place: str | None = None  # where it was filed: "بريدة"
    dated: str | None = None  # the dateline's date as written: "25 شوال 1436 هـ الموافق 10 أغسطس 2015 م"
    authors: tuple[str, ...] = ()  # writers named in the byline or dateline
    boilerplate: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SegmentedPage:
    """A page split into its ordered articles plus page-level blocks ("مقالات مشابهة")."""

    page: Page
    articles: tuple[Article, ...]
    similar: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ReadFailure:
    """Input that could not become a page: kept with its reason and raw bytes, never dropped."""

    source: str
    reason: str
    raw: bytes = b""

    @property
    def failure_id(self) -> str:
        return stable_id(self.source, self.reason, self.raw)

    def message(self) -> str:
        return f"{self.source}: {self.reason}"


@dataclass(slots=True)
class IngestSummary:
    """What one ingest run did; printed by the CLI and returned by the service."""

    pages_read: int = 0
    pages_new: int = 0
    pages_already_stored: int = 0
    articles_seen: int = 0
    articles_new: int = 0
    exact_duplicates: int = 0
    near_links: int = 0
    quarantined: int = 0
    articles_clustered: int = 0  # articles the stories consumer placed in stories
    articles_tagged: int = 0  # articles the entities consumer tagged (`--entities`)
    problems: list[str] = field(default_factory=list)

    def add(self, other: IngestSummary) -> None:
        self.pages_read += other.pages_read
        self.pages_new += other.pages_new
        self.pages_already_stored += other.pages_already_stored
        self.articles_seen += other.articles_seen
        self.articles_new += other.articles_new
        self.exact_duplicates += other.exact_duplicates
        self.near_links += other.near_links
        self.quarantined += other.quarantined
        self.articles_clustered += other.articles_clustered
        self.articles_tagged += other.articles_tagged
        self.problems.extend(other.problems)


@dataclass(frozen=True, slots=True)
class Change:
    """One entry of the archive's append-only change log: an article was added (`new`),
    carried again by another page (`copy`: its fields or outlets may have grown) or cleaned
    of learnt template lines (`text`)."""

    pos: int
    key: int


# --- what the archive gives back: articles with their provenance, pages, quarantine ----------


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


# --- what browsing the archive shows: groups of copies, outlets, articles in brief ------------


@dataclass(frozen=True, slots=True)
class ArticleBrief:
    """An article as a list shows it: enough for a line with a link."""

    article_id: str
    title: str | None
    lead: str | None
    wire: list[str]
    seen_at: str | None  # when the page in question (or the first page) carried it
    outlets: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class GroupSummary:
    """A duplicate group carried by more than one page: its anchor article (the one that
    founded it), how many outlets, pages and distinct texts, and when it was first and last seen."""

    article_id: str
    title: str | None
    lead: str | None
    wire: list[str]
    outlets: list[str]  # first seen first
    pages: int
    articles: int
    first_seen: str | None
    latest: str | None


@dataclass(frozen=True, slots=True)
class OutletSummary:
    """What one outlet published: pages, distinct articles, those credited to a wire agency."""

    outlet: str
    pages: int
    articles: int
    wire_articles: int
    first_seen: str | None
    latest: str | None


# --- what enrich/ finds in an article's text ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Mention:
    """A name found in a text: its words as written, its type (PERS, ORG, LOC, MISC) and where it
    stands in the text it was found in (text[start:end] == self.text), so a page can link it.
    A conjunction or preposition glued to the name's first word is left out (والكرملين → الكرملين
    at start + 1); the definite article stays."""

    text: str
    type: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Entity:
    """What mentions refer to: one id for every variant of a name (spelling, title, clitics, a
    surname after the full name). `key` is the canonical normalized name the id is derived from
    (with the type), `name` a spelling of it as written (the longest seen)."""

    entity_id: str
    type: str
    key: str
    name: str

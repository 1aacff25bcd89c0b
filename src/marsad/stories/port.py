"""What the stories consumer asks of an archive, and the records it reads and writes: plain
data, so that a store implements it without importing the clustering (or its analyzer)."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol

from marsad.model import Change

CONSUMER = "stories"  # the stories consumer's name in the archive's cursors


@dataclass(frozen=True, slots=True)
class StorySource:
    """What clustering reads of one stored article."""

    key: int
    title: str | None
    text: str
    published: str | None  # the earliest publication (else crawl) time of a page carrying it, ISO
    first_seen: str | None  # when the archive first saw it
    dated: str | None  # its dateline's date, as written
    anchor: int | None  # the anchor of its duplicate group


@dataclass(frozen=True, slots=True)
class StoryRecord:
    """One story as stored and shown."""

    story_id: int
    title: str | None
    first_day: str
    last_day: str
    articles: int


@dataclass(frozen=True, slots=True)
class Assignment:
    """An article placed in a story."""

    key: int
    story_id: int
    pos: int  # its 'new' change: members in arrival order
    event_date: str | None
    meaning: bytes | None = None  # its sentence vector (marsad.stories.encoder.to_bytes)


class StoryStore(Protocol):
    """The archive as the stories consumer sees it."""

    def transaction(self) -> AbstractContextManager[None]: ...

    def cursor(self, consumer: str) -> int: ...

    def set_cursor(self, consumer: str, pos: int) -> None: ...

    def changes_after(self, pos: int, limit: int, kinds: Sequence[str] | None = None) -> list[Change]: ...

    def story_sources(self, keys: Sequence[int]) -> list[StorySource]: ...

    def story_frequencies(self) -> tuple[int, dict[str, int]]:
        """(articles clustered, term → how many of them hold it)."""
        ...

    def add_story_frequencies(self, counts: dict[str, int]) -> None: ...

    def open_stories(self, since: str) -> list[StoryRecord]:
        """Stories whose last day is on or after `since`."""
        ...

    def story_members(self, story_ids: Sequence[int]) -> list[tuple[int, int]]:
        """(story id, article key) of their articles, in arrival order."""
        ...

    def story_bounds(self) -> tuple[int, str | None]:
        """(the highest story id, the latest last day of any story)."""
        ...

    def save_stories(self, stories: Sequence[StoryRecord], assignments: Sequence[Assignment]) -> None:
        """Upsert the stories and add the assignments."""
        ...

    def story_encoder(self) -> str | None:
        """The sentence encoder this archive's stories use (None: terms only)."""
        ...

    def set_story_encoder(self, name: str) -> None: ...

    def story_meanings(self, keys: Sequence[int]) -> list[tuple[int, bytes]]:
        """(article key, stored sentence vector) of those clustered with one."""
        ...


class StoryArchive(StoryStore, Protocol):
    """The stories as the service reads them (story pages, the export, the CLI)."""

    def stories(self, limit: int, offset: int = 0, min_articles: int = 2) -> list[StoryRecord]:
        """Stories of at least `min_articles` articles, the latest and largest first."""
        ...

    def story(self, story_id: int) -> StoryRecord | None: ...

    def story_articles(self, story_id: int) -> list[tuple[str, str | None]]:
        """(article id, event date) of a story's articles, in arrival order."""
        ...

    def story_of(self, article_id: str) -> tuple[int, str | None] | None:
        """(story id, event date) of one article, once clustered."""
        ...

    def story_assignments(self) -> dict[str, tuple[int, str | None]]:
        """Article id → (story id, event date) of every clustered article."""
        ...

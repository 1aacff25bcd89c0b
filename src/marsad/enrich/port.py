"""What the entities consumer asks of an archive, and the records it reads and writes: plain
data, so that a store implements it without importing the tagger."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Literal, Protocol, get_args

from marsad.model import Change
from marsad.stories.port import StoryRecord

CONSUMER = "entities"  # the entities consumer's name in the archive's cursors
EntityType = Literal["PERS", "ORG", "LOC", "MISC"]  # ANERcorp's types, which the tagger learns
ENTITY_TYPES: tuple[str, ...] = get_args(EntityType)


@dataclass(frozen=True, slots=True)
class MentionRow:
    """One name in one article: which field (title or text), where, as written, and the entity."""

    field: str  # "title" | "text"
    start: int
    end: int
    text: str
    type: str
    entity_id: str
    entity_key: str  # the entity's canonical normalized name
    entity_name: str  # a spelling of it as written


@dataclass(frozen=True, slots=True)
class EntityRecord:
    """One entity as stored and shown: its id, type, a name as written, and in how many articles
    (its own and those of the short names merged into it); `merged_into` when it is such a name."""

    entity_id: str
    type: str
    name: str
    articles: int
    merged_into: str | None = None


class EntityStore(Protocol):
    """The archive as the entities consumer sees it."""

    def transaction(self) -> AbstractContextManager[None]: ...

    def cursor(self, consumer: str) -> int: ...

    def set_cursor(self, consumer: str, pos: int) -> None: ...

    def changes_after(self, pos: int, limit: int, kinds: Sequence[str] | None = None) -> list[Change]: ...

    def entity_sources(self, keys: Sequence[int]) -> list[tuple[int, str | None, str]]:
        """(article key, title, text) of those articles."""
        ...

    def replace_mentions(self, key: int, mentions: Sequence[MentionRow]) -> None:
        """An article's mentions, instead of any it had (its text changed), entities counted."""
        ...

    def people(self) -> list[tuple[str, str, str, int]]:
        """(entity id, key, name, articles) of every person entity some article mentions."""
        ...

    def set_merges(self, merged_into: Mapping[str, str]) -> None:
        """The archive's merged names (short name's entity id → the fuller name's), instead of
        those it had; each fuller name's articles counted with its merged names'."""
        ...


class EntityArchive(EntityStore, Protocol):
    """The entities as the service reads them."""

    def entities(self, kind: str | None, limit: int, offset: int = 0) -> list[EntityRecord]:
        """Entities (of one type), those in the most articles first."""
        ...

    def entity(self, entity_id: str) -> EntityRecord | None: ...

    def entity_articles(self, entity_id: str, limit: int, offset: int = 0) -> list[tuple[str, str | None]]:
        """(article id, title) of the articles that mention it, the latest first."""
        ...

    def entity_days(self, entity_id: str) -> list[tuple[str, int]]:
        """(ISO day, articles) that mention it, by the day their pages give (else first seen)."""
        ...

    def entity_stories(self, entity_id: str, limit: int) -> list[StoryRecord]:
        """The stories its articles tell, the latest first."""
        ...

    def mentions_of(self, article_ids: Sequence[str]) -> dict[str, list[MentionRow]]:
        """Article id → its mentions, in text order (title first)."""
        ...

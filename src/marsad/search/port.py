"""What search needs from the archive: plain records to index and to show, and the change log.

Search owns this port; a store implements it. Articles are named by their 64-bit key
(`marsad.model.article_key`), the integer tantivy keeps; duplicate groups by their anchor's key.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from marsad.model import Change


@dataclass(frozen=True, slots=True)
class SearchSource:
    """What the search index is built from, for one article."""

    key: int
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
    key: int
    score: float
    title: str | None
    text: str
    first_seen: str | None
    group: list[str]  # article ids in its duplicate group, itself first
    outlets: list[str]  # every outlet that carried the group, first seen first
    pages: int  # pages that carried the group
    contains: list[str] = field(default_factory=list)  # articles inside the group's (wire stories)
    contained_in: list[str] = field(default_factory=list)  # longer pieces holding the group's text
    story: int | None = None  # the story it tells (marsad.stories), once clustered


class SearchArchive(Protocol):
    @property
    def archive_id(self) -> str:
        """A random id made with the archive: a derived index names the archive it was built from."""
        ...

    def derived_dir(self, name: str) -> Path:
        """Where an index derived from this archive (and rebuilt from it at will) is kept."""
        ...

    def last_change(self) -> int:
        """The position of the newest change-log entry (0: none)."""
        ...

    def changes_after(self, pos: int, limit: int, kinds: Sequence[str] | None = None) -> list[Change]:
        """Change-log entries after `pos`, oldest first (of these kinds only, when given)."""
        ...

    def changed_since(self, pos: int) -> int:
        """How many articles changed after `pos` (each once)."""
        ...

    def search_sources(self, keys: Sequence[int]) -> list[SearchSource]: ...

    def search_source(self, article_id: str) -> SearchSource | None: ...

    def groups(self, keys: Sequence[int]) -> dict[int, int]:
        """The duplicate group (its anchor's key) of each of these articles that has one."""
        ...

    def facet_labels(self, keys: Sequence[int]) -> list[tuple[int, str | None, list[str], str | None]]:
        """(key, outlet, wire agencies, first seen) of these articles, one row per outlet that
        carried each: what a search's facets count."""
        ...

    def stories_of(self, keys: Sequence[int]) -> dict[int, int]:
        """The story (its id) of each of these articles that has been clustered into one."""
        ...

    def group_of(self, article_id: str) -> int | None:
        """The duplicate group of an article (its own key when it has none); None if unknown."""
        ...

    def hits(self, ranked: Sequence[tuple[int, int, float]]) -> list[SearchHitRecord]:
        """What a search shows of each (key, group, score) hit, in order: the article, its
        group, and the group's outlets (the first to carry it first) and pages."""
        ...

    def counts(self) -> dict[str, int]: ...

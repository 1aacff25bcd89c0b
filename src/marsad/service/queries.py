"""The read use cases: search, similar, one article, duplicate groups, exports, counts, quarantine.

They only read: none of them writes the archive or its search index (`reindex` and ingest do),
so a search never pays for indexing and never waits for a writer. Where the index is behind
the archive, a search answers from what it holds and says how many articles it does not hold
yet (`SearchPage.unindexed`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict
from typing import Any

from marsad import export
from marsad.dedup.linking import CONSUMER as LINKER
from marsad.defaults import MAX_LIMIT
from marsad.enrich.port import ENTITY_TYPES, EntityRecord
from marsad.model import QuarantineRecord
from marsad.search import engine
from marsad.search.engine import NotFound, SearchPage
from marsad.search.index import backlog, search_index
from marsad.store.base import Store
from marsad.stories.port import CONSUMER as STORIES
from marsad.stories.port import StoryRecord


def search(store: Store, query: str, limit: int = 10, offset: int = 0, by_story: bool = False) -> SearchPage:
    """Hits for a query (the query language: marsad.search.query), one per duplicate group, or
    one per story (`by_story`)."""
    return engine.search(store, query, limit=limit, offset=offset, by_story=by_story)


def similar(store: Store, article_id: str, limit: int = 10) -> SearchPage:
    """The articles most like this one, its own group left out."""
    return engine.similar(store, article_id, limit=limit)


def article(store: Store, article_id: str) -> dict[str, Any]:
    """One article as the export shows it (fields, pages, duplicates, containment)."""
    found = export.article_object_of(store, article_id)
    if found is None:
        raise NotFound(f"no article with id {article_id}")
    return found


def articles(store: Store) -> Iterator[dict[str, Any]]:
    """Every distinct article, in arrival order, as exported."""
    return export.article_objects(store)


def pages(store: Store) -> Iterator[dict[str, Any]]:
    """Every page, in arrival order, as exported."""
    return (export.page_object(record) for record in store.pages())


def duplicates(store: Store) -> Iterator[dict[str, Any]]:
    """Every duplicate group with more than one page, largest first."""
    return export.group_objects(store)


def stats(store: Store) -> dict[str, Any]:
    """What the archive holds, counted, and the sentence encoder its stories use (None: terms
    only)."""
    counts: dict[str, Any] = dict(store.counts())
    counts["unindexed"] = backlog(store)
    counts["stories_encoder"] = store.story_encoder()
    return counts


def quarantine(store: Store) -> list[dict[str, Any]]:
    """Input that could not be read, with its reason (the raw bytes stay in the archive)."""
    records: list[QuarantineRecord] = list(store.quarantined())
    return [asdict(record) for record in records]


def version(store: Store) -> tuple[int, int, int, int]:
    """Moves whenever what a read shows may have changed: the change log's last position, the
    near-duplicate linker's cursor (groups), the search index's and the stories consumer's. A
    shell may keep answers made at one version for as long as it stays the same."""
    return store.last_change(), store.cursor(LINKER), search_index(store).cursor, store.cursor(STORIES)


def page_size(limit: int) -> int:
    """A list's page size, brought within 1..MAX_LIMIT."""
    return max(1, min(limit, MAX_LIMIT))


def story_object(record: StoryRecord) -> dict[str, Any]:
    return {
        "id": record.story_id,
        "title": record.title,
        "first_day": record.first_day,
        "last_day": record.last_day,
        "articles": record.articles,
    }


def stories(store: Store, limit: int = 20, offset: int = 0, min_articles: int = 2) -> list[dict[str, Any]]:
    """Stories told by at least `min_articles` articles, the latest and largest first."""
    limit = page_size(limit)
    return [story_object(record) for record in store.stories(limit, offset, min_articles)]


def story(store: Store, story_id: int) -> dict[str, Any]:
    """One story: its articles in arrival order, with their outlets, first-seen times and
    event dates, and every outlet that told it."""
    record = store.story(story_id)
    if record is None:
        raise NotFound(f"no story with id {story_id}")
    members = store.story_articles(story_id)
    found = {r.article_id: r for r in store.articles([article_id for article_id, _ in members])}
    articles = []
    told_by: dict[str, None] = {}
    for article_id, when in members:
        article = found.get(article_id)
        if article is None:
            continue
        outlets = list(dict.fromkeys(ref.outlet for ref in article.pages if ref.outlet))
        told_by.update(dict.fromkeys(outlets))
        articles.append(
            {
                "id": article_id,
                "title": article.title,
                "event_date": when,
                "first_seen": article.first_seen,
                "outlets": outlets,
                "wire": article.wire,
            }
        )
    return story_object(record) | {"outlets": list(told_by), "members": articles}


def entity_object(record: EntityRecord) -> dict[str, Any]:
    return {"id": record.entity_id, "type": record.type, "name": record.name, "articles": record.articles}


def entities(store: Store, kind: str | None = None, limit: int = 20, offset: int = 0) -> list[dict[str, Any]]:
    """Named entities (of one type: PERS, ORG, LOC, MISC), those in the most articles first."""
    if kind is not None and kind not in ENTITY_TYPES:
        raise ValueError(f"unknown entity type {kind!r}: one of {', '.join(ENTITY_TYPES)}")
    limit = page_size(limit)
    return [entity_object(record) for record in store.entities(kind, limit, offset)]


def entity(store: Store, entity_id: str, limit: int = 20, offset: int = 0) -> dict[str, Any]:
    """One entity: the articles that mention it (the latest first), the stories they tell, and
    how many mention it each day."""
    record = store.entity(entity_id)
    if record is not None and record.merged_into is not None:  # a short name: the fuller one's page
        record = store.entity(record.merged_into)
    if record is None:
        raise NotFound(f"no entity with id {entity_id}")
    entity_id = record.entity_id
    limit = page_size(limit)
    found = store.entity_articles(entity_id, limit, offset)
    return entity_object(record) | {
        "members": [{"id": i, "title": t} for i, t in found],
        "stories": [story_object(s) for s in store.entity_stories(entity_id, limit)],
        "days": [{"day": day, "articles": count} for day, count in store.entity_days(entity_id)],
    }

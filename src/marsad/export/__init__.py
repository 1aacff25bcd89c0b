"""Export the clean corpus: one JSON object per distinct article (or per page), as JSONL or Parquet.

The field names are a contract other tools read; keep them stable.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from pathlib import Path
from typing import IO, Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq

from marsad.dedup.groups import Containment, Group, build_groups, containment, group_sizes
from marsad.enrich.port import MentionRow
from marsad.model import ArticleRecord, PageRecord
from marsad.store.base import Store

MENTION_BATCH = 500  # articles whose mentions one query fetches


def _batches(items: Iterable[ArticleRecord], size: int) -> Iterator[list[ArticleRecord]]:
    """Lists of `size` items (itertools.batched is Python 3.12)."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def article_object(
    record: ArticleRecord,
    duplicates: int | None = None,
    contained: Containment | None = None,
    story: tuple[int, str | None] | None = None,
    mentions: Sequence[MentionRow] = (),
) -> dict[str, Any]:
    """`duplicates`: members (pages) in the article's duplicate group, itself included;
    `contained`: the wire stories it contains and the longer pieces that contain it;
    `story`: its story id and event date, once the stories consumer has placed it."""
    return {
        "id": record.article_id,
        "title": record.title,
        "text": record.text,
        "lead": record.lead,
        "wire": record.wire,
        "publisher": record.publisher,
        "tags": record.tags,
        "related": record.related,
        "dateline": record.dateline,
        "place": record.place,
        "dated": record.dated,
        "authors": record.authors,
        "boilerplate": record.boilerplate,
        "pages": [
            {
                "source": ref.source,
                "outlet": ref.outlet,
                "position": ref.position,
                "url": ref.url,
                "dateline": ref.dateline,
                "seen_at": ref.seen_at,
            }
            for ref in record.pages
        ],
        "first_seen": record.first_seen,
        "duplicates": duplicates if duplicates is not None else len(record.pages),
        "contains": list(contained.contains) if contained else [],
        "contained_in": list(contained.contained_in) if contained else [],
        "story": story[0] if story else None,
        "event_date": story[1] if story else None,
        "entities": [
            {
                "text": m.text,
                "type": m.type,
                "entity_id": m.entity_id,
                "field": m.field,
                "start": m.start,
                "end": m.end,
            }
            for m in mentions
        ],
    }


def article_objects(store: Store) -> Iterator[dict[str, Any]]:
    """Every distinct article of a store as its export object, in arrival order."""
    sizes = group_sizes(store.page_counts(), store.group_anchors())
    contained = containment(store.contained_pairs())
    stories = store.story_assignments()
    for records in _batches(store.articles(), MENTION_BATCH):
        mentions = store.mentions_of([record.article_id for record in records])
        for record in records:
            article_id = record.article_id
            yield article_object(
                record,
                sizes.get(article_id),
                contained.get(article_id),
                stories.get(article_id),
                mentions.get(article_id, ()),
            )


def article_object_of(store: Store, article_id: str) -> dict[str, Any] | None:
    """One article's export object (None when the archive does not hold it)."""
    found = list(store.articles([article_id]))
    if not found:
        return None
    members = list(store.articles(store.group_members(article_id)))
    contains, inside = store.containment_of(article_id)
    duplicates = sum(len(member.pages) for member in members) or len(found[0].pages)
    containment_of = Containment(tuple(contains), tuple(inside))
    mentions = store.mentions_of([article_id]).get(article_id, ())
    return article_object(found[0], duplicates, containment_of, store.story_of(article_id), mentions)


def group_objects(store: Store) -> Iterator[dict[str, Any]]:
    """Every duplicate group of a store as its export object, largest first."""
    contained = containment(store.contained_pairs())
    for group in build_groups(store.articles(), store.group_anchors(), store.near_links()):
        yield group_object(group, contained)


def group_object(group: Group, contained: dict[str, Containment] | None = None) -> dict[str, Any]:
    """A group, its members, and what its articles contain or are contained in (never members)."""
    ids = dict.fromkeys(member.article_id for member in group.members)
    found = [contained[i] for i in ids if contained and i in contained]
    return {
        "canonical": group.canonical,
        "members": [
            {"id": m.article_id, "source": m.source, "outlet": m.outlet, "kind": m.kind, "score": m.score}
            for m in group.members
        ],
        "contains": list(dict.fromkeys(inner for c in found for inner in c.contains)),
        "contained_in": list(dict.fromkeys(outer for c in found for outer in c.contained_in)),
    }


def page_object(record: PageRecord) -> dict[str, Any]:
    return {
        "source": record.source,
        "outlet": record.outlet,
        "url": record.url,
        "title": record.title,
        "published": record.published,
        "articles": record.article_ids,
        "similar": record.similar,
        "byline": record.byline,
    }


def write_jsonl(objects: Iterable[dict[str, Any]], out: IO[bytes]) -> int:
    """One object a line, UTF-8 Arabic as is (not \\u-escaped); returns how many were written."""
    count = 0
    for obj in objects:
        out.write(orjson.dumps(obj) + b"\n")
        count += 1
    return count


def _schema(kind: str) -> pa.Schema:
    text, texts = pa.string(), pa.list_(pa.string())
    if kind == "pages":
        return pa.schema(
            [
                ("source", text),
                ("outlet", text),
                ("url", text),
                ("title", text),
                ("published", text),
                ("articles", texts),
                ("similar", texts),
                ("byline", text),
            ]
        )
    page_ref = pa.struct(
        [
            ("source", text),
            ("outlet", text),
            ("position", pa.int32()),
            ("url", text),
            ("dateline", text),
            ("seen_at", text),
        ]
    )
    if kind == "groups":
        member = pa.struct(
            [("id", text), ("source", text), ("outlet", text), ("kind", text), ("score", pa.float64())]
        )
        return pa.schema(
            [("canonical", text), ("members", pa.list_(member)), ("contains", texts), ("contained_in", texts)]
        )
    return pa.schema(
        [
            ("id", text),
            ("title", text),
            ("text", text),
            ("lead", text),
            ("wire", texts),
            ("publisher", text),
            ("tags", texts),
            ("related", texts),
            ("dateline", text),
            ("place", text),
            ("dated", text),
            ("authors", texts),
            ("boilerplate", texts),
            ("pages", pa.list_(page_ref)),
            ("first_seen", text),
            ("duplicates", pa.int32()),
            ("contains", texts),
            ("contained_in", texts),
            ("story", pa.int64()),
            ("event_date", text),
            (
                "entities",
                pa.list_(
                    pa.struct(
                        [
                            ("text", text),
                            ("type", text),
                            ("entity_id", text),
                            ("field", text),
                            ("start", pa.int32()),
                            ("end", pa.int32()),
                        ]
                    )
                ),
            ),
        ]
    )


def write_parquet(
    objects: Iterator[dict[str, Any]], path: Path, kind: str, rows_per_group: int = 5000
) -> int:
    """Parquet with lists and structs kept nested, written group by group (bounded memory).

    `kind` is "articles" or "pages"; the schema is explicit so an all-null column keeps its type.
    """
    schema = _schema(kind)
    count = 0
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        while chunk := list(islice(objects, rows_per_group)):
            writer.write_table(pa.Table.from_pylist(chunk, schema=schema))
            count += len(chunk)
    return count

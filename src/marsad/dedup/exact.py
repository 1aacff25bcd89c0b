"""Exact duplicates: two articles are one when their text matches after normalization.

The article id *is* the hash of that matching form, so exact dedup needs no index: the same
wire story ingested from any page, in any run, on any worker, gets the same id.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from marsad.model import Article, stable_id
from marsad.text import matching_key, matching_keys, unique_forms


def article_id(text: str) -> str:
    """Stable id of an article's text: equal after normalization and space folding ⇔ equal id."""
    return stable_id("article", matching_key(text))


IDS_CHUNK_CHARS = 1_000_000  # texts normalized in one pass: bounds the arrays (~10 MB), not slower


def article_ids(texts: Sequence[str]) -> list[str]:
    """`article_id` of every text, normalized a million characters at a time (what a batch of
    pages should use: one NumPy pass per text would cost more than the folding)."""
    ids: list[str] = []
    start = 0
    while start < len(texts):
        end, size = start, 0
        while end < len(texts) and (end == start or size + len(texts[end]) <= IDS_CHUNK_CHARS):
            size += len(texts[end])
            end += 1
        ids += [stable_id("article", key) for key in matching_keys(texts[start:end])]
        start = end
    return ids


def new_entry(article: Article, seen_at: str) -> dict[str, Any]:
    """An article's stored fields, from its first page."""
    return {
        "text": article.text,
        "lead": article.lead,
        "title": article.title,
        "wire": list(article.wire),
        "publisher": article.publisher,
        "tags": unique_forms(article.tags),
        "related": unique_forms(article.related),
        "first_seen": seen_at,
        "dateline": article.dateline,
        "place": article.place,
        "dated": article.dated,
        "authors": unique_forms(article.authors),
        "boilerplate": list(dict.fromkeys(article.boilerplate)),
    }


def merge_copy(entry: dict[str, Any], article: Article, seen_at: str) -> dict[str, Any]:
    """The stored fields of an article once another page carried an exact copy of it: lists are
    unions by normalized form, single values keep the first one known, first seen is the
    earliest. Order-free, so one batch or many give the same article."""
    return {
        **entry,
        "title": entry["title"] or article.title,
        "wire": list(dict.fromkeys([*entry["wire"], *article.wire])),
        "publisher": entry["publisher"] or article.publisher,
        "tags": unique_forms([*entry["tags"], *article.tags]),
        "related": unique_forms([*entry["related"], *article.related]),
        "first_seen": min(filter(None, [entry["first_seen"], seen_at])),
        "dateline": entry["dateline"] or article.dateline,
        "place": entry["place"] or article.place,
        "dated": entry["dated"] or article.dated,
        "authors": unique_forms([*entry["authors"], *article.authors]),
        "boilerplate": list(dict.fromkeys([*entry["boilerplate"], *article.boilerplate])),
    }


@dataclass(slots=True)
class Merged:
    """What a batch's occurrences do to the archive's articles (`merge_occurrences`)."""

    new: dict[str, dict[str, Any]] = field(default_factory=dict)  # id → fields, in order of arrival
    changed: dict[str, dict[str, Any]] = field(default_factory=dict)  # stored ones whose fields grew
    again: list[str] = field(default_factory=list)  # stored ones another page carried again
    duplicates: int = 0  # occurrences of an article already known (stored or earlier in the batch)


def merge_occurrences(
    stored: dict[str, dict[str, Any]], occurrences: Iterable[tuple[str, Article, str]]
) -> Merged:
    """The exact-duplicate rule, as a pure function: (article id, article, seen at) in page
    order against the fields of the stored articles among them. A new id is a new article; a
    known one is a copy whose boilerplate adds to what is known (`merge_copy`)."""
    merged = Merged()
    known = dict(stored)
    for article_id, article, seen in occurrences:
        entry = known.get(article_id)
        if entry is None:
            known[article_id] = merged.new[article_id] = new_entry(article, seen)
            continue
        merged.duplicates += 1
        grown = merge_copy(entry, article, seen)
        if grown != entry:
            known[article_id] = grown
            if article_id in merged.new:
                merged.new[article_id] = grown
            else:
                merged.changed[article_id] = grown
    merged.again = list(stored)
    return merged

"""Duplicate groups: exact copies (one article, many pages) joined by verified near links.

Groups are derived on read from the stored links (union-find), so they never go stale and an
incremental ingest gives the groups a one-shot ingest gives. The canonical article is the one
first seen, then the longest.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from marsad.store.base import ArticleRecord

_STRENGTH = {"exact": 4, "near": 3, "contained": 2, "edited": 1}


@dataclass(frozen=True, slots=True)
class Member:
    article_id: str
    source: str
    outlet: str | None
    kind: str  # canonical | exact | near | contained | edited
    score: float


@dataclass(frozen=True, slots=True)
class Group:
    canonical: str
    members: tuple[Member, ...]


class UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, item: str) -> str:
        parent = self.parent.setdefault(item, item)
        if parent != item:
            parent = self.parent[item] = self.find(parent)
        return parent

    def union(self, a: str, b: str) -> None:
        self.parent[self.find(a)] = self.find(b)


def build_groups(
    articles: Iterable[ArticleRecord], links: Iterable[tuple[str, str, str, float]]
) -> list[Group]:
    """Every article with more than one page, or linked to another, as groups; largest first."""
    records = {record.article_id: record for record in articles}
    sets = UnionFind()
    best: dict[str, tuple[str, float]] = {}  # article → its strongest link
    for a, b, kind, score in links:
        sets.union(a, b)
        for article in (a, b):
            held = best.get(article)
            if held is None or (_STRENGTH[kind], score) > (_STRENGTH[held[0]], held[1]):
                best[article] = (kind, score)
    clusters: dict[str, list[str]] = {}
    for article_id in records:
        clusters.setdefault(sets.find(article_id), []).append(article_id)
    groups = []
    for ids in clusters.values():
        pages = sum(len(records[i].pages) for i in ids)
        if pages < 2:
            continue
        canonical = min(ids, key=lambda i: (records[i].first_seen or "~", -len(records[i].text), i))
        members = []
        for article_id in sorted(ids, key=lambda i: (i != canonical, records[i].first_seen or "~", i)):
            kind, score = ("canonical", 1.0) if article_id == canonical else best[article_id]
            for position, ref in enumerate(records[article_id].pages):
                member_kind = "exact" if position and article_id == canonical else kind
                members.append(Member(article_id, ref.source, ref.outlet, member_kind, score))
        groups.append(Group(canonical, tuple(members)))
    return sorted(groups, key=lambda g: (-len(g.members), g.canonical))


def group_sizes(page_counts: dict[str, int], links: Iterable[tuple[str, str, str, float]]) -> dict[str, int]:
    """Members (pages) in each article's group: what the article export reports as `duplicates`."""
    sets = UnionFind()
    for a, b, _, _ in links:
        sets.union(a, b)
    totals: dict[str, int] = {}
    for article_id, count in page_counts.items():
        root = sets.find(article_id)
        totals[root] = totals.get(root, 0) + count
    return {article_id: totals[sets.find(article_id)] for article_id in page_counts}

"""Duplicate groups: stars of copies around an anchor, never chains.

A group holds copies of one article. Its anchor is the article that founded it (the first one
checked); every other member is linked to the anchor itself by a verified `near` or `edited`
link, so no article joins a group through a third one: a roundup page that contains two stories
links to both, and joins neither. `contained` (a wire story inside a longer piece) is its own
relation, shown beside the groups (`containment`), never a reason to merge them.

Groups are assigned as near-duplicate linking checks articles, in the order they came into the
archive (`anchors`), so an incremental ingest gives the groups a one-shot ingest gives. Exact
copies are one article with several pages, inside whatever group that article is in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from marsad.model import ArticleRecord

# Link kinds that make a copy, strongest first ("exact" links come from one-shot runs only: in an
# archive an exact copy is the same article); "contained" never does.
GROUPING = {"exact": 3, "near": 2, "edited": 1}


@dataclass(frozen=True, slots=True)
class Member:
    article_id: str
    source: str
    outlet: str | None
    kind: str  # canonical | exact | near | edited
    score: float


@dataclass(frozen=True, slots=True)
class Group:
    canonical: str
    members: tuple[Member, ...]


def anchors(
    batch: Sequence[int],
    links: Iterable[tuple[int, int, str, float]],
    anchor_of: Callable[[Sequence[int]], dict[int, int]],
) -> dict[int, int]:
    """The anchor each article of a batch joins (its own key when it founds a group).

    `batch` holds article keys in the order they are checked, after every article checked
    before; `links` are (key, key, kind, score), either way round. `anchor_of` gives the anchor
    of articles checked before (those that have one). An article joins the group whose anchor
    it is linked to most strongly (ties: the anchor checked first, then the smaller key); a link
    to a member that is not the anchor joins nothing.
    """
    rank = {key: position for position, key in enumerate(batch)}
    toward: dict[int, list[tuple[int, str, float]]] = {}
    earlier: set[int] = set()
    for a, b, kind, score in links:
        if kind not in GROUPING:
            continue
        later, other = (a, b) if rank.get(a, -1) > rank.get(b, -1) else (b, a)
        if later in rank:
            toward.setdefault(later, []).append((other, kind, score))
            if other not in rank:
                earlier.add(other)
    assigned = anchor_of(sorted(earlier)) if earlier else {}
    for key in batch:
        best: tuple[tuple[int, float, int, int], int] | None = None
        for other, kind, score in toward.get(key, []):
            if assigned.get(other, other) != other:
                continue  # `other` is a member of someone else's group: no chains
            strength = (GROUPING[kind], score, -rank.get(other, -1), -other)
            if best is None or strength > best[0]:
                best = (strength, other)
        assigned[key] = best[1] if best else key
    return {key: assigned[key] for key in batch}


def regroup(links: Iterable[tuple[int, int, str, float]]) -> dict[int, int]:
    """The anchors of every linked article, from all the links at once, as checking them one by
    one in seq order gives (what an archive made before groups were stars gets)."""
    toward: dict[int, list[tuple[int, int, str, float]]] = {}
    for link in links:
        toward.setdefault(max(link[0], link[1]), []).append(link)
    assigned: dict[int, int] = {}

    def known(seqs: Sequence[int]) -> dict[int, int]:
        return {seq: assigned[seq] for seq in seqs if seq in assigned}

    for seq in sorted(toward):
        assigned.update(anchors([seq], toward[seq], known))
    return assigned


def build_groups(
    articles: Iterable[ArticleRecord],
    anchor_ids: dict[str, str],
    links: Iterable[tuple[str, str, str, float]],
) -> list[Group]:
    """Every group with more than one page, largest first. `anchor_ids`: article id → the id of
    its group's anchor (for articles in a group with others); `links`: (id, id, kind, score)."""
    records = {record.article_id: record for record in articles}
    to_anchor: dict[str, tuple[str, float]] = {}
    for a, b, kind, score in links:
        for member, other in ((a, b), (b, a)):
            if anchor_ids.get(member) == other and member != other:
                to_anchor[member] = (kind, score)
    clusters: dict[str, list[str]] = {}
    for article_id in records:
        clusters.setdefault(anchor_ids.get(article_id, article_id), []).append(article_id)
    groups = []
    for anchor, ids in clusters.items():
        if sum(len(records[i].pages) for i in ids) < 2:
            continue
        ordered = sorted(ids, key=lambda i: (i != anchor, records[i].first_seen or "~", i))
        members = []
        for article_id in ordered:
            kind, score = ("canonical", 1.0) if article_id == anchor else to_anchor[article_id]
            for position, ref in enumerate(records[article_id].pages):
                member_kind = "exact" if position and article_id == anchor else kind
                members.append(Member(article_id, ref.source, ref.outlet, member_kind, score))
        groups.append(Group(anchor, tuple(members)))
    return sorted(groups, key=lambda g: (-len(g.members), g.canonical))


def group_sizes(page_counts: dict[str, int], anchor_ids: dict[str, str]) -> dict[str, int]:
    """Members (pages) in each article's group: what the article export reports as `duplicates`."""
    totals: dict[str, int] = {}
    for article_id, count in page_counts.items():
        anchor = anchor_ids.get(article_id, article_id)
        totals[anchor] = totals.get(anchor, 0) + count
    return {article_id: totals[anchor_ids.get(article_id, article_id)] for article_id in page_counts}


@dataclass(frozen=True, slots=True)
class Containment:
    """What an article contains (wire stories inside it) and what contains it (longer pieces)."""

    contains: tuple[str, ...] = ()
    contained_in: tuple[str, ...] = ()


def containment(pairs: Iterable[tuple[str, str]]) -> dict[str, Containment]:
    """Who contains whom, from (inner, outer) pairs of `contained` links."""
    contains: dict[str, list[str]] = {}
    inside: dict[str, list[str]] = {}
    for inner, outer in pairs:
        contains.setdefault(outer, []).append(inner)
        inside.setdefault(inner, []).append(outer)
    return {
        article: Containment(tuple(contains.get(article, ())), tuple(inside.get(article, ())))
        for article in contains.keys() | inside.keys()
    }

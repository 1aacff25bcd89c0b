"""Ranking on top of an index that returns its best k matches: recency, tiers, one hit per group.

The index scores by BM25 and stops early on its top k (that is what makes it fast at a million
articles); what it does not know is the archive's duplicate groups, which change as near-duplicate
links are made, and the recency boost, which depends on the newest article. Both are applied
here to the k best, and k grows until the page is provably right:

- recency multiplies a score by at most 1 + RECENCY_BOOST, so no match beyond the k-th (whose
  score is at most the k-th's) can outrank a hit scoring above `k-th × (1 + RECENCY_BOOST)`;
- a group's best member is its hit; once the page's last hit scores above that bound, no unseen
  member of any group can change the page.

Tiers (hits with a query word in the title first) are ranked one after the other; a group seen
in an earlier tier is left out of the later ones.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

RECENCY_BOOST = 0.1  # the newest articles score up to 10% higher, decaying over ~a month
RECENCY_DAYS = 30.0
FIRST_FETCH = 32  # matches fetched first for a page; ×4 until the page is provably complete
GROWTH = 4

Groups = Callable[[Sequence[int]], dict[int, int]]  # key → its duplicate group (absent: its own)


@dataclass(frozen=True, slots=True)
class Candidate:
    """One match as the index ranks it: relevance before recency, first seen in seconds."""

    key: int  # the article's key (marsad.model.article_key)
    relevance: float
    seen: int


@dataclass(frozen=True, slots=True)
class Ranked:
    """The best article of one duplicate group, with its final score."""

    key: int
    group: int
    score: float
    seen: int = 0  # ties go to the article seen first


class Matches(Protocol):
    """One tier of a query's matches in the index's own order (best relevance first, or
    newest first for a query of filters alone)."""

    def top(self, k: int) -> list[Candidate]: ...

    def bound(self, last: Candidate) -> float:
        """The highest final score any match ranked after `last` can have."""
        ...


def recency(seen: int, newest: int) -> float:
    """1 + up to RECENCY_BOOST for articles first seen near the archive's newest one."""
    days = max(0.0, (newest - seen) / 86_400)
    return 1.0 + RECENCY_BOOST / (1.0 + days / RECENCY_DAYS)


def score_bound(last: Candidate) -> float:
    """For relevance order: nothing after `last` scores above its relevance, fully boosted."""
    return last.relevance * (1.0 + RECENCY_BOOST)


def _order(hit: Ranked) -> tuple[float, int, int]:
    """Best score first; among equal scores, the article seen first (then the smaller key)."""
    return (-hit.score, hit.seen, hit.key)


def collapse(
    matches: Matches, need: int, groups: Groups, newest: int, skip: set[int]
) -> tuple[list[Ranked], bool]:
    """The `need` best groups of one tier (all of them, and True, when the tier is exhausted),
    leaving out the groups in `skip`."""
    k = max(FIRST_FETCH, need * GROWTH)
    while True:
        candidates = matches.top(k)
        group_of = groups([c.key for c in candidates])
        best: dict[int, Ranked] = {}
        for c in candidates:
            group = group_of.get(c.key, c.key)
            if group in skip:
                continue
            hit = Ranked(c.key, group, c.relevance * recency(c.seen, newest), c.seen)
            held = best.get(group)
            if held is None or _order(hit) < _order(held):
                best[group] = hit
        ranked = sorted(best.values(), key=_order)
        if len(candidates) < k:
            return ranked, True
        if len(ranked) >= need and ranked[need - 1].score > matches.bound(candidates[-1]):
            return ranked[:need], False
        k *= GROWTH


def rank(
    tiers: Sequence[Matches], limit: int, offset: int, groups: Groups, newest: int, skip_group: int | None
) -> tuple[list[Ranked], int | None]:
    """One page of hits over the tiers, best first. Also returns the number of groups that
    matched when ranking had to see all of them (None otherwise)."""
    want = offset + limit
    found: list[Ranked] = []
    skip = {skip_group} if skip_group is not None else set()
    everything = True
    for matches in tiers:
        if len(found) >= want:  # the page is full: later tiers are not looked at
            everything = False
            break
        ranked, exhausted = collapse(matches, want - len(found), groups, newest, skip)
        found += ranked
        if not exhausted:
            everything = False
            break
        skip.update(r.group for r in ranked)
    return found[offset:want], (len(found) if everything else None)

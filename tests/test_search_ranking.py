"""Ranking over an index's top k: early stopping must give exactly what ranking every match gives."""

from __future__ import annotations

import random

import pytest

from marsad.search import ranking
from marsad.search.ranking import Candidate, Ranked, rank, recency, score_bound


class ListMatches:
    """A tier held as a list, in the order an index returns it (best relevance first)."""

    def __init__(self, candidates: list[Candidate]) -> None:
        self.candidates = sorted(candidates, key=lambda c: -c.relevance)
        self.fetched: list[int] = []

    def top(self, k: int) -> list[Candidate]:
        self.fetched.append(k)
        return self.candidates[:k]

    def bound(self, last: Candidate) -> float:
        return score_bound(last)


def brute_force(
    tiers: list[list[Candidate]], groups: dict[int, int], newest: int, skip: int | None
) -> list[Ranked]:
    """Every match scored, best per group, tier by tier, groups of earlier tiers left out."""
    out: list[Ranked] = []
    seen = {skip} if skip is not None else set()
    for tier in tiers:
        best: dict[int, Ranked] = {}
        for c in tier:
            group = groups.get(c.key, c.key)
            if group in seen:
                continue
            hit = Ranked(c.key, group, c.relevance * recency(c.seen, newest), c.seen)
            order = (-hit.score, hit.seen, hit.key)
            if group not in best or order < (-best[group].score, best[group].seen, best[group].key):
                best[group] = hit
        ranked = sorted(best.values(), key=lambda r: (-r.score, r.seen, r.key))
        out += ranked
        seen.update(r.group for r in ranked)
    return out


def test_recency_is_a_mild_boost_that_decays() -> None:
    day = 86_400
    assert recency(100 * day, 100 * day) == pytest.approx(1.1)
    assert recency(70 * day, 100 * day) == pytest.approx(1.05)  # a month older: half the boost
    assert 1.0 < recency(0, 3650 * day) < 1.001
    assert recency(200 * day, 100 * day) == pytest.approx(1.1)  # never above the maximum


@pytest.mark.parametrize("seed", range(30))
def test_early_stopping_equals_ranking_every_match(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(seed)
    monkeypatch.setattr(ranking, "FIRST_FETCH", rng.choice([1, 2, 5, 32]))
    monkeypatch.setattr(ranking, "GROWTH", rng.choice([2, 4]))
    newest = 1_000 * 86_400
    seqs = rng.sample(range(1, 5_000), rng.randint(0, 400))
    # many ties in relevance and big groups, so ties and collapse decide pages
    candidates = [
        Candidate(seq, rng.choice([1.0, 2.0, 2.5, rng.uniform(0.5, 9)]), rng.randint(900, 1_000) * 86_400)
        for seq in seqs
    ]
    groups = {seq: rng.choice(seqs[:20]) for seq in seqs if rng.random() < 0.5} if seqs else {}
    split = rng.randint(0, len(candidates))
    tiers = [candidates[:split], candidates[split:]]
    skip = rng.choice([None, *seqs[:3]])
    expected = brute_force(tiers, groups, newest, skip)

    def group_of(asked: list[int] | tuple[int, ...]) -> dict[int, int]:
        return {seq: groups[seq] for seq in asked if seq in groups}

    for limit, offset in [(1, 0), (3, 0), (10, 0), (10, 10), (5, 37), (100, 0)]:
        page, total = rank([ListMatches(t) for t in tiers], limit, offset, group_of, newest, skip)
        assert page == expected[offset : offset + limit], (limit, offset)
        if total is not None:  # ranking saw every group: the count is exact
            assert total == len(expected)


def test_a_full_first_tier_leaves_the_second_unread() -> None:
    first = ListMatches([Candidate(seq, 10.0 - seq / 100, 0) for seq in range(1, 50)])
    second = ListMatches([Candidate(seq, 99.0, 0) for seq in range(100, 110)])
    page, total = rank([first, second], 10, 0, lambda seqs: {}, 0, None)
    assert [r.key for r in page] == list(range(1, 11))  # a higher score in a later tier waits
    assert second.fetched == [] and total is None
    assert len(first.fetched) == 1  # the first fetch proved the page

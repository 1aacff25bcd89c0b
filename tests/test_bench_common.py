"""bench/common.py: what the benchmarks share (metrics, union-find, timing, the figure printer).

bench/ holds scripts, not a package: its folder goes on sys.path here, as it does when a script runs.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from common import TfIdf, best_of, clusters, mrr, percentile, print_table, require, success_at_1


def test_ranking_metrics() -> None:
    ranks = [1, 2, 0, 1]
    assert success_at_1(ranks) == 0.5
    assert mrr(ranks) == (1 + 0.5 + 0 + 1) / 4
    assert success_at_1([]) == mrr([]) == 0.0
    assert percentile([5.0, 1.0, 3.0, 2.0, 4.0], 0.5) == 3.0
    assert percentile([5.0, 1.0, 3.0, 2.0, 4.0], 0.95) == 5.0


def test_clusters_hold_every_index_once() -> None:
    groups = clusters([(0, 2), (2, 4), (5, 6)], 7)
    assert sorted(map(sorted, groups)) == [[0, 2, 4], [1], [3], [5, 6]]


def test_best_of_keeps_the_fastest_run_and_stops_at_a_failure() -> None:
    times = iter([3.0, 1.0, 2.0])
    assert best_of(3, lambda: next(times), seconds=lambda t: t) == (1.0, 1.0)
    failed = iter([2.0, -1.0, 0.5])
    assert best_of(3, lambda: next(failed), seconds=lambda t: t if t > 0 else None)[0] == -1.0
    result, took = best_of(2, lambda: "x")
    assert result == "x" and took >= 0


def test_print_table(capsys: pytest.CaptureFixture[str]) -> None:
    print_table([("name", "<6"), ("share", ">7.3f"), ("n", ">5,")], [("a", 0.5, 1200), ("b", None, 3)])
    assert capsys.readouterr().out.splitlines() == [
        "name     share     n",
        "a        0.500 1,200",
        "b            —     3",
    ]


def test_require_says_what_is_missing(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match=r"nowhere not found.*shared/data"):
        require(tmp_path / "nowhere")


def test_tfidf_cosine() -> None:
    model = TfIdf(
        ["وصول الطائرة الإغاثية الخامسة إلى عدن", "الطائرة الإغاثية الخامسة تصل عدن", "أسعار النفط"]
    )
    assert abs(model.cosine(0, 0) - 1.0) < 1e-9
    assert model.cosine(0, 2) == 0.0
    assert 0.0 < model.cosine(0, 1) < 1.0

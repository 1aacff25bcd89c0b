"""The near-duplicate evaluation harness: exact truth, scoring and the planted-copy generator
(bench/dedup_truth.py, bench/dedup_quality.py, and what they share from bench/common.py).

bench/ holds scripts, not a package: its folder goes on sys.path here, as it does when a script runs.
"""

from __future__ import annotations

import json
import random
import re
import sys
import zipfile
from itertools import combinations
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pytest

from marsad.text.normalize import normalize
from marsad.text.shingle import matching_tokens, shingles
from tests.conftest import shared_path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import dedup_quality as dq
from common import components, groups_to_pairs, prf, saudinewsnet_texts
from dedup_truth import cached_truth, exact_pairs, exact_pairs_of_sets

# ------------------------------------------------------------------------------- exact truth


def words(start: int, stop: int) -> list[str]:
    return [f"w{k}" for k in range(start, stop)]


def test_exact_pairs_on_hand_made_texts() -> None:
    base = words(0, 40)  # 36 shingles
    texts = [
        " ".join(base),  # 0
        " ".join(base),  # 1: identical
        " ".join([*base[:-1], "x"]),  # 2: last word changed: 35 of 37 shingles shared, J 0.95
        " ".join(base + words(100, 150)),  # 3: 0 inside a longer text: containment 1, J 0.42
        " ".join(words(200, 240)),  # 4: unrelated
        "",  # 5: no words, no shingles
        "w0 w1 w2",  # 6: short: one shingle of its three words
        "W0  w1\nw2",  # 7: the same short text (case and layout do not count)
    ]
    assert exact_pairs(texts) == {
        "near": {(0, 1), (0, 2), (1, 2), (6, 7)},
        "contained": {(0, 3), (1, 3), (2, 3)},
    }


def test_exact_pairs_compare_normalized_arabic() -> None:
    text = "قالت وزارة الصحة إن عدد الإصابات ارتفع إلى مئة وعشرين حالة في المنطقة الشرقية هذا الأسبوع"
    variant = "قالَت وزارَة الصحه ان عـدد الاصابات ارتفع الى مئة وعشرين حالة في المنطقة الشرقية هذا الأسبوع"
    assert exact_pairs([text, variant]) == {"near": {(0, 1)}, "contained": set()}


def u64(*ranges: range) -> np.ndarray:
    return np.unique(np.concatenate([np.arange(r.start, r.stop, dtype=np.uint64) for r in ranges]))


def test_thresholds_are_inclusive_and_exact() -> None:
    sets = [
        u64(range(0, 9)),  # 0
        u64(range(0, 8), range(9, 10)),  # 1: with 0, 8 shared of 10: J = 0.8 exactly → near
        u64(range(20, 30)),  # 2
        u64(range(20, 29), range(100, 120)),  # 3: with 2, 9 of 10 inside: containment 0.9 → contained
        u64(range(40, 48)),  # 4
        u64(range(40, 47), range(200, 202)),  # 5: with 4, J 7/10, containment 7/8: neither
    ]
    pairs, _ = exact_pairs_of_sets(sets)
    assert pairs == {"near": {(0, 1)}, "contained": {(2, 3)}}


def brute_force(sets: list[np.ndarray], jaccard: float = 0.8, containment: float = 0.9) -> dict[str, set]:
    out: dict[str, set] = {"near": set(), "contained": set()}
    python_sets = [set(s.tolist()) for s in sets]
    for i, j in combinations(range(len(sets)), 2):
        a, b = python_sets[i], python_sets[j]
        if not a or not b:
            continue
        inter = len(a & b)
        if inter / len(a | b) >= jaccard:
            out["near"].add((i, j))
        elif inter / min(len(a), len(b)) >= containment:
            out["contained"].add((i, j))
    return out


def synthetic_texts(seed: int) -> list[str]:
    """Texts with every hard case: copies, cuts, containment, a phrase common to most texts
    (frequent shingles) and short texts made only of that phrase (pairs that share nothing rare)."""
    rng = random.Random(seed)
    vocab = [f"v{k}" for k in range(400)]
    phrase = ["هذا", "نص", "ثابت", "يتكرر", "في", "أغلب", "الأخبار", "المنشورة", "على", "الموقع"]
    texts: list[str] = []
    for _ in range(40):
        body = [rng.choice(vocab) for _ in range(rng.randint(10, 80))]
        if rng.random() < 0.7:
            body = phrase + body
        texts.append(" ".join(body))
        roll = rng.random()
        if roll < 0.3:  # near copy: one word changed
            body[rng.randrange(len(body))] = "changed"
        elif roll < 0.6:  # cut copy
            body = body[: max(5, int(len(body) * rng.uniform(0.6, 0.95)))]
        elif roll < 0.8:  # extended copy
            body = body + [rng.choice(vocab) for _ in range(rng.randint(1, 30))]
        texts.append(" ".join(body))
    texts += [" ".join(phrase[:6]), " ".join(phrase), " ".join(phrase[2:9]), "", "v1 v2"]
    rng.shuffle(texts)
    return texts


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_candidate_generation_is_complete_whatever_the_cap(seed: int) -> None:
    sets = [shingles(t) for t in synthetic_texts(seed)]
    expected = brute_force(sets)
    assert expected["near"] and expected["contained"]
    for cap in (None, 200, 10, 3, 2, 1):
        pairs, stats = exact_pairs_of_sets(sets, max_df=cap)
        assert pairs == expected, f"max_df={cap}"
        if cap is not None and cap <= 3:
            assert stats.risky_docs > 0  # the complete route really ran
    low, _ = exact_pairs_of_sets(sets, jaccard=0.3, containment=0.5, max_df=2)
    assert low == brute_force(sets, 0.3, 0.5)


def test_score_and_pairs_helpers() -> None:
    assert prf({(0, 1), (1, 2)}, {(0, 1), (2, 3)}) == (0.5, 0.5, 0.5)
    assert prf(set(), {(0, 1)}) == (1.0, 0.0, 0.0)
    assert prf({(0, 1)}, set()) == (0.0, 1.0, 0.0)
    assert prf({(0, 1)}, {(0, 1)}) == (1.0, 1.0, 1.0)
    assert groups_to_pairs([[3, 1, 2], [5], [7, 6, 7]]) == {(1, 2), (1, 3), (2, 3), (6, 7)}
    labels = components({(0, 2), (2, 4), (5, 6)}, 7)
    assert labels[0] == labels[2] == labels[4] != labels[1]
    assert labels[5] == labels[6] != labels[3]


def test_cache_round_trip(tmp_path: Path) -> None:
    texts = synthetic_texts(4)
    computed = cached_truth(texts, cache_dir=tmp_path)
    assert computed.stats is not None
    read = cached_truth(texts, cache_dir=tmp_path)
    assert read.stats is None and read.pairs == computed.pairs
    assert read.sizes.tolist() == [shingles(t).size for t in texts]
    other = cached_truth(texts, jaccard=0.7, cache_dir=tmp_path)  # another key
    assert other.stats is not None and len(list(tmp_path.glob("truth-*.npz"))) == 2


def test_load_corpus_keeps_ids_stable(tmp_path: Path) -> None:
    records = [
        {"url": "http://a/1", "content": "نص أول"},
        {"url": "", "content": "نص بلا رابط"},
        {"url": "http://a/3", "content": "  \n "},
        {"content": "نص رابع"},
    ]
    with zipfile.ZipFile(tmp_path / "2015-01-01.zip", "w") as archive:
        archive.writestr("2015-01-01.json", json.dumps(records, ensure_ascii=False))
    assert saudinewsnet_texts(tmp_path) == [
        ("http://a/1", "نص أول"),
        ("2015-01-01.zip#1", "نص بلا رابط"),
        ("2015-01-01.zip#3", "نص رابع"),
    ]


# --------------------------------------------------------------------------- planted copies


@pytest.fixture(scope="module")
def day() -> tuple[list[str], list[str]]:
    """One day of SaudiNewsNet: texts and titles."""
    path = shared_path("data", "saudinewsnet", "2015-07-21.zip")
    with zipfile.ZipFile(path) as archive:
        records = json.loads(archive.read(archive.namelist()[0]))
    texts = [r["content"] for r in records if r["content"].strip()]
    return texts, [r["title"] for r in records if r["title"]]


def anchors_for(kind: str, texts: list[str], count: int = 25) -> list[str]:
    chosen: list[str] = []
    for text in texts:
        if len(chosen) == count:
            break
        if dq.eligible(kind, text) and dq.word_count(text) >= dq.MIN_ANCHOR_WORDS:
            chosen.append(text)
    return chosen


def arabic_words(text: str) -> list[str]:
    return dq.ARABIC_WORD.findall(text)


def test_each_edit_changes_the_text_the_way_it_says(day: tuple[list[str], list[str]]) -> None:
    texts, titles = day
    rng = random.Random(7)
    material = dq.gather_material(texts, titles, random.Random(8))
    marks = re.compile("[\u064b-\u0652]")
    touched: dict[str, list[int]] = {"tashkeel": [0, 0], "tatweel": [0, 0]}  # words changed, words
    for kind in dq.PLANTED_KINDS:
        for n, anchor in enumerate(anchors_for(kind, texts)):
            copy = dq.make_copy(kind, anchor, rng, material, n)
            assert (copy == anchor) == (kind == "exact"), kind
            if kind == "tashkeel":
                assert marks.sub("", copy) == marks.sub("", anchor)
                touched[kind][0] += sum(1 for w in re.findall(r"\S+", copy) if marks.search(w))
                touched[kind][1] += len(re.findall(r"\S+", copy))
                assert matching_tokens(copy) == matching_tokens(anchor)
            elif kind == "spelling":
                assert len(copy) == len(anchor)
                changes = {(a, b) for a, b in zip(anchor, copy, strict=True) if a != b}
                assert changes <= {
                    ("ى", "ي"), ("ي", "ى"), ("ة", "ه"), ("ه", "ة"),
                    ("أ", "ا"), ("إ", "ا"), ("آ", "ا"), ("ا", "أ"), ("ا", "إ"),
                }  # fmt: skip
                assert len(changes) >= 3
                assert normalize(copy) == normalize(anchor)
            elif kind == "tatweel":
                assert copy.replace("\u0640", "") == anchor.replace("\u0640", "")
                touched[kind][0] += sum("\u0640" in w for w in re.findall(r"\S+", copy))
                touched[kind][1] += len(re.findall(r"\S+", copy))
                assert matching_tokens(copy) == matching_tokens(anchor)
            elif kind == "digits":
                assert not re.search("[0-9]", copy) and re.search("[٠-٩]", copy)
                assert copy.translate(str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")) == anchor
                assert matching_tokens(copy) == matching_tokens(anchor)
            elif kind == "boilerplate":
                assert anchor.strip() in copy and "مقالات مشابهة" in copy and "المصدر:" in copy
                assert dq.word_count(copy) >= dq.word_count(anchor) + 60
            elif kind == "sentence":
                a, c = matching_tokens(anchor), matching_tokens(copy)
                shorter, longer = (c, a) if n % 2 == 0 else (a, c)
                assert len(longer) - len(shorter) >= (1 if n % 2 == 0 else 8)
                # one contiguous block removed: a common prefix and suffix cover the shorter text
                pairs = enumerate(zip(shorter, longer, strict=False))
                prefix = next((k for k, (x, y) in pairs if x != y), len(shorter))
                suffix = len(shorter) - prefix
                assert (
                    longer[:prefix] == shorter[:prefix] and longer[len(longer) - suffix :] == shorter[prefix:]
                )
            elif kind == "truncate":
                assert anchor.startswith(copy)
                assert abs(len(copy.split()) - 0.8 * len(anchor.split())) <= 1
            elif kind == "dateline":
                assert copy.endswith(anchor.lstrip()) and re.match(r"^[^\n]+ - واس: ", copy)
            elif kind == "edits6":
                old, new = arabic_words(anchor), arabic_words(copy)
                assert len(old) == len(new)
                changed = sum(x != y for x, y in zip(old, new, strict=True))
                assert changed == max(1, round(0.06 * len(old)))
    # Arabic-letter words are most of the white-space tokens: about 30% and 20% of words touched
    assert 0.2 < touched["tashkeel"][0] / touched["tashkeel"][1] < 0.35
    assert 0.12 < touched["tatweel"][0] / touched["tatweel"][1] < 0.25


class _Link(NamedTuple):
    a: int
    b: int
    kind: str
    score: float


def _exact_jaccard_standin(texts: list[str]) -> list[_Link]:
    """A stand-in detector for testing the harness only: the exact truth itself."""
    return [_Link(a, b, kind, 1.0) for kind, pairs in exact_pairs(texts).items() for a, b in pairs]


@pytest.mark.slow
def test_planted_set_and_harness(day: tuple[list[str], list[str]]) -> None:
    texts, titles = day
    planted = dq.plant(texts, titles, per_kind=10, trap_size=30)
    again = dq.plant(texts, titles, per_kind=10, trap_size=30)
    assert planted.texts == again.texts and planted.planted == again.planted  # fixed seed
    assert len(planted.texts) == 10 * 2 * 10 + 30
    members = [i for pairs in planted.planted.values() for pair in pairs for i in pair] + planted.trap
    assert sorted(members) == list(range(len(planted.texts)))  # each text in exactly one role
    head, foot = dq.template(titles)
    assert 190 <= dq.word_count(head + foot) <= 230
    for t in planted.trap:
        body = planted.texts[t][len(head) : len(planted.texts[t]) - len(foot)]
        assert planted.texts[t].startswith(head) and planted.texts[t].endswith(foot)
        assert 20 <= len(body.split()) <= 40

    detect = lambda texts: dq.pairs_by_kind(_exact_jaccard_standin(texts))  # noqa: E731
    report = dq.evaluate_planted(detect, planted)
    rows = report["kinds"]
    for kind in ("exact", "tashkeel", "spelling", "tatweel", "digits", "dateline", "boilerplate", "truncate"):
        assert rows[kind]["found"] == 10, kind  # near or contained on normalized shingles
    assert rows["exact"]["median_jaccard"] == 1.0
    # On shingles alone, templated articles look alike: a lenient threshold merges them all.
    assert 0.6 < report["trap"]["median_jaccard"] < 0.85
    lenient = lambda texts: {k: v for k, v in exact_pairs(texts, jaccard=0.6).items()}  # noqa: E731
    assert dq.evaluate_planted(lenient, planted)["trap"]["merged"] == 30
    assert report["false_links"] == 0  # anchors are unrelated to one another

    truth = cached_truth(planted.texts, cache_dir=None)
    corpus = dq.evaluate_corpus(detect, planted.texts, truth)
    assert corpus["rows"]["near"]["f1"] == 1.0 and corpus["rows"]["any duplicate"]["f1"] == 1.0
    half = lambda texts: {k: set(sorted(v)[::2]) for k, v in detect(texts).items()}  # noqa: E731
    assert dq.evaluate_corpus(half, planted.texts, truth)["rows"]["near"]["precision"] == 1.0
    assert dq.evaluate_corpus(half, planted.texts, truth)["rows"]["near"]["recall"] < 0.6

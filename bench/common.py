"""What every benchmark shares: the corpora, pair and ranking metrics, union-find, a TF-IDF cosine,
timing, memory, logging and printing figures.

bench/ holds scripts, not a package: a script's own folder is on sys.path when it runs, so
``from common import ...`` finds this module (tests put bench/ on sys.path themselves). Only the
standard library loads with it (psutil, NumPy and Marsad when a function needs them), so a stdlib-only
script (wire_sample.py) stays one.

The corpora are read from ../shared/data beside the repository (../shared/data/SOURCES.md);
when a file is missing the script stops and says which, and how to point it elsewhere.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import json
import math
import re
import shutil
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
Pair = tuple[int, int]

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
SHARED_DATA = ROOT.parent / "shared" / "data"
SAUDINEWSNET = SHARED_DATA / "saudinewsnet"
ANT = SHARED_DATA / "ant" / "ant_v2_1.jsonl.gz"
ANERCORP = SHARED_DATA / "anercorp" / "ANERCorp.txt"
VECTORS = SHARED_DATA / "vectors"
CACHE = BENCH / ".cache"  # ingested archives, exact truths, vectors: rebuilt at will
SEED = 20150721  # SaudiNewsNet's first day: the seed of every sample the benchmarks draw


# ------------------------------------------------------------------------ Arabic letters and marks
# What the copy and query generators rewrite with (dedup_quality.py, search_variants.py).

ARABIC_WORD = re.compile(r"[\u0621-\u063a\u0641-\u064a]+")  # letters only: no tatweel, no marks
HARAKAT = ("\u064e", "\u064f", "\u0650", "\u0652")  # fatha, damma, kasra, sukun
SHADDA = "\u0651"
TANWEEN = ("\u064b", "\u064c", "\u064d")  # fathatan, dammatan, kasratan
TATWEEL = "\u0640"
NON_JOINING = frozenset("اأإآدذرزوؤةءى")  # letters that never join the next one
MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")  # tashkeel, tatweel


# ------------------------------------------------------------------------------------ corpora


def require(path: Path) -> Path:
    """`path`, or exit saying it is missing and where the benchmarks look for the corpora."""
    if not path.exists():
        sys.exit(
            f"{path} not found: the benchmarks read the real corpora from ../shared/data beside the "
            "repository (see ../shared/data/SOURCES.md); --data, where a script has it, points elsewhere"
        )
    return path


def saudinewsnet_zips(folder: Path = SAUDINEWSNET) -> list[Path]:
    """SaudiNewsNet's day files in name (date) order; exit when there are none."""
    files = sorted(require(Path(folder)).glob("*.zip"))
    if not files:
        sys.exit(f"no SaudiNewsNet ZIP files under {folder} (see ../shared/data/SOURCES.md)")
    return files


def day_records(path: Path) -> list[dict[str, Any]]:
    """The records of one SaudiNewsNet day file (one JSON array), in array order."""
    with zipfile.ZipFile(path) as archive:
        name = next(n for n in sorted(archive.namelist()) if n.endswith(".json"))
        records: list[dict[str, Any]] = json.loads(archive.read(name))
    return records


def saudinewsnet_records(folder: Path = SAUDINEWSNET) -> Iterator[tuple[Path, int, dict[str, Any]]]:
    """(day file, index in its array, record) of every SaudiNewsNet record, in file order."""
    for path in saudinewsnet_zips(folder):
        for index, record in enumerate(day_records(path)):
            yield path, index, record


def saudinewsnet_texts(folder: Path = SAUDINEWSNET) -> list[tuple[str, str]]:
    """(stable id, content) of every SaudiNewsNet article with non-empty content.

    The id is the record's url, or "<zip name>#<index in its array>" when it has none; files in
    name order and records in array order, so the list order is stable too.
    """
    return [
        (record.get("url") or f"{path.name}#{index}", record["content"])
        for path, index, record in saudinewsnet_records(folder)
        if (record.get("content") or "").strip()
    ]


def saudinewsnet_titles(folder: Path = SAUDINEWSNET) -> list[str]:
    """Every non-empty SaudiNewsNet title (stripped), in file order."""
    titles = ((record.get("title") or "").strip() for _, _, record in saudinewsnet_records(folder))
    return [title for title in titles if title]


def ant_records(path: Path = ANT) -> Iterator[tuple[int, dict[str, Any]]]:
    """(0-based line number, record) of every ANT record."""
    with gzip.open(require(path), "rt", encoding="utf-8") as lines:
        for number, line in enumerate(lines):
            yield number, json.loads(line)


def saudinewsnet_key(path: Path, index: int) -> str:
    """A record's stable key, "saudinewsnet/2015-07-21.zip#12": its day file and its index in the
    day's array (the form tests/conftest.py's `shared_record` resolves)."""
    return f"{SAUDINEWSNET.name}/{Path(path).name}#{index}"


def plain_title(record: dict[str, Any]) -> str:
    """A record's title as Marsad reads it (HTML entities decoded), white space folded to single
    spaces: what the labelled pair files (tests/data/story_pairs.tsv) keep beside each key."""
    from marsad.read.records import unescape_entities

    return " ".join(unescape_entities(record.get("title") or "").split())


# ------------------------------------------------------------------------------------ archives


def marsad_source_key() -> str:
    """A hash of Marsad's source (code, migrations, word lists): what an ingest depends on."""
    digest = hashlib.blake2b(digest_size=8)
    spec = importlib.util.find_spec("marsad")
    package = Path(spec.origin).parent if spec and spec.origin else ROOT / "src" / "marsad"
    for source in sorted(package.rglob("*")):
        if source.is_file() and "__pycache__" not in source.parts:
            digest.update(str(source.relative_to(package)).encode())
            digest.update(source.read_bytes())
    return digest.hexdigest()


def _drop_archive(path: Path) -> None:
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}.lock")):
        leftover.unlink(missing_ok=True)
    shutil.rmtree(Path(f"{path}.search"), ignore_errors=True)


def ingested_saudinewsnet(folder: Path = SAUDINEWSNET) -> tuple[Path, float, bool]:
    """All of SaudiNewsNet as `marsad ingest` makes it (exact and near duplicates, the search
    index beside the file), cached in bench/.cache keyed by the input files' names, sizes and
    times and by Marsad's source. Returns (path, seconds, read from the cache)."""
    files = saudinewsnet_zips(folder)
    digest = hashlib.blake2b(digest_size=8)
    for path in files:
        stat = path.stat()
        digest.update(f"{path.name}|{stat.st_size}|{stat.st_mtime_ns}|".encode())
    digest.update(marsad_source_key().encode())
    path = CACHE / f"saudinewsnet-{digest.hexdigest()}.db"
    started = time.perf_counter()
    if path.exists():
        return path, time.perf_counter() - started, True
    CACHE.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.stem + ".partial.db")
    _drop_archive(partial)
    log(f"ingesting {folder} ({len(files)} ZIP files) with `marsad ingest` into {path.name} …")
    command = [sys.executable, "-m", "marsad", "ingest", str(folder), "--db", str(partial), "--no-stories"]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 3):  # 3: some records quarantined (SaudiNewsNet has empty ones)
        _drop_archive(partial)
        sys.exit(f"marsad ingest failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    from marsad.store.sqlite import SqliteStore

    with SqliteStore(partial) as store:  # one self-contained file, to be copied
        store.checkpoint()
    for stale in CACHE.glob("saudinewsnet-*"):  # earlier inputs or code: 300 MB each
        if stale.is_dir() and not stale.name.startswith(partial.name):
            shutil.rmtree(stale)
        elif not stale.name.startswith(partial.name):
            stale.unlink()
    Path(f"{partial}.search").rename(Path(f"{path}.search"))
    partial.rename(path)
    Path(f"{partial}.lock").unlink(missing_ok=True)  # the writer's lock `marsad ingest` left
    return path, time.perf_counter() - started, False


def stored_groups(store: Any) -> tuple[list[Any], list[int], dict[int, list[int]]]:
    """A store's articles in arrival order, the duplicate group of each (the index of its group's
    anchor: the groups search folds hits by), and each group's members (indexes)."""
    records = list(store.articles())
    index = {record.article_id: k for k, record in enumerate(records)}
    anchors = store.group_anchors()
    labels = [index[anchors.get(record.article_id, record.article_id)] for record in records]
    members: dict[int, list[int]] = {}
    for k, label in enumerate(labels):
        members.setdefault(label, []).append(k)
    return records, labels, members


def marsad_version() -> str:
    """Which Marsad runs: `git describe --always --dirty` of this tree (the working tree is what
    runs), or where the package was imported from when it is not this tree's."""
    spec = importlib.util.find_spec("marsad")
    package = Path(spec.origin).parent if spec and spec.origin else None
    if package is None or not package.is_relative_to(ROOT):
        return f"from {package}"
    done = subprocess.run(
        ["git", "-C", str(ROOT), "describe", "--always", "--dirty"], capture_output=True, text=True
    )
    return f"git {done.stdout.strip() or 'unknown'}"


# ------------------------------------------------------------------------------ pair metrics


def prf(predicted: set[Any], truth: set[Any]) -> tuple[float, float, float]:
    """(precision, recall, F1) of predicted items (pairs, (record, label) pairs) against the true
    ones. An empty prediction has precision 1; an empty truth has recall 1."""
    hits = len(predicted & truth)
    precision = hits / len(predicted) if predicted else 1.0
    recall = hits / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def groups_to_pairs(groups: Iterable[Iterable[int]]) -> set[Pair]:
    """Every pair (i < j) inside each group: a clustering turned into pairs."""
    out: set[Pair] = set()
    for group in groups:
        members = sorted(set(group))
        out.update((a, b) for k, a in enumerate(members) for b in members[k + 1 :])
    return out


def components(pairs: Iterable[Pair], n: int) -> list[int]:
    """Connected-component label of every index 0..n-1 (union-find), its smallest member."""
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return [find(x) for x in range(n)]


def clusters(pairs: Iterable[Pair], n: int) -> list[list[int]]:
    """The connected components of 0..n-1 as lists of indices (singletons included)."""
    out: dict[int, list[int]] = {}
    for index, label in enumerate(components(pairs, n)):
        out.setdefault(label, []).append(index)
    return list(out.values())


# ------------------------------------------------------------------------------ TF-IDF cosine
# The plain lexical baseline the story clustering is weighed against (bench/stories_eval.py) and
# the similarity the labelled story pairs were stratified by (tools/story_pairs_candidates.py).


class TfIdf:
    """TF-IDF vectors of a whole corpus (for the story pairs: each record's title and body,
    `story_text`): the terms of Marsad's search analyzer (normalized, stopwords out, light
    stems), sublinear term frequency
    1 + ln(tf), smoothed idf ln((1 + n) / (1 + df)) + 1 (scikit-learn's), unit length. A vector is
    (sorted term ids, weights); the cosine of two is the dot product over their shared terms."""

    def __init__(self, texts: Sequence[str]) -> None:
        import numpy as np

        from marsad.search.analyzer import default_analyzer

        analyzer = default_analyzer()
        vocabulary: dict[str, int] = {}
        counted: list[tuple[Any, Any]] = []
        for text in texts:
            ids = np.fromiter(
                (vocabulary.setdefault(term, len(vocabulary)) for term in analyzer.terms(text)), np.int64
            )
            terms, counts = np.unique(ids, return_counts=True)
            counted.append((terms, counts))
        df = np.zeros(len(vocabulary), np.int64)
        for terms, _ in counted:
            df[terms] += 1
        self.idf = np.log((1 + len(counted)) / (1 + df)) + 1
        self.vocabulary = vocabulary
        self.vectors: list[tuple[Any, Any]] = []
        for terms, counts in counted:
            weights = (1 + np.log(counts)) * self.idf[terms]
            norm = float(np.sqrt((weights**2).sum())) or 1.0
            self.vectors.append((terms, weights / norm))

    def cosine(self, a: int, b: int) -> float:
        """The cosine of texts a and b (indexes in the corpus)."""
        import numpy as np

        (ta, wa), (tb, wb) = self.vectors[a], self.vectors[b]
        _, ia, ib = np.intersect1d(ta, tb, assume_unique=True, return_indices=True)
        return float((wa[ia] * wb[ib]).sum())


def story_text(record: dict[str, Any]) -> str:
    """What the TF-IDF baseline compares of a SaudiNewsNet record: its title and its body."""
    return f"{record.get('title') or ''}\n{record.get('content') or ''}"


def saudinewsnet_tfidf(folder: Path = SAUDINEWSNET) -> tuple[dict[str, int], TfIdf]:
    """TF-IDF over every SaudiNewsNet record with a body (idf from all of them): record key →
    index in the model, and the model."""
    keys: dict[str, int] = {}
    texts: list[str] = []
    for path, index, record in saudinewsnet_records(folder):
        if (record.get("content") or "").strip():
            keys[saudinewsnet_key(path, index)] = len(texts)
            texts.append(story_text(record))
    return keys, TfIdf(texts)


# --------------------------------------------------------------------------- ranking metrics


def success_at_1(ranks: Sequence[int]) -> float:
    """Share of queries whose first hit is right (ranks: 1.., 0 for not found)."""
    return sum(rank == 1 for rank in ranks) / len(ranks) if ranks else 0.0


def mrr(ranks: Sequence[int]) -> float:
    """Mean reciprocal rank (ranks: 1.., 0 for not found within the cut-off)."""
    return sum(1 / rank for rank in ranks if rank) / len(ranks) if ranks else 0.0


def percentile(values: Sequence[float], share: float) -> float:
    """The value at `share` of the sorted values (nearest rank, no interpolation)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * (len(ordered) - 1) + 0.5))] if ordered else math.nan


# ------------------------------------------------------------------------------------- timing


def timed(run: Callable[[], T]) -> tuple[T, float]:
    """(result, wall seconds) of one call."""
    started = time.perf_counter()
    result = run()
    return result, time.perf_counter() - started


def best_of(
    repeat: int, run: Callable[[], T], seconds: Callable[[T], float | None] | None = None
) -> tuple[T, float]:
    """The fastest of `repeat` runs and its seconds: other jobs on a shared machine only ever slow
    a run down, so the minimum is the least noisy figure. `seconds` reads a run's time from its
    result (None: the run failed, and is returned at once); without it each call is timed."""
    best: tuple[T, float] | None = None
    for _ in range(max(1, repeat)):
        if seconds is None:
            result, took = timed(run)
        else:
            result = run()
            measured = seconds(result)
            if measured is None:
                return result, math.nan
            took = measured
        if best is None or took < best[1]:
            best = (result, took)
    assert best is not None
    return best


# ------------------------------------------------------------------------------------- memory


class PeakMemory:
    """Peak RSS and PSS, each summed over a process and all its descendants, sampled every
    `interval` seconds by a thread; and the CPU seconds of every process seen (its last sample).

    Forked workers share pages with their parent, so summed RSS counts those twice; PSS divides
    the shared pages among the processes, and its sum is the real footprint.
    """

    def __init__(self, pid: int | None = None, interval: float = 0.05) -> None:
        import psutil

        self.peak_rss = 0
        self.peak_pss = 0
        self.cpu: dict[int, float] = {}
        self._psutil = psutil
        self._root = psutil.Process(pid)
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        error = self._psutil.Error
        while not self._stop.is_set():
            rss = pss = 0
            try:
                procs = [self._root, *self._root.children(recursive=True)]
            except error:
                procs = []
            for proc in procs:
                try:
                    info = proc.memory_full_info()
                    times = proc.cpu_times()
                except error:
                    continue
                rss += info.rss
                pss += getattr(info, "pss", info.rss)
                self.cpu[proc.pid] = times.user + times.system
            self.peak_rss, self.peak_pss = max(self.peak_rss, rss), max(self.peak_pss, pss)
            self._stop.wait(self._interval)

    def stop(self) -> PeakMemory:
        self._stop.set()
        self._thread.join()
        return self

    @property
    def rss_mb(self) -> float:
        return self.peak_rss / 2**20

    @property
    def pss_mb(self) -> float:
        return self.peak_pss / 2**20


# ------------------------------------------------------------------------- logging and figures

_STARTED = time.perf_counter()


def log(message: str) -> None:
    """Progress on stderr, with the seconds since the script started (figures go to stdout)."""
    print(f"[{time.perf_counter() - _STARTED:5.0f} s] {message}", file=sys.stderr, flush=True)


_WIDTH = re.compile(r"^(?:.?[<>^=])?\d*")


def print_table(
    columns: Sequence[tuple[str, str]], rows: Iterable[Sequence[Any]], rule: bool = False, indent: str = ""
) -> None:
    """A header and one line per row. Each column is (title, format spec of its values: '<28',
    '>9.3f', '>8,'); the title takes the spec's alignment and width; None prints as '—'."""
    heads = [_WIDTH.match(spec).group() for _, spec in columns]  # type: ignore[union-attr]
    header = indent + " ".join(f"{title:{head}}" for (title, _), head in zip(columns, heads, strict=True))
    print(header)
    if rule:
        print(indent + "-" * (len(header) - len(indent)))
    for row in rows:
        cells = (
            f"{'—':{head}}" if value is None else f"{value:{spec}}"
            for value, (_, spec), head in zip(row, columns, heads, strict=True)
        )
        print(indent + " ".join(cells))


def _plain(value: Any) -> Any:
    if isinstance(value, set | frozenset):
        return sorted(value)
    if isinstance(value, Path):
        return str(value)
    if hasattr(value, "tolist"):  # NumPy scalars and arrays
        return value.tolist()
    raise TypeError(f"not JSON: {type(value).__name__}")


def write_json(path: Path | None, report: Any) -> None:
    """The figures as JSON (`--json FILE`), when a path is given."""
    if path is not None:
        path.write_text(json.dumps(report, ensure_ascii=False, indent=1, default=_plain), "utf-8")

"""Draw the candidate record pairs of the story evaluation set (tests/data/story_pairs.tsv, how it
was made: tests/data/story_pairs.md). A person then reads every pair and labels it "same" story or
"not"; nothing here decides a label.

A pair is two SaudiNewsNet records (title, outlet, day file, body), keyed
``saudinewsnet/<zip name>#<index in the day's JSON array>``. Records without a body, with a title
or a body too short to judge (`MIN_TITLE`, `MIN_BODY`), are left out, and so are two records of
the same URL (one page crawled twice).

Similarity is the TF-IDF cosine of bench/common.py (`TfIdf`: title and body, Marsad's search
analyzer, idf over all 30,676 records with a body): the baseline the story clustering is compared
with. The pool of pairs to draw from, with day files at most `MAX_DAYS` apart:

- pairs sharing at least two of their ten highest-weighted body terms, and
- pairs whose titles share at least two terms rarer than idf `TITLE_IDF` (title terms are what a
  reader matches stories by when the bodies are worded apart),

each with its body cosine and its title cosine (idf-weighted title terms, unit length). The
draw, in this order, from that pool (`STRATA`), is stratified by body cosine so that no cosine
threshold can sort the set (same-story pairs at low cosine, different events at high cosine):

- ``near-copy``: cosine ≥ 0.85, day files ≤ 2 apart: copies of one (wire) item;
- ``positive``: two outlets, day files ≤ 2 apart, title cosine ≥ 0.4 (likely the same story told
  in other words), in five body-cosine bins from 0.05 to 0.85;
- ``hard-negative``: same topic, likely another event: (a) one outlet, day files 1–10 apart,
  similar titles (a recurring report: the market's close, a relief flight, an execution);
  (b) two outlets, day files 3–10 apart, similar titles; (c) day files ≤ 2 apart, bodies alike
  (cosine 0.3–0.65) but titles not (title cosine < 0.25); each in body-cosine bins;
- ``easy-negative``: two outlets' records of the same day file, at random;
- stage 2 (`SUPPLEMENT`, own seed, appended after stage 1 had been read, which it leaves unchanged):
  more ``positive`` pairs worded apart: near-identical titles, bodies at cosine 0.05–0.35.

Every record appears in at most one pair, and at most `PER_TERM` pairs share their most salient
common term (the shared term with the largest weight product), so that one big story (the Asir
mosque bombing, the Suez canal opening) does not fill the set. Draws are seeded (`SEED` of
bench/common.py) and walk sorted lists, so the same data gives the same pairs.

    uv run python tools/story_pairs_candidates.py --out FILE        # the candidates (TSV)
    uv run python tools/story_pairs_candidates.py --out FILE --show 1-20   # print pairs to read
    uv run python tools/story_pairs_candidates.py --out FILE --labels LABELS --write PAIRS_TSV
                     # LABELS: "number<TAB>same|not|unclear<TAB>reason" per candidate; unclear is dropped
"""

from __future__ import annotations

import argparse
import csv
import itertools
import random
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from common import (
    SAUDINEWSNET,
    SEED,
    TfIdf,
    log,
    plain_title,
    saudinewsnet_key,
    saudinewsnet_records,
    story_text,
)

MIN_TITLE = 8  # characters
MIN_BODY = 150  # characters: a shorter body is too little to tell two events apart
MAX_DAYS = 10  # day files at most this far apart
TOP_TERMS = 10  # a record's highest-weighted body terms, by which the pool pairs records
TITLE_IDF = 3.0  # title terms at least this rare pair records too
MAX_POSTING = 2000  # a term shared by more records than this pairs none (too common to tell)
PER_TERM = 4  # pairs drawn that share one most salient common term
COLUMNS: tuple[str, ...] = (
    "key_a",
    "key_b",
    "kind",
    "stratum",
    "cosine",
    "title_cosine",
    "days",
    "outlet_a",
    "outlet_b",
)
COLUMNS += ("title_a", "title_b")
# Tab-separated, nothing quoted: titles hold no tabs or line breaks (white space is folded).
TSV: dict[str, Any] = {
    "delimiter": "\t",
    "quoting": csv.QUOTE_NONE,
    "quotechar": None,
    "lineterminator": "\n",
}


@dataclass(frozen=True)
class Stratum:
    """One cell of the draw: its kind, a name, how many pairs, and which pool pairs qualify."""

    kind: str
    name: str
    count: int
    cosine: tuple[float, float]  # body cosine, [low, high)
    title: tuple[float, float] = (0.0, 2.0)  # title cosine, [low, high)
    days: tuple[int, int] = (0, 2)  # day files apart, both ends included
    outlets: str = "two"  # "two", "one" or "any"


def _bins(
    kind: str, name: str, edges: tuple[float, ...], counts: tuple[int, ...], **rest: Any
) -> list[Stratum]:
    return [
        Stratum(kind, f"{name} {low:.2f}–{high:.2f}", count, (low, high), **rest)
        for (low, high), count in zip(itertools.pairwise(edges), counts, strict=True)
    ]


STRATA: list[Stratum] = [
    Stratum("near-copy", "near-copy", 30, (0.85, 2.0), outlets="any"),
    *_bins(
        "positive", "positive", (0.05, 0.2, 0.35, 0.5, 0.65, 0.85), (40, 50, 50, 40, 30), title=(0.4, 2.0)
    ),
    *_bins(
        "hard-negative",
        "one outlet",
        (0.25, 0.45, 0.65, 0.85),
        (12, 12, 11),
        title=(0.25, 2.0),
        days=(1, 10),
        outlets="one",
    ),
    *_bins(
        "hard-negative", "days apart", (0.3, 0.5, 0.7, 0.85), (12, 12, 8), title=(0.25, 2.0), days=(3, 10)
    ),
    *_bins("hard-negative", "titles apart", (0.3, 0.45, 0.65), (10, 8), title=(0.0, 0.25), outlets="any"),
]
EASY = 25  # easy negatives: two outlets, one day file, at random
# Stage 2: stage 1 (the 350 above) held few same-story pairs below cosine 0.35 (10 of 338), the
# pairs worded furthest apart; more two-outlet pairs of near-identical titles (title cosine ≥ 0.55)
# and dissimilar bodies, day files at most one apart, drawn after stage 1 was read.
SUPPLEMENT: list[Stratum] = _bins(
    "positive", "low-cosine supplement", (0.05, 0.2, 0.35), (20, 30), title=(0.55, 2.0), days=(0, 1)
)


@dataclass
class Corpus:
    keys: list[str]
    records: list[dict[str, Any]]
    titles: list[str]
    outlets: list[str]
    days: list[int]  # the day file's date as an ordinal
    eligible: list[bool]
    model: TfIdf
    title_vectors: list[tuple[Any, Any]]


def load(folder: Path) -> Corpus:
    import numpy as np

    from marsad.search.analyzer import default_analyzer

    keys, records = [], []
    for path, index, record in saudinewsnet_records(folder):
        if (record.get("content") or "").strip():
            keys.append(saudinewsnet_key(path, index))
            records.append(record)
    log(f"TF-IDF over {len(records):,} records …")
    model = TfIdf([story_text(record) for record in records])
    titles = [plain_title(record) for record in records]
    analyzer = default_analyzer()
    title_vectors = []
    for title in titles:
        ids = np.array(sorted({model.vocabulary[t] for t in analyzer.terms(title) if t in model.vocabulary}))
        weights = model.idf[ids] if len(ids) else np.zeros(0)
        title_vectors.append((ids.astype(np.int64), weights / (float(np.sqrt((weights**2).sum())) or 1.0)))
    return Corpus(
        keys=keys,
        records=records,
        titles=titles,
        outlets=[record.get("source") or "" for record in records],
        days=[date.fromisoformat(key.split("/")[1][:10]).toordinal() for key in keys],
        eligible=[
            len(title) >= MIN_TITLE and len(record["content"].strip()) >= MIN_BODY
            for title, record in zip(titles, records, strict=True)
        ],
        model=model,
        title_vectors=title_vectors,
    )


def _dot(a: tuple[Any, Any], b: tuple[Any, Any]) -> float:
    import numpy as np

    _, ia, ib = np.intersect1d(a[0], b[0], assume_unique=True, return_indices=True)
    return float((a[1][ia] * b[1][ib]).sum())


def salient_term(corpus: Corpus, a: int, b: int) -> int:
    """The common term of a and b with the largest product of weights (-1: none)."""
    import numpy as np

    (ta, wa), (tb, wb) = corpus.model.vectors[a], corpus.model.vectors[b]
    shared, ia, ib = np.intersect1d(ta, tb, assume_unique=True, return_indices=True)
    return int(shared[np.argmax(wa[ia] * wb[ib])]) if len(shared) else -1


def pool(corpus: Corpus) -> list[tuple[int, int, float, float]]:
    """(a, b, body cosine, title cosine) of every pool pair, a < b, in index order."""
    import numpy as np

    count = len(corpus.keys)
    postings: dict[int, list[int]] = defaultdict(list)
    for index, (terms, weights) in enumerate(corpus.model.vectors):
        if corpus.eligible[index]:
            for term in terms[np.argsort(-weights, kind="stable")[:TOP_TERMS]]:
                postings[int(term)].append(index)
    title_postings: dict[int, list[int]] = defaultdict(list)
    for index, (terms, _) in enumerate(corpus.title_vectors):
        if corpus.eligible[index]:
            for term in terms:
                if corpus.model.idf[term] >= TITLE_IDF:
                    title_postings[int(term)].append(index)
    pairs: set[tuple[int, int]] = set()
    for lists in (postings, title_postings):
        shared: Counter[int] = Counter()
        for docs in lists.values():
            if len(docs) <= MAX_POSTING:
                for a, b in itertools.combinations(docs, 2):
                    if abs(corpus.days[a] - corpus.days[b]) <= MAX_DAYS:
                        shared[a * count + b] += 1
        pairs.update(divmod(code, count) for code, hits in shared.items() if hits >= 2)
        log(f"pool: {len(pairs):,} pairs")
    urls = [record.get("url") for record in corpus.records]
    return [
        (a, b, corpus.model.cosine(a, b), _dot(corpus.title_vectors[a], corpus.title_vectors[b]))
        for a, b in sorted(pairs)
        if not (urls[a] and urls[a] == urls[b])
    ]


@dataclass(frozen=True)
class Candidate:
    a: int
    b: int
    kind: str
    stratum: str
    cosine: float
    title_cosine: float


def qualifies(corpus: Corpus, stratum: Stratum, a: int, b: int, cosine: float, title: float) -> bool:
    days = abs(corpus.days[a] - corpus.days[b])
    one = corpus.outlets[a] == corpus.outlets[b]
    return (
        stratum.cosine[0] <= cosine < stratum.cosine[1]
        and stratum.title[0] <= title < stratum.title[1]
        and stratum.days[0] <= days <= stratum.days[1]
        and (stratum.outlets == "any" or one == (stratum.outlets == "one"))
    )


def draw(corpus: Corpus, pairs: list[tuple[int, int, float, float]], seed: int = SEED) -> list[Candidate]:
    """The candidates: each stratum in turn, its qualifying pool pairs in a seeded order."""
    rng = random.Random(seed)
    used: set[int] = set()
    per_term: Counter[int] = Counter()
    out: list[Candidate] = []
    for stratum in STRATA:
        out += _cell(corpus, pairs, stratum, rng, used, per_term)
    by_day: dict[int, list[int]] = defaultdict(list)
    for index in range(len(corpus.keys)):
        if corpus.eligible[index] and index not in used:
            by_day[corpus.days[index]].append(index)
    days = sorted(by_day)
    taken = 0
    while taken < EASY:
        members = by_day[rng.choice(days)]
        a, b = sorted(rng.sample(members, 2))
        if a in used or b in used or corpus.outlets[a] == corpus.outlets[b]:
            continue
        used.update((a, b))
        cosine = corpus.model.cosine(a, b)
        out.append(
            Candidate(
                a, b, "easy-negative", "easy", cosine, _dot(corpus.title_vectors[a], corpus.title_vectors[b])
            )
        )
        taken += 1
    order = list(range(len(out)))
    rng.shuffle(order)  # the reader meets the kinds mixed, not in blocks
    out = [out[k] for k in order]
    # Stage 2, after stage 1 was read: its own seeded order, appended, stage 1 left as it was.
    rng = random.Random(f"{seed}:supplement")
    supplement: list[Candidate] = []
    for stratum in SUPPLEMENT:
        supplement += _cell(corpus, pairs, stratum, rng, used, per_term)
    rng.shuffle(supplement)
    return out + supplement


def _cell(
    corpus: Corpus,
    pairs: list[tuple[int, int, float, float]],
    stratum: Stratum,
    rng: random.Random,
    used: set[int],
    per_term: Counter[int],
) -> list[Candidate]:
    """One stratum's pairs: its qualifying pool pairs in a seeded order, skipping records already
    drawn and salient terms already drawn `PER_TERM` times."""
    cell = [pair for pair in pairs if qualifies(corpus, stratum, *pair)]
    rng.shuffle(cell)
    out: list[Candidate] = []
    for a, b, cosine, title in cell:
        if len(out) == stratum.count:
            break
        if a in used or b in used:
            continue
        term = salient_term(corpus, a, b)
        if per_term[term] >= PER_TERM:
            continue
        used.update((a, b))
        per_term[term] += 1
        out.append(Candidate(a, b, stratum.kind, stratum.name, cosine, title))
    log(f"{stratum.name}: {len(out)} of {len(cell):,} qualifying")
    return out


def rows(corpus: Corpus, candidates: list[Candidate]) -> Iterator[dict[str, str]]:
    for c in candidates:
        yield {
            "key_a": corpus.keys[c.a],
            "key_b": corpus.keys[c.b],
            "kind": c.kind,
            "stratum": c.stratum,
            "cosine": f"{c.cosine:.3f}",
            "title_cosine": f"{c.title_cosine:.3f}",
            "days": str(corpus.days[c.b] - corpus.days[c.a]),
            "outlet_a": corpus.outlets[c.a],
            "outlet_b": corpus.outlets[c.b],
            "title_a": corpus.titles[c.a],
            "title_b": corpus.titles[c.b],
        }


def show(path: Path, span: str, folder: Path, chars: int) -> None:
    """Print candidates `span` ("1-20", 1-based, inclusive) of a candidates file for reading."""
    first, _, last = span.partition("-")
    with path.open(encoding="utf-8") as handle:
        candidates = list(csv.DictReader(handle, **TSV))
    wanted = candidates[int(first) - 1 : int(last or first)]
    keys = {row[side] for row in wanted for side in ("key_a", "key_b")}
    records = {
        saudinewsnet_key(p, i): r
        for p, i, r in saudinewsnet_records(folder)
        if saudinewsnet_key(p, i) in keys
    }
    for number, row in enumerate(wanted, int(first)):
        print(f"=== {number} [{row['kind']} · {row['stratum']}] cos {row['cosine']} days {row['days']}")
        for side in ("a", "b"):
            record = records[row[f"key_{side}"]]
            body = " ".join(record["content"].split())
            author = record.get("author") or ""
            print(f"--- {side.upper()} {row[f'key_{side}']} {record.get('source')} | {author}")
            print(f"    {plain_title(record)}")
            print(f"    {body[:chars]}{' …' if len(body) > chars else ''}")
        print()


PAIR_COLUMNS = ("key_a", "key_b", "label", "kind", "cosine", "title_a", "title_b", "reason")


def merge(candidates_path: Path, labels_path: Path, out: Path) -> None:
    """The labelled pair file: each candidate with its reader's label ("same", "not"; "unclear" is
    dropped) and reason. The labels file has one line per candidate: its number in the candidates
    file (1-based), the label and the reason, tab-separated."""
    with candidates_path.open(encoding="utf-8") as handle:
        candidates = list(csv.DictReader(handle, **TSV))
    labels: dict[int, tuple[str, str]] = {}
    for line in labels_path.read_text("utf-8").splitlines():
        field, label, reason = line.split("\t")
        if label not in ("same", "not", "unclear"):
            sys.exit(f"candidate {field}: label {label!r} is not same, not or unclear")
        labels[int(field)] = (label, reason)
    missing = sorted(set(range(1, len(candidates) + 1)) - set(labels))
    if missing:
        sys.exit(f"{len(missing)} candidates have no label yet, the first {missing[:10]}")
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, PAIR_COLUMNS, **TSV)
        writer.writeheader()
        for number, row in enumerate(candidates, 1):
            label, reason = labels[number]
            if label != "unclear":
                writer.writerow(
                    {**{c: row[c] for c in PAIR_COLUMNS if c in row}, "label": label, "reason": reason}
                )
    counts = Counter((labels[n][0], row["kind"]) for n, row in enumerate(candidates, 1))
    log(f"wrote {out}: {dict(sorted(counts.items()))}")
    for number, row in enumerate(candidates, 1):
        if labels[number][0] == "unclear":
            print(f"{number}\t{row['key_a']}\t{row['key_b']}\t{row['kind']}\t{labels[number][1]}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=SAUDINEWSNET, help="the SaudiNewsNet ZIP files")
    parser.add_argument("--out", type=Path, required=True, help="candidates file (TSV)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--show", metavar="FROM-TO", help="print these candidates of --out to read them")
    parser.add_argument("--chars", type=int, default=600, help="body characters --show prints")
    parser.add_argument("--labels", type=Path, help="the reader's labels (number, label, reason) to merge")
    parser.add_argument("--write", type=Path, help="with --labels: the labelled pair file to write")
    args = parser.parse_args()
    if args.labels:
        merge(args.out, args.labels, args.write or Path("story_pairs.tsv"))
        return
    if args.show:
        show(args.out, args.show, args.data, args.chars)
        return
    corpus = load(args.data)
    candidates = draw(corpus, pool(corpus), args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, COLUMNS, **TSV)
        writer.writeheader()
        writer.writerows(rows(corpus, candidates))
    kinds = Counter(c.kind for c in candidates)
    log(f"{len(candidates)} candidates to {args.out}: {dict(sorted(kinds.items()))}")


if __name__ == "__main__":
    main()

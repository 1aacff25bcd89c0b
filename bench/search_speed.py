"""Search speed: query latency and index size at 31k articles (all of SaudiNewsNet) and at 1M.

    uv run python bench/search_speed.py [--sizes 31k,1M] [--queries 300] [--seed 7]

The 31k archive is the real one: SaudiNewsNet ingested by `marsad ingest` (exact and near
duplicates, the search index built by ingest), cached under bench/.cache/search_speed/.

The 1M archive is synthesized from it: the real 31k articles, plus copies of them perturbed at
the term level (a random 50–100% window of the body, 15% of its terms swapped for terms drawn
from the corpus by frequency, one title term swapped), spread over 2015–2025 and 40 outlets,
with a fifth of them grouped with the article they came from (so hits still collapse to groups).
Perturbing analyzed terms is the same as perturbing words and analyzing them, and costs
minutes instead of an hour. The rows are written straight into the tables search reads; the
index goes through Marsad's own `TantivyIndex.add`. A synthesized article's stored text
(used for its snippet) is the first 1,500 characters of the article it came from.

Queries (the same set at every size): 2–3 title words of random articles, with and without
spelling/clitic variants, a few with a phrase, an OR, an exclusion or a filter. Measured:

- marsad: `marsad.search.engine.search`, the whole path a user waits for (parse, analyze,
  match, BM25 + recency, one hit per duplicate group, count, hit details, snippets), limit 10;
- baseline: SQLite FTS5 over the very same analyzed fields (what Marsad searched before its
  index moved to tantivy), the bare query: `MATCH` the analyzed terms, `ORDER BY rank LIMIT 10`
  (no collapse, no count, no snippets). Built once per archive from the same docs, cached.

Goal (issue 3): p95 ≤ 50 ms at 1M articles on this 2-core machine.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sqlite3
import statistics
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from marsad import service  # noqa: E402
from marsad.search import engine  # noqa: E402
from marsad.search.analyzer import default_analyzer  # noqa: E402
from marsad.search.index import index_doc, search_index  # noqa: E402
from marsad.search.query import Phrase, Query, parse_query  # noqa: E402
from marsad.search.tantivy_index import IndexDoc  # noqa: E402
from marsad.search.tantivy_query import seconds  # noqa: E402
from marsad.store.sqlite import SqliteStore  # noqa: E402
from search_variants import content_words, variants, vocabulary  # noqa: E402

WORK = BENCH / ".cache" / "search_speed"
DATA = BENCH.parents[1] / "shared" / "data" / "saudinewsnet"
GOAL_P95_MS = 50.0
OUTLETS = [f"outlet{i:02d}.example" for i in range(40)]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def real_archive() -> Path:
    """SaudiNewsNet ingested once (keyed by the input files' sizes and times)."""
    files = sorted(DATA.glob("*.zip"))
    if not files:
        sys.exit(f"no SaudiNewsNet zips under {DATA}")
    stamp = repr([(f.name, f.stat().st_size, int(f.stat().st_mtime)) for f in files])
    key = hashlib.blake2b(stamp.encode(), digest_size=6).hexdigest()
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / f"real-{key}.db"
    if not path.exists():
        log(f"ingesting {len(files)} SaudiNewsNet files into {path} …")
        partial = path.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        with SqliteStore(partial) as store:
            service.ingest([str(f) for f in files], store)
            store.checkpoint()
        partial.with_name(partial.name + ".search").rename(path.with_name(path.name + ".search"))
        partial.rename(path)
    return path


def real_docs(store: SqliteStore) -> list[tuple[int, str | None, str, IndexDoc]]:
    """(seq, title, first 1,500 characters, index doc) of every article, analyzed as ingest does."""
    analyzer = default_analyzer()
    sources = store.unsearched(0, 10**9)
    return [(s.seq, s.title, s.text[:1500], index_doc(s, analyzer)) for s in sources]


def perturbed(
    real: list[tuple[int, str | None, str, IndexDoc]], count: int, first_seq: int, rng: random.Random
) -> Iterator[tuple[int, str | None, str, IndexDoc, int]]:
    """`count` perturbed copies: (seq, title, text, doc, the seq it came from)."""
    words = [term for row in real[:5000] for term in row[3].body.split()]
    for seq in range(first_seq, first_seq + count):
        origin, title, text, doc = real[rng.randrange(len(real))]
        body = doc.body.split()
        if len(body) > 8:
            keep = rng.randint(len(body) // 2, len(body))
            first = rng.randint(0, len(body) - keep)
            body = body[first : first + keep]
        for i in rng.sample(range(len(body)), len(body) * 15 // 100):
            body[i] = rng.choice(words)
        heading = doc.title.split()
        if heading:
            heading[rng.randrange(len(heading))] = rng.choice(words)
        day = f"20{rng.randint(15, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        outlet = rng.choice(OUTLETS)
        copy = replace(
            doc, seq=seq, title=" ".join(heading), body=" ".join(body), tags=(), outlets=(outlet,), wires=()
        )
        yield seq, title, text, replace(copy, seen=_day_seconds(day)), origin


def _write_rows(
    store: SqliteStore, chunk: list[tuple[int, str | None, str, IndexDoc, int]], rng: random.Random
) -> None:
    """The synthesized articles' rows, written directly: there are no pages to read or segment."""
    articles, pages, occurrences, groups = [], [], [], []
    for seq, title, text, doc, origin in chunk:
        article_id, page_id = f"synth{seq:09d}", f"p{seq:09d}"
        day = time.strftime("%Y-%m-%d", time.gmtime(doc.seen))
        articles.append((article_id, title, text, None, "[]", None, "[]", "[]", day, seq))
        pages.append((page_id, page_id, None, doc.outlets[0], title, day, None, "synth", "[]", b"", day))
        occurrences.append((page_id, 0, article_id, title, None, day))
        if rng.random() < 0.2:
            groups.append((seq, origin))
    db = store._db
    with store.transaction():
        db.executemany(
            "INSERT INTO articles (article_id, title, text, lead, wire, publisher, tags, related,"
            " first_seen, seq) VALUES (?,?,?,?,?,?,?,?,?,?)",
            articles,
        )
        db.executemany(
            "INSERT INTO pages (page_id, source, url, outlet, title, published, fetched, fmt, similar,"
            " raw, ingested_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            pages,
        )
        db.executemany(
            "INSERT INTO occurrences (page_id, position, article_id, title, publisher, seen_at)"
            " VALUES (?,?,?,?,?,?)",
            occurrences,
        )
        for new, old in groups:
            row = db.execute("SELECT group_seq FROM article_groups WHERE seq = ?", (old,)).fetchone()
            group = row[0] if row else old
            db.executemany(
                "INSERT OR REPLACE INTO article_groups VALUES (?, ?)", [(old, group), (new, group)]
            )


def _day_seconds(day: str) -> int:
    return seconds(day + "T00:00:00")


def synthesize(real: Path, size: int, seed: int) -> Path:
    """The real archive plus perturbed copies up to `size` articles (cached), indexed by
    Marsad's index; their docs are also written to the FTS5 baseline."""
    path = WORK / f"synth-{size}-{seed}-{real.stem}.db"
    if path.exists():
        return path
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    partial.write_bytes(real.read_bytes())
    rng = random.Random(seed)
    with SqliteStore(partial) as store:
        base = real_docs(store)
        baseline = Fts5Baseline(fts5_path(path), fresh=True)
        baseline.add(row[3] for row in base)
        index = search_index(store)
        index.reset(store.archive_id, default_analyzer().version)
        made, next_seq = len(base), store.last_seq() + 1
        start = time.perf_counter()
        with index.writing():
            index.add([row[3] for row in base])
            index.commit()
            copies = perturbed(base, size - len(base), next_seq, rng)
            while made < size:
                chunk = [next(copies) for _ in range(min(20_000, size - made))]
                _write_rows(store, chunk, rng)
                index.add([row[3] for row in chunk])
                index.commit()
                baseline.add(row[3] for row in chunk)
                made += len(chunk)
                rate = (made - len(base)) / (time.perf_counter() - start)
                log(f"  synthesized {made:,} / {size:,} ({rate:,.0f} articles/s)")
        baseline.optimize()
        store.checkpoint()
    partial.with_name(partial.name + ".search").rename(path.with_name(path.name + ".search"))
    partial.rename(path)
    return path


# ------------------------------------------------------------------- the FTS5 baseline

STEMMED = "{title body tags}"


def fts5_path(archive: Path) -> Path:
    return archive.with_name(archive.stem + "-fts5.db")


class Fts5Baseline:
    """SQLite FTS5 over the same analyzed fields Marsad indexes (its earlier index)."""

    def __init__(self, path: Path, fresh: bool = False) -> None:
        if fresh:
            path.unlink(missing_ok=True)
        self.path = path
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS search_terms USING fts5"
            " (title, body, tags, title_exact, tokenize = 'ascii')"
        )

    def add(self, docs: Iterable[IndexDoc]) -> None:
        self.db.execute("BEGIN")
        self.db.executemany(
            "INSERT INTO search_terms (rowid, title, body, tags, title_exact) VALUES (?, ?, ?, ?, ?)",
            ((d.seq, d.title, d.body, " ".join(d.tags), " ".join(d.title_exact)) for d in docs),
        )
        self.db.execute("COMMIT")

    def optimize(self) -> None:
        self.db.execute("INSERT INTO search_terms(search_terms) VALUES ('optimize')")
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def query(self, query: Query) -> list[int] | None:
        match = fts_match(query)
        if match is None:
            return None
        sql = "SELECT rowid FROM search_terms WHERE search_terms MATCH ? ORDER BY rank LIMIT 10"
        return [row[0] for row in self.db.execute(sql, (match,))]

    @property
    def megabytes(self) -> float:
        row = self.db.execute("SELECT SUM(pgsize) FROM dbstat WHERE name LIKE 'search_terms%'").fetchone()
        return float(row[0]) / 1e6


def _quoted(terms: tuple[str, ...]) -> str:
    return '"' + " ".join(term.replace('"', '""') for term in terms) + '"'


def _matching(phrase: Phrase) -> str:
    stemmed = f"{STEMMED} : {_quoted(phrase.terms)}"
    forms = [f for f in (phrase.exact, phrase.surface) if f and len(f) == len(phrase.terms)]
    if not forms:
        return stemmed
    return f"({stemmed} OR {{title_exact}} : ({' OR '.join(_quoted(f) for f in dict.fromkeys(forms))}))"


def fts_match(query: Query) -> str | None:
    """The FTS5 expression of a query's words (Marsad's, before tantivy); None for filters alone."""
    positive = []
    for clause in query.required:
        alternatives = [_matching(p) for p in clause.alternatives]
        positive.append(alternatives[0] if len(alternatives) == 1 else "(" + " OR ".join(alternatives) + ")")
    negative = [f"{STEMMED} : {_quoted(p.terms)}" for p in query.excluded]
    for tag in query.tags:
        (negative if tag.negated else positive).append("{tags} : " + _quoted(tag.terms))
    if not positive:
        return None
    match = " AND ".join(positive)
    return f"({match}) NOT ({' OR '.join(negative)})" if negative else match


def baseline_for(archive: Path) -> Fts5Baseline:
    """The archive's FTS5 baseline (the real archive's is made here, from its articles)."""
    path = fts5_path(archive)
    if not path.exists():
        log(f"building the FTS5 baseline of {archive.name} …")
        baseline = Fts5Baseline(path, fresh=True)
        with SqliteStore(archive) as store:
            baseline.add(row[3] for row in real_docs(store))
        baseline.optimize()
        return baseline
    return Fts5Baseline(path)


def make_queries(real: Path, count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    with sqlite3.connect(real) as db:
        titles = [row[0] for row in db.execute("SELECT title FROM articles WHERE title IS NOT NULL")]
        outlets = [row[0] for row in db.execute("SELECT DISTINCT outlet FROM pages WHERE outlet IS NOT NULL")]
    forms = vocabulary(titles)
    queries: list[str] = []
    while len(queries) < count:
        words = content_words(rng.choice(titles))
        if len(words) < 3:
            continue
        picked = words[: rng.choice((2, 3))]
        kind = len(queries) % 10
        if kind < 4:
            queries.append(" ".join(picked))
        elif kind < 7:
            queries.append(variants(picked, seed, str(len(queries)), forms)["all"])
        elif kind == 7:
            queries.append(f'"{picked[0]} {picked[1]}"')
        elif kind == 8:
            queries.append(f"{picked[0]} OR {picked[1]} -{words[-1]}")
        else:
            queries.append(f"{picked[0]} outlet:{rng.choice(outlets)} date:2015-07-01..2025-12-31")
    return queries


def kind_of(index: int) -> str:
    """The query family of the index-th query (make_queries cycles through ten slots)."""
    slot = index % 10
    return "title words & variants" if slot < 8 else "OR/exclusion, filters"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(path: Path, queries: list[str]) -> dict[str, float]:
    analyzer = default_analyzer()
    baseline = baseline_for(path)
    with SqliteStore(path) as store:
        articles = store.counts()["articles"]
        for query in queries[:20]:  # warm the page cache and the analyzer (and catch up the index)
            engine.search(store, query)
            baseline.query(parse_query(query, analyzer))
        marsad, floor, totals = [], [], []
        by_kind: dict[str, list[float]] = {}
        for index, query in enumerate(queries):
            start = time.perf_counter()
            page = engine.search(store, query)
            marsad.append((time.perf_counter() - start) * 1000)
            by_kind.setdefault(kind_of(index), []).append(marsad[-1])
            totals.append(page.total)
            start = time.perf_counter()
            if baseline.query(parse_query(query, analyzer)) is not None:
                floor.append((time.perf_counter() - start) * 1000)
        index_mb = search_index(store).size_bytes / 1e6
    return {
        "articles": articles,
        "marsad_p50_ms": statistics.median(marsad),
        "marsad_p95_ms": percentile(marsad, 0.95),
        "marsad_max_ms": max(marsad),
        "fts5_p50_ms": statistics.median(floor),
        "fts5_p95_ms": percentile(floor, 0.95),
        "median_hits": statistics.median(totals),
        **{f"{kind} p50_ms": statistics.median(v) for kind, v in by_kind.items()},
        **{f"{kind} p95_ms": percentile(v, 0.95) for kind, v in by_kind.items()},
        "index_mb": index_mb,
        "fts5_mb": baseline.megabytes,
        "file_mb": path.stat().st_size / 1e6,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="31k,1M", help="31k (the real archive) and/or sizes like 200k, 1M")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    real = real_archive()
    queries = make_queries(real, args.queries, args.seed)
    results = {}
    for label in args.sizes.split(","):
        if label == "31k":
            path = real
        else:
            size = int(float(label.rstrip("kKmM")) * (1_000_000 if label[-1] in "mM" else 1000))
            log(f"synthesizing a {label} archive …")
            path = synthesize(real, size, args.seed)
        log(f"measuring {len(queries)} queries on {path.name} …")
        results[label] = measure(path, queries)
    print(f"\nsearch speed: {len(queries)} queries, limit 10, one process (2-core machine)\n")
    header = f"{'archive':>8} {'articles':>10} {'marsad p50':>11} {'p95':>8} {'max':>8}"
    header += f" {'fts5 p50':>9} {'p95':>7} {'hits p50':>9} {'index MB':>9} {'fts5 MB':>8} {'file MB':>8}"
    print(header)
    for label, r in results.items():
        print(
            f"{label:>8} {r['articles']:>10,} {r['marsad_p50_ms']:>9.1f}ms {r['marsad_p95_ms']:>6.1f}ms"
            f" {r['marsad_max_ms']:>6.0f}ms {r['fts5_p50_ms']:>7.1f}ms {r['fts5_p95_ms']:>5.1f}ms"
            f" {r['median_hits']:>9.0f} {r['index_mb']:>9.0f} {r['fts5_mb']:>8.0f} {r['file_mb']:>8.0f}"
        )
    print("\nMarsad by query family (p50 / p95 ms):")
    for label, r in results.items():
        families = sorted(
            {key.rsplit(" ", 1)[0] for key in r if key.endswith(" p50_ms") and "marsad" not in key}
        )
        shown = "; ".join(
            f"{f} {r[f + ' p50_ms']:.1f} / {r[f + ' p95_ms']:.1f}" for f in families if f != "fts5"
        )
        print(f"{label:>8}  {shown}")
    largest = max(results.values(), key=lambda r: r["articles"])
    met = largest["marsad_p95_ms"] <= GOAL_P95_MS
    print(
        f"\ngoal: p95 ≤ {GOAL_P95_MS:.0f} ms at {largest['articles']:,} articles: "
        f"{largest['marsad_p95_ms']:.1f} ms — {'met' if met else 'NOT met'}"
    )
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()

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
index goes through the store's own `add_search_terms`. A synthesized article's stored text (used
for its snippet) is the first 1,500 characters of the article it came from.

Queries (the same set at every size): 2–3 title words of random articles, with and without
spelling/clitic variants, a few with a phrase, an OR, an exclusion or a filter. Measured:

- marsad: `marsad.search.engine.search`, the whole path a user waits for (parse, analyze, FTS5
  match, bm25 + recency, group collapse, count, hit details, snippets), limit 10;
- baseline: the bare FTS5 query on the same index: `MATCH` the analyzed terms, `ORDER BY rank
  LIMIT 10` (no collapse, no count, no snippets): the floor under Marsad's extra work.

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
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from marsad import service  # noqa: E402
from marsad.search import engine  # noqa: E402
from marsad.search.analyzer import default_analyzer  # noqa: E402
from marsad.search.query import parse_query  # noqa: E402
from marsad.store.sqlite import SqliteStore  # noqa: E402
from marsad.store.sqlite_search import fts_match  # noqa: E402
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
        partial.rename(path)
    return path


def synthesize(real: Path, size: int, seed: int) -> Path:
    """The real archive plus perturbed copies up to `size` articles (cached)."""
    path = WORK / f"synth-{size}-{seed}-{real.stem}.db"
    if path.exists():
        return path
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    partial.write_bytes(real.read_bytes())
    rng = random.Random(seed)
    analyzer = default_analyzer()
    with SqliteStore(partial) as store:
        db = store._db  # synthesis writes rows directly: there are no pages to read or segment
        base = db.execute(
            "SELECT a.seq, a.title, substr(a.text, 1, 1500), t.title, t.body, t.title_exact FROM articles a"
            " JOIN search_terms t ON t.rowid = a.seq ORDER BY a.seq"
        ).fetchall()
        vocabulary = [term for row in base[:5000] for term in row[4].split()]
        next_seq = db.execute("SELECT MAX(seq) FROM articles").fetchone()[0] + 1
        start = time.perf_counter()
        made = len(base)
        while made < size:
            articles, pages, occurrences, groups, terms = [], [], [], [], []
            for _ in range(min(20_000, size - made)):
                seq, title, text, title_terms, body_terms, exact_title = base[rng.randrange(len(base))]
                body = body_terms.split()
                if len(body) > 8:
                    keep = rng.randint(len(body) // 2, len(body))
                    first = rng.randint(0, len(body) - keep)
                    body = body[first : first + keep]
                for i in rng.sample(range(len(body)), len(body) * 15 // 100):
                    body[i] = rng.choice(vocabulary)
                heading = title_terms.split()
                if heading:
                    heading[rng.randrange(len(heading))] = rng.choice(vocabulary)
                article_id = f"synth{next_seq:09d}"
                day = f"20{rng.randint(15, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
                articles.append((article_id, title, text, None, "[]", None, "[]", "[]", day, next_seq))
                page_id = f"p{next_seq:09d}"
                outlet = rng.choice(OUTLETS)
                pages.append((page_id, page_id, None, outlet, title, day, None, "synth", "[]", b"", day))
                occurrences.append((page_id, 0, article_id, title, None, day))
                if rng.random() < 0.2:
                    groups.append((next_seq, seq))
                terms.append((next_seq, " ".join(heading), " ".join(body), "", exact_title))
                next_seq += 1
            with store.transaction():
                db.executemany("INSERT INTO articles VALUES (?,?,?,?,?,?,?,?,?,?)", articles)
                db.executemany("INSERT INTO pages VALUES (?,?,?,?,?,?,?,?,?,?,?)", pages)
                db.executemany("INSERT INTO occurrences VALUES (?,?,?,?,?,?)", occurrences)
                for new, old in groups:
                    row = db.execute("SELECT group_seq FROM article_groups WHERE seq = ?", (old,)).fetchone()
                    group = row[0] if row else old
                    db.executemany(
                        "INSERT OR REPLACE INTO article_groups VALUES (?, ?)", [(old, group), (new, group)]
                    )
            store.add_search_terms(analyzer.version, terms)
            made += len(articles)
            rate = (made - len(base)) / (time.perf_counter() - start)
            log(f"  synthesized {made:,} / {size:,} ({rate:,.0f} articles/s)")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.execute("INSERT INTO search_terms(search_terms) VALUES ('optimize')")
        store.checkpoint()
    partial.rename(path)
    return path


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


def index_size(path: Path) -> tuple[float, float]:
    """(search index MB, whole file MB)."""
    with sqlite3.connect(path) as db:
        index = db.execute("SELECT SUM(pgsize) FROM dbstat WHERE name LIKE 'search_terms%'").fetchone()[0]
    return index / 1e6, path.stat().st_size / 1e6


def measure(path: Path, queries: list[str]) -> dict[str, float]:
    analyzer = default_analyzer()
    with SqliteStore(path) as store:
        articles = store.counts()["articles"]
        assert store.search_backlog() == 0, "index incomplete"
        for query in queries[:20]:  # warm the page cache and the analyzer
            engine.search(store, query)
        marsad, floor, totals = [], [], []
        by_kind: dict[str, list[float]] = {}
        for index, query in enumerate(queries):
            start = time.perf_counter()
            page = engine.search(store, query)
            marsad.append((time.perf_counter() - start) * 1000)
            by_kind.setdefault(kind_of(index), []).append(marsad[-1])
            totals.append(page.total)
            match = fts_match(parse_query(query, analyzer))
            if match is None:
                continue
            start = time.perf_counter()
            store._reader.execute(
                "SELECT rowid FROM search_terms WHERE search_terms MATCH ? ORDER BY rank LIMIT 10", (match,)
            ).fetchall()
            floor.append((time.perf_counter() - start) * 1000)
    index_mb, file_mb = index_size(path)
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
        "file_mb": file_mb,
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
    header += f" {'fts5 p50':>9} {'p95':>7} {'hits p50':>9} {'index MB':>9} {'file MB':>8}"
    print(header)
    for label, r in results.items():
        print(
            f"{label:>8} {r['articles']:>10,} {r['marsad_p50_ms']:>9.1f}ms {r['marsad_p95_ms']:>6.1f}ms"
            f" {r['marsad_max_ms']:>6.0f}ms {r['fts5_p50_ms']:>7.1f}ms {r['fts5_p95_ms']:>5.1f}ms"
            f" {r['median_hits']:>9.0f} {r['index_mb']:>9.0f} {r['file_mb']:>8.0f}"
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

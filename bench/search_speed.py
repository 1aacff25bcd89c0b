"""Search speed: query latency and index size at 31k articles (all of SaudiNewsNet) and at 1M.

    uv run python bench/search_speed.py [--sizes 31k,1M] [--queries 300] [--seed 7]

The 31k archive is the real one: SaudiNewsNet ingested by `marsad ingest` (exact and near
duplicates, the search index built by ingest), cached in bench/.cache (the archive
search_quality.py reads too: `common.ingested_saudinewsnet`).

The 1M archive is synthesized from it: the real 31k articles, plus copies of them perturbed at
the term level (a random 50–100% window of the body, 15% of its terms swapped for terms drawn
from the corpus by frequency, one title term swapped), spread over 2015–2025 and 40 outlets,
with a fifth of them grouped with the article they came from (so hits still collapse to groups).
Perturbing analyzed terms is the same as perturbing words and analyzing them, and costs
minutes instead of an hour. They are written through the store's own `write` (a page and an
article each, no raw bytes to read or segment) and grouped with `set_anchors`; the index goes
through Marsad's own `TantivyIndex.add`. A synthesized article's stored text
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
import random
import sqlite3
import statistics
import time
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from common import CACHE, SAUDINEWSNET, ingested_saudinewsnet, log, percentile, print_table, write_json
from marsad.model import Article, Page, article_key, stable_id
from marsad.search import engine
from marsad.search.analyzer import default_analyzer
from marsad.search.index import index_doc, search_index
from marsad.search.query import Phrase, Query, parse_query
from marsad.search.tantivy_index import IndexDoc
from marsad.search.tantivy_query import seconds
from marsad.store.base import Occurrence, PageWrite, WriteBatch
from marsad.store.sqlite import SqliteStore
from search_variants import content_words, variants, vocabulary

WORK = CACHE / "search_speed"
GOAL_P95_MS = 50.0
OUTLETS = [f"outlet{i:02d}.example" for i in range(40)]


def real_docs(store: SqliteStore) -> list[tuple[int, str | None, str, IndexDoc]]:
    """(key, title, first 1,500 characters, index doc) of every article, analyzed as ingest does."""
    analyzer = default_analyzer()
    sources = store.search_sources([c.key for c in store.changes_after(0, 10**9, kinds=["new"])])
    return [(s.key, s.title, s.text[:1500], index_doc(s, analyzer)) for s in sources]


def perturbed(
    real: list[tuple[int, str | None, str, IndexDoc]], count: int, first: int, rng: random.Random
) -> Iterator[tuple[int, str | None, str, IndexDoc, int]]:
    """`count` perturbed copies: (key, title, text, doc, the key it came from), numbered from
    `first` (each copy's article id is made from its number, its key from the id)."""
    words = [term for row in real[:5000] for term in row[3].body.split()]
    for number in range(first, first + count):
        key = article_key(synthetic_id(number))
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
            doc, key=key, title=" ".join(heading), body=" ".join(body), tags=(), outlets=(outlet,), wires=()
        )
        yield key, title, text, replace(copy, seen=_day_seconds(day)), origin


def synthetic_id(number: int) -> str:
    return stable_id("synthetic article", str(number))


def _write_rows(
    store: SqliteStore,
    chunk: list[tuple[int, str | None, str, IndexDoc, int]],
    first: int,
    rng: random.Random,
) -> None:
    """The synthesized articles, through the store's own write: one page each (no raw bytes to
    read or segment), an article id of its own (copies of one origin share their text, and must
    not fold into one article) whose key is the one its index doc carries."""
    batch = WriteBatch()
    groups: dict[int, int] = {}
    for number, (key, title, text, doc, origin) in enumerate(chunk, start=first):
        day = datetime.fromtimestamp(doc.seen, UTC)
        page = Page(f"synth:{number}", b"", "", doc.outlets[0], title=title, published=day, fmt="synth")
        article = Occurrence(synthetic_id(number), Article(text, title), day.date().isoformat())
        assert article_key(article.article_id) == key
        batch.pages.append(PageWrite(page, (), (article,)))
        if rng.random() < 0.2:
            groups[key] = origin
    store.write(batch, datetime.now(UTC).isoformat(timespec="seconds"))
    anchors = store.anchors_of(sorted(set(groups.values())))
    with store.transaction():
        store.set_anchors({new: anchors.get(old, old) for new, old in groups.items()})


def _day_seconds(day: str) -> int:
    return seconds(day + "T00:00:00")


def synthesize(real: Path, size: int, seed: int) -> Path:
    """The real archive plus perturbed copies up to `size` articles (cached), indexed by
    Marsad's index; their docs are also written to the FTS5 baseline."""
    path = WORK / f"synth-{size}-{seed}-{real.stem}.db"
    if path.exists():
        return path
    WORK.mkdir(parents=True, exist_ok=True)
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
        made = len(base)
        start = time.perf_counter()
        with index.writing():
            index.add([row[3] for row in base], store.last_change())
            index.commit()
            copies = perturbed(base, size - len(base), made, rng)
            while made < size:
                chunk = [next(copies) for _ in range(min(20_000, size - made))]
                _write_rows(store, chunk, made, rng)
                index.add([row[3] for row in chunk], store.last_change())
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
            ((d.key, d.title, d.body, " ".join(d.tags), " ".join(d.title_exact)) for d in docs),
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
    with SqliteStore(real) as store:
        titles = [record.title for record in store.articles() if record.title is not None]
        outlets = sorted({page.outlet for page in store.pages() if page.outlet is not None})
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


def measure(path: Path, queries: list[str]) -> dict[str, float]:
    analyzer = default_analyzer()
    baseline = baseline_for(path)
    with SqliteStore(path) as store:
        articles = store.counts()["articles"]
        for query in queries[:20]:  # warm the page cache and the analyzer
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
    parser.add_argument("--data", type=Path, default=SAUDINEWSNET, help="the SaudiNewsNet folder")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    real, _, _ = ingested_saudinewsnet(args.data)
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
    columns = [("archive", ">8"), ("articles", ">10,"), ("marsad p50 ms", ">13.1f"), ("p95", ">6.1f")]
    columns += [("max", ">6.0f"), ("fts5 p50 ms", ">11.1f"), ("p95", ">6.1f"), ("hits p50", ">9.0f")]
    columns += [("index MB", ">9.0f"), ("fts5 MB", ">8.0f"), ("file MB", ">8.0f")]
    keys = ("articles", "marsad_p50_ms", "marsad_p95_ms", "marsad_max_ms", "fts5_p50_ms", "fts5_p95_ms")
    keys += ("median_hits", "index_mb", "fts5_mb", "file_mb")
    print_table(columns, ((label, *(r[key] for key in keys)) for label, r in results.items()))
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
    write_json(args.json, results)


if __name__ == "__main__":
    main()

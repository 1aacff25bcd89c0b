"""Search engines side by side at 1M articles: the same analyzed index in SQLite FTS5 and tantivy.

    uv run python bench/search_tantivy.py [--size 1M] [--queries 300] [--seed 7] [--archive DB]

Why: Marsad's search runs on SQLite FTS5, whose `ORDER BY rank` scores every matching row, and
issue 3 asks for p95 ≤ 50 ms at 1M articles. This measures what an engine that stops early on
the top k (tantivy: block-max WAND) gives on the very same input, before any of it is built
into Marsad:

- the archive is bench/search_speed.py's (SaudiNewsNet plus perturbed copies up to `--size`,
  cached; `--archive` takes one already built);
- tantivy indexes that archive's analyzed columns (title, body, tags, exact title forms) as
  they are, split on white space (cached under bench/.cache/search_tantivy/);
- the queries are search_speed's (2–3 title words, variants, phrases, OR, exclusions, filters),
  parsed by Marsad's query parser; in tantivy every clause is required, its alternatives any,
  each word or phrase matched in title ×4, body, tags ×2 and the exact title forms ×4 (Marsad's
  weights), exclusions excluded. Filters, group collapse, recency and snippets are not
  translated: like the FTS5 baseline this is the engine's core;
- in the same run: Marsad's whole search path and the bare FTS5 query (search_speed.measure).
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import sys
import time
from importlib.metadata import version
from pathlib import Path

import tantivy
from tantivy import Occur, Query

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import search_speed  # noqa: E402
from marsad.search.analyzer import default_analyzer  # noqa: E402
from marsad.search.query import Phrase, parse_query  # noqa: E402
from marsad.search.query import Query as MarsadQuery  # noqa: E402

WORK = BENCH / ".cache" / "search_tantivy"
FIELDS = ("title", "body", "tags", "title_exact")
WEIGHTS = {"title": 4.0, "body": 1.0, "tags": 2.0}  # and title_exact 4.0, as in sqlite_search


def build_index(archive: Path) -> tuple[Path, float]:
    """A tantivy index of the archive's analyzed columns (cached): its folder and build seconds."""
    folder = WORK / archive.stem
    if (folder / "done").exists():
        return folder, float((folder / "done").read_text())
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    builder = tantivy.SchemaBuilder()
    for name in FIELDS:
        builder.add_text_field(name, tokenizer_name="whitespace", index_option="position")
    builder.add_integer_field("seq", stored=True, fast=True, indexed=False)
    index = tantivy.Index(builder.build(), path=str(folder))
    writer = index.writer(heap_size=1_000_000_000, num_threads=2)
    start = time.perf_counter()
    with sqlite3.connect(f"file:{archive}?mode=ro", uri=True) as db:
        rows = db.execute("SELECT rowid, title, body, tags, title_exact FROM search_terms")
        for seq, *columns in rows:
            fields = {name: value or "" for name, value in zip(FIELDS, columns, strict=True)}
            writer.add_document(tantivy.Document(seq=seq, **fields))
    writer.commit()
    writer.wait_merging_threads()
    seconds = time.perf_counter() - start
    (folder / "done").write_text(f"{seconds:.1f}")
    return folder, seconds


def translate(query: MarsadQuery, schema: tantivy.Schema) -> Query:
    def on(field: str, terms: tuple[str, ...], boost: float) -> Query:
        found = (
            Query.term_query(schema, field, terms[0])
            if len(terms) == 1
            else Query.phrase_query(schema, field, list(terms))
        )
        return Query.boost_query(found, boost) if boost != 1.0 else found

    def phrase(p: Phrase) -> Query:
        parts = [on(field, p.terms, boost) for field, boost in WEIGHTS.items()]
        parts += [on("title_exact", forms, 4.0) for forms in (p.exact, p.surface) if forms]
        return Query.boolean_query([(Occur.Should, part) for part in parts])

    subqueries = []
    for clause in query.required:
        options = [phrase(p) for p in clause.alternatives]
        either = (
            options[0] if len(options) == 1 else Query.boolean_query([(Occur.Should, o) for o in options])
        )
        subqueries.append((Occur.Must, either))
    for excluded in query.excluded:
        anywhere = Query.boolean_query([(Occur.Should, on(f, excluded.terms, 1.0)) for f in WEIGHTS])
        subqueries.append((Occur.MustNot, anywhere))
    return Query.boolean_query(subqueries)


def measure_tantivy(folder: Path, queries: list[str]) -> dict[str, float]:
    index = tantivy.Index.open(str(folder))
    index.reload()
    searcher = index.searcher()
    analyzer = default_analyzer()
    translated = [(i, translate(parse_query(q, analyzer), index.schema)) for i, q in enumerate(queries)]
    for _, query in translated[:20]:  # warm up, as search_speed does
        searcher.search(query, 10)
    times: list[float] = []
    by_kind: dict[str, list[float]] = {}
    for i, query in translated:
        start = time.perf_counter()
        searcher.search(query, 10, count=True)  # with the total, as Marsad reports one
        times.append((time.perf_counter() - start) * 1000)
        by_kind.setdefault(search_speed.kind_of(i), []).append(times[-1])
    return {
        "p50_ms": statistics.median(times),
        "p95_ms": search_speed.percentile(times, 0.95),
        "max_ms": max(times),
        **{f"{kind} p95_ms": search_speed.percentile(v, 0.95) for kind, v in by_kind.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", default="1M")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--archive", type=Path, help="an archive search_speed.py synthesized")
    args = parser.parse_args()
    real = search_speed.real_archive()
    queries = search_speed.make_queries(real, args.queries, args.seed)
    size = int(float(args.size.rstrip("kKmM")) * (1_000_000 if args.size[-1] in "mM" else 1000))
    archive = args.archive or search_speed.synthesize(real, size, args.seed)
    search_speed.log(f"tantivy index of {archive.name} …")
    folder, build_seconds = build_index(archive)
    index_mb = sum(f.stat().st_size for f in folder.iterdir()) / 1e6
    engine = measure_tantivy(folder, queries)
    search_speed.log(f"Marsad and bare FTS5 on {archive.name} …")
    sqlite = search_speed.measure(archive, queries)
    words, other = (f"{family} p95_ms" for family in ("title words & variants", "OR/exclusion, filters"))
    nan = float("nan")
    rows = [
        ("Marsad search (FTS5, the whole path)", sqlite["marsad_p50_ms"], sqlite["marsad_p95_ms"],
         sqlite[words], sqlite[other], sqlite["index_mb"]),
        ("bare FTS5 (MATCH … ORDER BY rank)", sqlite["fts5_p50_ms"], sqlite["fts5_p95_ms"], nan, nan,
         sqlite["index_mb"]),
        (f"tantivy {version('tantivy')} (built in {build_seconds:.0f} s)", engine["p50_ms"], engine["p95_ms"],
         engine[words], engine[other], index_mb),
    ]  # fmt: skip
    print(f"\n{len(queries)} queries, top 10 with the total count, {sqlite['articles']:,} articles\n")
    print(f"{'engine':<40} {'p50 ms':>7} {'p95 ms':>7} {'p95 words':>10} {'p95 OR/filt':>12} {'index MB':>9}")
    for name, *figures, megabytes in rows:
        cells = " ".join(f"{value:>{width}.1f}" for value, width in zip(figures, (7, 7, 10, 12), strict=True))
        print(f"{name:<40} {cells} {megabytes:>9.0f}")


if __name__ == "__main__":
    main()

"""Known-item search quality: Marsad against plain SQLite FTS5, and Marsad with other stemmers.

1. Known-item search on all of SaudiNewsNet, ingested by ``marsad ingest`` (exact and
   near-duplicate detection; the ingested database is cached in bench/.cache, keyed by the input
   files' sizes and mtimes and Marsad's source: `common.ingested_saudinewsnet`, which
   search_speed.py shares), and copied for every system, which builds its own index with
   ``index_articles(store, analyzer, rebuild=True)``. A fixed random
   sample (``--sample``, ``--seed``) of the articles whose title has ≥ 3 content words; for each,
   2–4 of those words (title order) make a query, rewritten into five variant sets (clean,
   spelling, clitics, tashkeel, all: see bench/search_variants.py). success@1 and MRR@10 per set:
   - Marsad: ``search(store, query, limit=10)``; a hit is correct when the target is in its
     duplicate group (``hit.group``, the hit's own id included);
   - plain SQLite FTS5 (the baseline, same run, same articles): ``fts5(title, body,
     tokenize='unicode61')`` over the raw title and text, the query words each double-quoted and
     ANDed, ranked by ``bm25(t, 4.0, 1.0)``. It does not collapse duplicates; a hit is correct
     when it is the target or in the target's near-duplicate group (the store's links, the groups
     Marsad collapses), and a second row counts the target id only. Exact duplicates are already
     one article in the store, so "same normalized text" is the target id itself.
   - Marsad's pipeline with the stemmer swapped (``Analyzer(stem=...)``): Lucene light stemming
     without a guard, Snowball (PyStemmer), ISRI (NLTK), Tashaphyne, and no stemmer (the analyzer
     memoizes each word's term, so slow stemmers cost once per distinct word).
   Goal (issue): Marsad success@1 ≥ 0.95 on the variant sets and ≥ 20 points above plain FTS5.

2. Name integrity on ANERcorp: for each analyzer, the share of distinct entity words (PERS, LOC,
   ORG tokens) whose term is shared with an ordinary (O) word form that is not the same name with
   a clitic (و ب ل ف ك ال وال بال لل) attached or removed ("conflated"), and the share whose term
   is shared with one that is not an inflection of the name either ("unrelated": Snowball's
   بيروت ~ يروي, not لبنان ~ لبنانية). Lower is better.

    uv run python bench/search_quality.py [--sample 1000] [--seed N] [--jobs 2] [--json out.json]
"""

from __future__ import annotations

import argparse
import atexit
import hashlib
import math
import os
import pickle
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from common import (  # bench/'s shared module (a sibling script, not a package)
    ANERCORP,
    ARABIC_WORD,
    CACHE,
    SAUDINEWSNET,
    SEED,
    ingested_saudinewsnet,
    log,
    marsad_version,
    mrr,
    percentile,
    require,
    stored_groups,
    success_at_1,
    write_json,
)
from marsad.text import normalize
from search_variants import VARIANT_SETS, content_words, sample_queries, vocabulary

WORK_DIR = CACHE / "search_quality"  # a directory per run for its copies, removed after the run
LIMIT = 10
GOAL_SUCCESS = 0.95
GOAL_MARGIN = 0.20
GOAL_SETS = ("spelling", "clitics", "tashkeel", "all")  # the variant sets the goal is about

PLAIN = "plain FTS5 (unicode61, raw text)"
PLAIN_STRICT = "plain FTS5, target id only"
DEFAULT = "Marsad (default analyzer)"
SYSTEMS = (
    DEFAULT,
    "stem: Lucene light, no guard",
    "stem: Snowball (PyStemmer)",
    "stem: ISRI (NLTK)",
    "stem: Tashaphyne light",
    "no stemmer (normalization only)",
)


# ----------------------------------------------------------------------------------- articles


@dataclass
class Corpus:
    ids: list[str]
    titles: list[str]
    texts: list[str]
    group: dict[str, int]  # article id → duplicate group label (the store's groups, as search folds)
    members: dict[int, frozenset[str]]  # group label → its article ids
    links: int


def load_corpus(db: Path) -> Corpus:
    from marsad.store.sqlite import SqliteStore

    with SqliteStore(db) as store:
        records, labels, members = stored_groups(store)
        links = len(store.near_links())
    ids = [record.article_id for record in records]
    return Corpus(
        ids,
        [record.title or "" for record in records],
        [record.text for record in records],
        dict(zip(ids, labels, strict=True)),
        {label: frozenset(ids[k] for k in ks) for label, ks in members.items()},
        links,
    )


def cached_vocabulary(db: Path, corpus: Corpus) -> set[str]:
    """Word forms of the corpus (titles and texts) seen at least twice, cached beside the cached
    ingest (not beside a database given with --db)."""
    path = db.with_suffix(".vocabulary.pickle")
    if db.parent != CACHE:
        return vocabulary(corpus.titles + corpus.texts)
    if path.exists():
        with path.open("rb") as handle:
            return set(pickle.load(handle))
    words = vocabulary(corpus.titles + corpus.texts)
    with path.open("wb") as handle:
        pickle.dump(sorted(words), handle)
    return words


# ------------------------------------------------------------------------------------ systems


@dataclass
class Run:
    """One system's answers: for every variant set, the rank (1..LIMIT, 0: not found) of the
    first correct hit of each query, and timings."""

    system: str
    build_seconds: float
    ranks: dict[str, list[int]] = field(default_factory=dict)
    empty: dict[str, int] = field(default_factory=dict)  # queries with no hit at all
    latencies: list[float] = field(default_factory=list)  # seconds per query
    top: dict[str, list[str | None]] = field(default_factory=dict)  # id of the first hit, per query
    notes: dict[str, int] = field(default_factory=dict)  # API checks (group mismatches, …)


def _analyzer(stem: Callable[[str], str] | None, system: str) -> Any:
    """Marsad's pipeline with this stemmer, named after the system (its `version` tells indexes
    apart: without a name every custom analyzer has the same one)."""
    from marsad.search.analyzer import Analyzer

    return Analyzer(stem=stem, name="bench-" + hashlib.blake2b(system.encode(), digest_size=4).hexdigest())


def make_analyzer(system: str) -> Any:
    from marsad.search.analyzer import default_analyzer

    if system == DEFAULT:
        return default_analyzer()
    if system.startswith("no stemmer"):
        return _analyzer(None, system)
    if "Lucene" in system:
        from marsad.search.stemmers import light_stem

        return _analyzer(light_stem, system)
    if "Snowball" in system:
        import Stemmer

        return _analyzer(Stemmer.Stemmer("arabic").stemWord, system)
    if "ISRI" in system:
        from nltk.stem.isri import ISRIStemmer

        return _analyzer(ISRIStemmer().stem, system)
    if "Tashaphyne" in system:
        from tashaphyne.stemming import ArabicLightStemmer

        light = ArabicLightStemmer()

        def tashaphyne(word: str) -> str:
            light.light_stem(word)
            return str(light.get_stem())

        return _analyzer(tashaphyne, system)
    raise ValueError(system)


def run_marsad(system: str, db: Path, queries: dict[str, dict[str, str]], corpus: Corpus) -> Run:
    """Copy the ingested DB, index it with the system's analyzer, ask every query."""
    from marsad.search.engine import search
    from marsad.search.index import index_articles
    from marsad.store.sqlite import SqliteStore

    copy = db.parent / f"{hashlib.blake2b(system.encode(), digest_size=6).hexdigest()}.db"
    shutil.copyfile(db, copy)
    try:
        analyzer = make_analyzer(system)
        with SqliteStore(copy) as store:
            started = time.perf_counter()
            indexed = index_articles(store, analyzer, rebuild=True)
            run = Run(system, time.perf_counter() - started)
            log(f"  {system}: indexed {indexed:,} articles in {run.build_seconds:.1f} s")
            run.notes = {"indexed": int(indexed), "group mismatches": 0, "uncollapsed pages": 0}
            run.notes["query errors"] = 0
            for name in VARIANT_SETS:
                ranks, empty, top = [], 0, []
                for target, variants in queries.items():
                    started = time.perf_counter()
                    try:
                        hits = list(search(store, variants[name], limit=LIMIT, analyzer=analyzer).hits)
                    except ValueError:  # QueryError: e.g. every word a stopword
                        hits = []
                        run.notes["query errors"] += 1
                    run.latencies.append(time.perf_counter() - started)
                    hits = hits[:LIMIT]
                    empty += not hits
                    top.append(hits[0].article_id if hits else None)
                    rank = next((k for k, hit in enumerate(hits, 1) if target in hit.group), 0)
                    ranks.append(rank)
                    labels = [corpus.group.get(hit.article_id) for hit in hits]
                    run.notes["uncollapsed pages"] += len(labels) != len(set(labels))
                    run.notes["group mismatches"] += sum(
                        frozenset(hit.group) != corpus.members.get(label, frozenset([hit.article_id]))
                        for hit, label in zip(hits, labels, strict=True)
                    )
                run.ranks[name], run.empty[name], run.top[name] = ranks, empty, top
            log(f"  {system}: {len(run.latencies):,} queries in {sum(run.latencies):.1f} s")
    finally:
        for path in (copy, Path(f"{copy}-wal"), Path(f"{copy}-shm")):
            path.unlink(missing_ok=True)
        shutil.rmtree(Path(f"{copy}.search"), ignore_errors=True)  # its search index
    return run


def plain_query(query: str) -> str:
    return " AND ".join('"' + word.replace('"', '""') + '"' for word in query.split())


def run_plain(queries: dict[str, dict[str, str]], corpus: Corpus, workdir: Path) -> tuple[Run, Run]:
    """The baseline: FTS5 unicode61 over the raw titles and texts; (group credit, target id only)."""
    path = workdir / "plain.db"
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-journal")):
        leftover.unlink(missing_ok=True)
    try:
        db = sqlite3.connect(path, isolation_level=None)
        started = time.perf_counter()
        db.execute("CREATE VIRTUAL TABLE t USING fts5(title, body, tokenize='unicode61')")
        db.execute("BEGIN")
        db.executemany(
            "INSERT INTO t (rowid, title, body) VALUES (?, ?, ?)",
            zip(range(len(corpus.ids)), corpus.titles, corpus.texts, strict=True),
        )
        db.execute("COMMIT")
        run = Run(PLAIN, time.perf_counter() - started)
        strict = Run(PLAIN_STRICT, run.build_seconds)
        log(f"  {PLAIN}: indexed {len(corpus.ids):,} articles in {run.build_seconds:.1f} s")
        sql = f"SELECT rowid FROM t WHERE t MATCH ? ORDER BY bm25(t, 4.0, 1.0) LIMIT {LIMIT}"
        for name in VARIANT_SETS:
            ranks, strict_ranks, empty, top = [], [], 0, []
            for target, variants in queries.items():
                started = time.perf_counter()
                try:
                    rows = db.execute(sql, (plain_query(variants[name]),)).fetchall()
                except sqlite3.OperationalError:  # a query FTS5 cannot parse finds nothing
                    rows = []
                run.latencies.append(time.perf_counter() - started)
                found = [corpus.ids[rowid] for (rowid,) in rows]
                empty += not found
                top.append(found[0] if found else None)
                group = corpus.members[corpus.group[target]]
                ranks.append(next((k for k, hit in enumerate(found, 1) if hit in group), 0))
                strict_ranks.append(next((k for k, hit in enumerate(found, 1) if hit == target), 0))
            run.ranks[name], run.empty[name], run.top[name] = ranks, empty, top
            strict.ranks[name], strict.empty[name], strict.top[name] = strict_ranks, empty, top
        strict.latencies = run.latencies
        db.close()
        log(f"  {PLAIN}: {len(run.latencies):,} queries in {sum(run.latencies):.1f} s")
    finally:
        path.unlink(missing_ok=True)
    return run, strict


# ---------------------------------------------------------------------------------- scoring


def distinctive(queries: dict[str, dict[str, str]], corpus: Corpus) -> list[bool]:
    """For each query: whether its target's duplicate group is the only one whose title has every
    clean query word (normalized, as a whole word). The other queries are ambiguous as known-item
    queries: another story's headline has the same words."""
    index: dict[str, set[int]] = defaultdict(set)
    for k, title in enumerate(corpus.titles):
        for word in ARABIC_WORD.findall(normalize(title)):
            index[word].add(k)
    out = []
    for target, variants in queries.items():
        words = normalize(variants["clean"]).split()
        found = set.intersection(*(index.get(word, set()) for word in words))
        out.append({corpus.group[corpus.ids[k]] for k in found} == {corpus.group[target]})
    return out


def known_item_ceiling(queries: dict[str, dict[str, str]], corpus: Corpus, sizes: tuple[int, int]) -> float:
    """The best success@1 any system can expect on these clean queries. A query is 2–4 words of
    one article's title (`pick_words`: a count, then that many positions, uniformly), and other
    titles could have given the very same words. Knowing the generator, the best possible
    ranker puts first the duplicate group most likely to have produced the query; it is right
    with that group's posterior probability (the target drawn uniformly, so P(article | query)
    ∝ P(query | article)). Averaged over the queries."""
    content = [content_words(title) for title in corpus.titles]
    where: dict[str, set[int]] = defaultdict(set)
    for k, words in enumerate(content):
        for word in words:
            where[word].add(k)
    expected = 0.0
    for variants in queries.values():
        query = variants["clean"].split()
        by_group: Counter[int] = Counter()
        for k in set.intersection(*(where.get(word, set()) for word in query)):
            words = content[k]
            n = len(words)
            counts = range(min(sizes[0], n), min(sizes[1], n) + 1)
            if n < 3 or len(query) not in counts:
                continue  # not an eligible target, or it could not give a query this long
            ways = _subsequences(words, query) / math.comb(n, len(query))
            by_group[corpus.group[corpus.ids[k]]] += ways / len(counts)
        expected += max(by_group.values()) / sum(by_group.values())
    return expected / len(queries)


def _subsequences(words: Sequence[str], query: Sequence[str]) -> int:
    """In how many ways the query is a subsequence of the words (positions in order)."""
    ways = [1] + [0] * len(query)
    for word in words:
        for i in range(len(query), 0, -1):
            if query[i - 1] == word:
                ways[i] += ways[i - 1]
    return ways[len(query)]


def figures(run: Run, mask: Sequence[bool]) -> dict[str, Any]:
    latencies = sorted(run.latencies)
    return {
        "build_seconds": round(run.build_seconds, 3),
        "query_seconds": round(sum(latencies), 3),
        "query_ms_mean": round(1000 * statistics.fmean(latencies), 3) if latencies else None,
        "query_ms_p95": round(1000 * percentile(latencies, 0.95), 3) if latencies else None,
        "sets": {
            name: {
                "success_at_1": round(success_at_1(run.ranks[name]), 4),
                "mrr_at_10": round(mrr(run.ranks[name]), 4),
                "found_in_10": round(sum(rank > 0 for rank in run.ranks[name]) / len(run.ranks[name]), 4),
                "no_hits": run.empty[name],
            }
            for name in VARIANT_SETS
        },
        "distinctive_success_at_1": {
            name: round(success_at_1([r for r, keep in zip(run.ranks[name], mask, strict=True) if keep]), 4)
            for name in VARIANT_SETS
        },
        "notes": run.notes,
    }


# --------------------------------------------------------------------------- name integrity

ENTITY_TYPES = ("PERS", "LOC", "ORG")
TAGS = {"O"} | {f"{p}-{t}" for p in "BI" for t in (*ENTITY_TYPES, "MISC")}
PROCLITICS = ("وال", "بال", "فال", "كال", "لل", "ال", "و", "ب", "ل", "ف", "ك")


def read_anercorp(path: Path) -> tuple[list[tuple[str, str]], Counter[str]]:
    """(token, tag) of every well-formed line, and the malformed lines counted by kind (a tag
    with no token, e.g. a lone U+200F; anything else: two tokens, a tag glued to the next token):
    those are skipped."""
    tokens, malformed = [], Counter[str]()
    for line in path.read_text("utf-8").splitlines():
        parts = line.split()
        if not parts:
            continue
        if len(parts) == 2 and parts[1] in TAGS:
            tokens.append((parts[0], parts[1]))
        elif len(parts) == 1 and parts[0] in TAGS:
            malformed["no token"] += 1
        else:
            malformed["other"] += 1
    return tokens, malformed


def _bases(word: str) -> set[str]:
    """The word and what is left of it with one proclitic removed (للرئيس → الرئيس too)."""
    out = {word}
    for prefix in PROCLITICS:
        if word.startswith(prefix) and len(word) - len(prefix) >= 2:
            out.add(word[len(prefix) :])
            if prefix == "لل":
                out.add("ال" + word[2:])
    return out


# Suffixes that make an inflection or a nisba of the same word (ة and ى already folded to ه, ي),
# tanween alef included.
INFLECTIONS = frozenset(
    [
        "ا",
        "ه",
        "ي",
        "يا",
        "يه",
        "يون",
        "يين",
        "يان",
        "يتين",
        "يتان",
        "ون",
        "ين",
        "ان",
        "ات",
        "يات",
        "تين",
        "تان",
        "ها",
        "هم",
    ]
)


_NISBA = frozenset(x for x in INFLECTIONS if x.startswith("ي"))
_FEMININE_PLURAL = frozenset(["ات", "تان", "تين"])


def same_name(name: str, other: str) -> bool:
    """Whether `other` is `name` itself, or with a clitic attached or removed (compared normalized)."""
    return bool(_bases(normalize(name)) & _bases(normalize(other)))


def inflection(name: str, other: str) -> bool:
    """Whether one is the other (clitics aside) plus an inflection suffix: لبنان / لبنانية, and
    فرنسا / فرنسي, ولاية / ولايات (a final ا or ة gives way to a nisba or a plural)."""
    for a in _bases(normalize(name)):
        for b in _bases(normalize(other)):
            short, long = sorted((a, b), key=len)
            if long.startswith(short) and long[len(short) :] in INFLECTIONS:
                return True
            head, last = short[:-1], short[-1:]  # a final ا or ة that gives way to the suffix
            if len(short) > 2 and last in ("ا", "ه") and long.startswith(head):
                rest = long[len(head) :]
                if rest in _NISBA or (last == "ه" and rest in _FEMININE_PLURAL):  # فرنسي, ولايات
                    return True
                if head.endswith("ي") and "ي" + rest in _NISBA:  # بريطانيا / بريطانيون
                    return True
    return False


def name_integrity(
    analyzers: dict[str, Any], tokens: Sequence[tuple[str, str]], examples: int = 4
) -> dict[str, Any]:
    """Per analyzer: how many distinct entity words share a term with an ordinary word form that
    is not the name with a clitic (``conflated``), and with one that is not an inflection of it
    either (``unrelated``: بوتين ~ وتين, not لبنان ~ لبنانية)."""
    names: Counter[str] = Counter()
    ordinary: set[str] = set()
    for token, tag in tokens:
        if not ARABIC_WORD.fullmatch(normalize(token)) or len(normalize(token)) < 2:
            continue
        if tag[2:] in ENTITY_TYPES:
            names[token] += 1
        elif tag == "O":
            ordinary.add(token)
    out: dict[str, Any] = {"entity_words": len(names), "ordinary_words": len(ordinary), "analyzers": {}}
    for system, analyzer in analyzers.items():
        started = time.perf_counter()
        terms = {word: frozenset(analyzer.terms(word)) for word in sorted(names.keys() | ordinary)}
        by_term: dict[str, list[str]] = defaultdict(list)
        for word in sorted(ordinary):
            for term in terms[word]:
                by_term[term].append(word)
        conflated: dict[str, list[str]] = {}
        unrelated: dict[str, list[str]] = {}
        for name in names:
            others = {o for term in terms[name] for o in by_term.get(term, ()) if not same_name(name, o)}
            if others:
                conflated[name] = sorted(others, key=lambda o: (len(o), o))
                far = [o for o in conflated[name] if not inflection(name, o)]
                if far:
                    unrelated[name] = far
        shown = sorted(unrelated, key=lambda n: (-names[n], n))[:examples]
        out["analyzers"][system] = {
            "conflated": len(conflated),
            "conflated_share": len(conflated) / len(names) if names else 0.0,
            "unrelated": len(unrelated),
            "unrelated_share": len(unrelated) / len(names) if names else 0.0,
            "no_term": sum(not terms[name] for name in names),
            "seconds": time.perf_counter() - started,
            "examples": [
                {"name": n, "terms": sorted(terms[n]), "ordinary": unrelated[n][:3], "count": names[n]}
                for n in shown
            ],
        }
    return out


# ------------------------------------------------------------------------------------ output


def print_search(report: dict[str, Any]) -> None:
    print(
        f"\nKnown-item search: {report['sample']:,} articles (seed {report['seed']}) of "
        f"{report['eligible']:,} with ≥ 3 content title words; {report['articles']:,} articles in "
        f"the index, {report['near_links']:,} near-duplicate links; ingest {report['ingest']}; "
        f"queries of {report.get('words', '2-4')} title words, top {LIMIT}; Marsad {report['marsad']}; "
        f"{report['jobs']} system(s) at a time"
    )
    sets = VARIANT_SETS
    head1 = f"{'system':34}" + "".join(f" {name:^13}" for name in sets) + f" {'build':>7} {'query':>7}"
    head2 = f"{'':34}" + "".join(f" {'S@1':>6} {'MRR':>6}" for _ in sets) + f" {'s':>7} {'ms':>7}"
    print(head1)
    print(head2)
    print("-" * len(head2))
    for system, row in report["systems"].items():
        cells = "".join(
            f" {row['sets'][name]['success_at_1']:>6.3f} {row['sets'][name]['mrr_at_10']:>6.3f}"
            for name in sets
        )
        print(f"{system:34}{cells} {row['build_seconds']:>7.1f} {row['query_ms_mean']:>7.2f}")
    print(
        "(S@1: success@1; MRR: MRR@10. Correct: Marsad, the target is in the hit's duplicate group; "
        f"'{PLAIN}', the hit is the target or in its near-duplicate group; '{PLAIN_STRICT}', the hit "
        "is the target. build: index build, s; query: mean ms a query, each measured in the "
        "system's own process.)"
    )
    print(
        f"\nsuccess@1 on the {report['distinctive']:,} distinctive queries (no other story's title has "
        f"every clean query word; in the other {report['sample'] - report['distinctive']:,} another "
        "headline has the same words, so rank 1 is partly luck):"
    )
    print(f"{'system':34}" + "".join(f" {name:>9}" for name in sets))
    for system, row in report["systems"].items():
        print(f"{system:34}" + "".join(f" {row['distinctive_success_at_1'][name]:>9.3f}" for name in sets))
    print("example query: " + " | ".join(f"{name}: {query}" for name, query in report["example"].items()))
    empty = {s: r["sets"] for s, r in report["systems"].items()}
    print(
        "queries with no hit at all: "
        + "; ".join(
            f"{system.split(' (')[0]}: " + "/".join(str(sets_[name]["no_hits"]) for name in sets)
            for system, sets_ in empty.items()
            if system != PLAIN_STRICT
        )
        + f" (per set: {'/'.join(sets)})"
    )
    notes = report["systems"].get(DEFAULT, {}).get("notes", {})
    if notes.get("group mismatches") or notes.get("uncollapsed pages"):
        print(
            f"API check: {notes['group mismatches']} hits whose hit.group differs from the store's "
            f"near-duplicate group; {notes['uncollapsed pages']} result pages with two hits of one group"
        )


def print_goal(report: dict[str, Any]) -> None:
    rows = report["systems"]
    if DEFAULT not in rows:
        return
    print(
        f"\nGoal: Marsad success@1 ≥ {GOAL_SUCCESS} on the variant sets and "
        f"≥ {GOAL_MARGIN * 100:.0f} points above plain FTS5"
    )
    met = True
    for name in GOAL_SETS:
        ours = rows[DEFAULT]["sets"][name]["success_at_1"]
        plain = rows[PLAIN]["sets"][name]["success_at_1"]
        ok = ours >= GOAL_SUCCESS and ours - plain >= GOAL_MARGIN
        met &= ok
        print(
            f"  {name:9} Marsad {ours:.3f}, plain {plain:.3f}, {(ours - plain) * 100:+.1f} points: "
            f"{'met' if ok else 'NOT MET'}   (distinctive queries: Marsad "
            f"{rows[DEFAULT]['distinctive_success_at_1'][name]:.3f}, plain "
            f"{rows[PLAIN]['distinctive_success_at_1'][name]:.3f})"
        )
    clean = rows[DEFAULT]["sets"]["clean"]["success_at_1"]
    print(
        f"  (clean queries: Marsad {clean:.3f}, plain {rows[PLAIN]['sets']['clean']['success_at_1']:.3f}; "
        f"distinctive: Marsad {rows[DEFAULT]['distinctive_success_at_1']['clean']:.3f}, "
        f"plain {rows[PLAIN]['distinctive_success_at_1']['clean']:.3f})"
    )
    print(f"  goal {'MET' if met else 'NOT MET'} (on all {report['sample']:,} queries)")
    print(
        f"  the best success@1 any system can expect on these queries (known_item_ceiling: other"
        f" titles could have given the same words): {report['ceiling']:.3f}"
    )
    report["goal_met"] = met


def print_misses(report: dict[str, Any], per_set: int = 3) -> None:
    misses = report.get("misses", {})
    if not any(misses.values()):
        return
    print(
        f"\nMarsad (default) misses at rank 1 on distinctive queries, first {per_set} per variant set; "
        "for the rewritten sets, only queries whose clean form was found at rank 1 (what the rewrite "
        "broke). Query → target title | title of the top hit; every miss is in --json:"
    )
    clean_missed = {m["target"] for m in misses.get("clean", [])}
    for name in VARIANT_SETS:
        shown = [
            m
            for m in misses.get(name, [])
            if m["distinctive"] and (name == "clean" or m["target"] not in clean_missed)
        ]
        for miss in shown[:per_set]:
            print(f"  {name:9} {miss['query']} → {miss['target_title']} | {miss['top_title'] or '(no hit)'}")


def print_names(report: dict[str, Any]) -> None:
    print(
        f"\nName integrity on ANERcorp: {report['entity_words']:,} distinct entity words (PERS/LOC/ORG), "
        f"{report['ordinary_words']:,} distinct O words; malformed lines skipped: "
        + ", ".join(f"{count} {kind}" for kind, count in sorted(report["malformed"].items()))
    )
    header = (
        f"{'analyzer':34} {'conflated':>15} {'unrelated':>15}  "
        "examples of unrelated (name [its term] ~ O words with that term)"
    )
    print(header)
    print("-" * len(header))
    for system, row in report["analyzers"].items():
        shown = "; ".join(
            f"{e['name']} [{'/'.join(e['terms'])}] ~ {'، '.join(e['ordinary'])}" for e in row["examples"]
        )
        print(
            f"{system:34} {row['conflated']:>6,} {row['conflated_share']:>7.2%} "
            f"{row['unrelated']:>6,} {row['unrelated_share']:>7.2%}  {shown}"
        )
    print(
        "(conflated: the name's term is also the term of an O-tagged word form that is not the name with "
        "و ب ل ف ك ال وال بال لل attached or removed; unrelated: nor an inflection of it (+ه ي يه يا يون "
        "يين يان ون ين ان ات…: لبنان ~ لبنانية, فرنسا ~ فرنسي are not counted). Forms are compared "
        "normalized, so what normalization alone folds (علي / على) is not counted. Share of entity "
        "words; lower is better)"
    )


# -------------------------------------------------------------------------------------- main


_SHARED: dict[str, Any] = {}  # what forked workers inherit instead of receiving it pickled


def _run_system(system: str) -> Run | tuple[Run, Run]:
    db, queries, corpus = _SHARED["db"], _SHARED["queries"], _SHARED["corpus"]
    if system == PLAIN:
        return run_plain(queries, corpus, db.parent)
    return run_marsad(system, db, queries, corpus)


def run_systems(
    systems: Sequence[str], db: Path, queries: dict[str, dict[str, str]], corpus: Corpus, jobs: int
) -> list[Run]:
    """Every system, `jobs` at a time (each system runs whole in one process: its timings are
    its own, though two at once share the memory bus and the disk)."""
    _SHARED.update(db=db, queries=queries, corpus=corpus)
    # Longest first, so that the two workers finish together: Tashaphyne's index and ISRI's
    # queries are the slow ones, the plain baseline the quick one.
    slow = {DEFAULT: 0, "stem: Tashaphyne light": 1, "stem: ISRI (NLTK)": 2, PLAIN: 9}
    systems = sorted(systems, key=lambda s: slow.get(s, 5))
    if jobs <= 1:
        results = [_run_system(system) for system in systems]
    else:
        with ProcessPoolExecutor(jobs, mp_context=get_context("fork")) as pool:
            results = list(pool.map(_run_system, systems))
    runs: list[Run] = []
    for result in results:
        runs.extend(result if isinstance(result, tuple) else [result])
    order = [PLAIN, PLAIN_STRICT, *SYSTEMS]
    return sorted(runs, key=lambda run: order.index(run.system))


def collect_misses(
    run: Run, queries: dict[str, dict[str, str]], corpus: Corpus, mask: Sequence[bool]
) -> dict[str, list[dict]]:
    title_of = dict(zip(corpus.ids, corpus.titles, strict=True))
    out: dict[str, list[dict]] = {}
    for name in VARIANT_SETS:
        out[name] = [
            {
                "target": target,
                "query": variants[name],
                "rank": rank,
                "target_title": title_of[target],
                "top": top,
                "top_title": title_of.get(top) if top else None,
                "distinctive": keep,
            }
            for (target, variants), rank, top, keep in zip(
                queries.items(), run.ranks[name], run.top[name], mask, strict=True
            )
            if rank != 1
        ]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=SAUDINEWSNET, help="the SaudiNewsNet folder")
    parser.add_argument("--anercorp", type=Path, default=ANERCORP)
    parser.add_argument("--sample", type=int, default=1000, help="articles to query (default 1000)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument(
        "--jobs", type=int, default=min(2, len(os.sched_getaffinity(0))), help="systems at once"
    )
    parser.add_argument("--systems", help="comma-separated substrings: run only the matching Marsad systems")
    parser.add_argument("--only", choices=("search", "names"))
    parser.add_argument(
        "--db", type=Path, help="an already ingested database to use (default: ingest, cached)"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--words", default="2-4", help="words per query, taken from the title (default 2-4)")
    args = parser.parse_args()

    systems = [s for s in SYSTEMS if not args.systems or any(p in s for p in args.systems.split(","))]
    out: dict[str, Any] = {"seed": args.seed, "sample": args.sample, "jobs": args.jobs, "words": args.words}
    started = time.perf_counter()
    if args.only != "names":
        if args.db:
            db, ingest_seconds, cached = args.db, 0.0, True
        else:
            db, ingest_seconds, cached = ingested_saudinewsnet(args.data)
        log(f"ingested database: {db.name} ({'cached' if cached else f'{ingest_seconds:.0f} s'})")
        # This run's own directory and copy of the database: another run may replace the cache
        # (new Marsad source) or copy its systems at the same time.
        WORK_DIR.mkdir(parents=True, exist_ok=True)
        run_dir = Path(tempfile.mkdtemp(prefix="run-", dir=WORK_DIR))
        atexit.register(shutil.rmtree, run_dir, ignore_errors=True)
        base = run_dir / "ingested.db"
        shutil.copyfile(db, base)
        corpus = load_corpus(base)
        words = cached_vocabulary(db, corpus)
        sizes = tuple(int(n) for n in args.words.split("-"))
        queries, eligible = sample_queries(
            corpus.ids, corpus.titles, args.sample, args.seed, words, (sizes[0], sizes[-1])
        )
        if eligible < args.sample:
            sys.exit(f"only {eligible} articles have a title with ≥ 3 content words")
        log(f"{len(corpus.ids):,} articles, {len(queries):,} queries × {len(VARIANT_SETS)} variant sets")
        example = next(iter(queries.values()))
        log("example: " + " | ".join(f"{name}: {q}" for name, q in example.items()))
        mask = distinctive(queries, corpus)
        ceiling = known_item_ceiling(queries, corpus, (sizes[0], sizes[-1]))
        runs = run_systems([PLAIN, *systems], base, queries, corpus, args.jobs)
        out.update(
            articles=len(corpus.ids),
            eligible=eligible,
            near_links=corpus.links,
            ingest=(
                f"{db} (given with --db)"
                if args.db
                else f"{ingest_seconds:.1f} s{' (cached)' if cached else ''}"
            ),
            marsad=marsad_version(),
            example=example,
            distinctive=sum(mask),
            ceiling=round(ceiling, 4),
            systems={run.system: figures(run, mask) for run in runs},
        )
        default = next((run for run in runs if run.system == DEFAULT), None)
        if default is not None:
            out["misses"] = collect_misses(default, queries, corpus, mask)
        print_search(out)
        print_goal(out)
        print_misses(out)
    if args.only != "search":
        tokens, malformed = read_anercorp(require(args.anercorp))
        analyzers = {system: make_analyzer(system) for system in systems}
        log(f"ANERcorp: {len(tokens):,} tokens; name integrity for {len(analyzers)} analyzers")
        out["names"] = {"malformed": dict(malformed), **name_integrity(analyzers, tokens)}
        print_names(out["names"])
    out["seconds"] = time.perf_counter() - started
    print(f"\nwhole run: {out['seconds']:.0f} s")
    write_json(args.json, out)


if __name__ == "__main__":
    main()

"""Search end to end on real SQLite files: the bundled sample corpus and the seed pages."""

from __future__ import annotations

import json
import random
import shutil
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from urllib.parse import quote
from urllib.request import urlopen

import pytest

from marsad import service
from marsad.search import engine
from marsad.search.analyzer import Analyzer, default_analyzer
from marsad.search.engine import IndexNotReady
from marsad.search.index import analyzed, backlog, index_articles, index_doc, prepare_row, search_index
from marsad.search.port import SearchSource
from marsad.search.query import QueryError, parse_query
from marsad.search.snippet import _best_window, make_snippet
from marsad.search.stemmers import light_stem
from marsad.store.base import Store
from marsad.store.sqlite import SqliteStore, copy_archive, migrations
from tests.serving import free_port, serving
from tests.test_cli import run


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("search") / "sample.db"
    pages = resources.files("marsad.sample").joinpath("pages")
    with resources.as_file(pages) as folder, SqliteStore(db) as store:
        service.ingest([str(folder)], store)
        store.checkpoint()
    return db


@pytest.fixture
def store(sample_db: Path, tmp_path: Path) -> Iterator[SqliteStore]:
    copy = tmp_path / "copy.db"
    copy_archive(sample_db, copy)
    with SqliteStore(copy) as opened:
        yield opened


def _most_syndicated(store: Store) -> tuple[str, str]:
    record = max((r for r in store.articles() if r.title), key=lambda r: len({p.outlet for p in r.pages}))
    assert record.title
    return record.article_id, record.title


def _analyzer_version(store: SqliteStore) -> str | None:
    state = search_index(store).state
    return state.analyzer if state else None


def test_ingest_indexes_everything(store: SqliteStore) -> None:
    assert backlog(store) == 0
    assert _analyzer_version(store) == default_analyzer().version
    assert search_index(store).document_frequencies([])[0] == store.counts()["articles"]


def test_title_words_in_other_spellings_and_clitics_find_the_article(store: SqliteStore) -> None:
    article_id, title = _most_syndicated(store)
    words = [w for w in title.split() if len(w) > 3][:3]
    rewritten = [("و" + w) if not w.startswith("ال") else ("بال" + w[2:]) for w in words]
    rewritten = [w.replace("أ", "ا").replace("إ", "ا").replace("ة", "ه") for w in rewritten]
    for query in (" ".join(words), " ".join(rewritten), " ".join(w[:2] + "َ" + w[2:] for w in words)):
        page = engine.search(store, query, limit=5)
        assert page.hits, query
        assert article_id in page.hits[0].group, query


def test_one_hit_per_duplicate_group_with_its_outlets(store: SqliteStore) -> None:
    article_id, title = _most_syndicated(store)
    page = engine.search(store, title, limit=20)
    groups = [frozenset(hit.group) for hit in page.hits]
    assert all(not (a & b) for i, a in enumerate(groups) for b in groups[i + 1 :])
    top = page.hits[0]
    assert article_id in top.group
    record = next(r for r in store.articles() if r.article_id == article_id)
    assert {p.outlet for p in record.pages} <= set(top.outlets)
    assert len(top.outlets) >= 3
    near = dict(((a, b), k) for a, b, k, _ in store.near_links())
    for other in top.group[1:]:  # every other member is linked into the group
        assert any(other in pair for pair in near)


def test_phrase_exclusion_or_and_filters(store: SqliteStore) -> None:
    article_id, title = _most_syndicated(store)
    words = [w for w in title.split() if len(w) > 3]
    both = engine.search(store, f"{words[0]} {words[1]}", limit=100)
    phrase = engine.search(store, f'"{words[0]} {words[1]}"', limit=100)
    assert 0 < phrase.total <= both.total
    excluded = engine.search(store, f"{words[0]} -{words[1]}", limit=100)
    assert all(article_id not in hit.group for hit in excluded.hits)
    either = engine.search(store, f"{words[0]} OR {words[1]}", limit=100)
    assert either.total >= both.total
    outlet = next(iter(next(r for r in store.articles() if r.article_id == article_id).pages)).outlet
    assert outlet
    only = engine.search(store, f"{words[0]} outlet:{outlet}", limit=100)
    assert only.total >= 1
    assert all(outlet in hit.outlets for hit in only.hits)
    none = engine.search(store, f"{words[0]} -outlet:{outlet}", limit=100)
    assert all(article_id not in hit.group for hit in none.hits)
    assert engine.search(store, "date:1990-01-01..1990-12-31").total == 0
    dated = next(r for r in store.articles() if r.first_seen)
    assert dated.first_seen
    day = dated.first_seen[:10]
    in_day = engine.search(store, f"date:{day}", limit=100)
    assert in_day.total >= 1
    assert all(hit.first_seen and hit.first_seen[:10] == day for hit in in_day.hits)


def test_wire_and_tag_filters_match_spelling_variants(store: SqliteStore) -> None:
    tagged = next(r for r in store.articles() if r.tags and r.wire)
    tag = tagged.tags[0].replace("أ", "ا").replace("ة", "ه")
    page = engine.search(store, f'tag:"{tag}"', limit=100)
    assert any(tagged.article_id in hit.group for hit in page.hits)
    wire = tagged.wire[0]
    wired = engine.search(store, f"wire:{wire.lower()}", limit=100)
    assert any(tagged.article_id in hit.group for hit in wired.hits)
    others = {r.article_id for r in store.articles() if wire not in r.wire}
    for hit in wired.hits:
        assert hit.article_id not in others


def test_pages_split_the_ranking_without_overlap(store: SqliteStore) -> None:
    everything = engine.search(store, "date:2000..2100", limit=100)
    assert everything.total == len(everything.hits) > 6
    first = engine.search(store, "date:2000..2100", limit=3)
    second = engine.search(store, "date:2000..2100", limit=3, offset=3)
    assert [h.article_id for h in first.hits + second.hits] == [h.article_id for h in everything.hits[:6]]
    beyond = engine.search(store, "date:2000..2100", limit=3, offset=1000)
    assert beyond.hits == [] and beyond.total == everything.total


def test_snippets_mark_matches_in_the_original_text(store: SqliteStore) -> None:
    _, title = _most_syndicated(store)
    word = max(title.split(), key=len)
    analyzer = default_analyzer()
    wanted = set(analyzer.terms(word))
    page = engine.search(store, "و" + word, limit=3)
    for hit in page.hits:
        assert hit.snippet.text.strip("… ") in " ".join(r.text for r in store.articles()).replace("\n", " ")
        assert hit.snippet.marks
        for start, end in hit.snippet.marks:
            assert set(analyzer.terms(hit.snippet.text[start:end])) & wanted


def test_snippets_mark_every_spelling_of_a_term() -> None:
    """Hamza, tashkeel, tatweel and the لل of «للعراق» (whose term is العراق) are all marked;
    a word that only holds the letters (عراقيل) is not."""
    analyzer = default_analyzer()
    text = "وصل الوفد إلى بغداد. وقالَ إنّ العِراق يرحب، وإن الدعم للعراق مستمر رغم العراقيل والعـراق."
    snippet = make_snippet(text, set(analyzer.terms("العراق")), analyzer)
    marked = [snippet.text[start:end] for start, end in snippet.marks]
    assert marked == ["العِراق", "للعراق", "والعـراق"]


def _best_window_by_sliding(matched: list[str], size: int) -> int:
    """Every window scored (the definition `_best_window` must agree with)."""
    starts = range(max(1, len(matched) - size + 1))

    def score(start: int) -> tuple[int, int, int]:
        window = [term for term in matched[start : start + size] if term]
        return len(set(window)), len(window), -start

    return max(starts, key=score)


@pytest.mark.parametrize("seed", range(200))
def test_snippet_window_is_the_best_one(seed: int) -> None:
    rng = random.Random(seed)
    words, size = rng.randrange(1, 60), rng.randrange(1, 12)
    matched = [rng.choice(["", "", "", "", "a", "b", "c"]) for _ in range(words)]
    by_position = {i: term for i, term in enumerate(matched) if term}
    assert _best_window(by_position, words, size) == _best_window_by_sliding(matched, size)


def test_similar_articles_leave_out_the_articles_own_group(store: SqliteStore) -> None:
    article_id, _ = _most_syndicated(store)
    similar = engine.similar(store, article_id, limit=5)
    own = set(engine.search(store, _most_syndicated(store)[1], limit=1).hits[0].group)
    assert similar.hits
    assert all(not (set(hit.group) & own) for hit in similar.hits)
    scores = [hit.score for hit in similar.hits]
    assert scores == sorted(scores, reverse=True)
    with pytest.raises(engine.NotFound):
        engine.similar(store, "no-such-article")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('"بوتين', "quotation mark"),
        ("OR بوتين", "OR needs"),
        ("بوتين OR", "OR needs"),
        ("-بوتين", "cannot only exclude"),
        ("في من", "common words"),
        ("", "empty query"),
        ("source:x", "unknown filter"),
        ("date:2015-02-30", "not a real date"),
        ("date:yesterday", "not a date"),
    ],
)
def test_malformed_queries_get_a_clear_message(query: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        parse_query(query, default_analyzer())


@pytest.mark.parametrize(
    "query", ["'); DROP TABLE articles; --", 'x" OR 1=1 --', "NEAR(a b) * ^x", "{title}: y", "a AND NOT b"]
)
def test_hostile_queries_are_words_or_a_clear_error_never_sql(store: SqliteStore, query: str) -> None:
    articles = store.counts()["articles"]
    try:
        engine.search(store, query)
    except QueryError as error:
        assert "quotation mark" in str(error)
    assert store.counts()["articles"] == articles


def test_changing_the_analyzer_rebuilds_the_index(store: SqliteStore) -> None:
    """A search never queries an index another analyzer made (it says to reindex, and never
    writes); reindexing with the other analyzer rebuilds it."""
    lucene = Analyzer(light_stem, name="lucene")
    with pytest.raises(IndexNotReady, match="marsad reindex"):
        engine.search(store, "والرئيس", analyzer=lucene)
    assert _analyzer_version(store) == default_analyzer().version  # the search wrote nothing
    index_articles(store, lucene)
    assert _analyzer_version(store) == lucene.version
    page = engine.search(store, "والرئيس", analyzer=lucene)
    assert page.total == engine.search(store, "الرئيس", analyzer=lucene).total
    service.reindex(store)
    assert _analyzer_version(store) == default_analyzer().version


def test_incremental_indexing_equals_one_shot(tmp_path: Path, seeds: list[Path]) -> None:
    with SqliteStore(tmp_path / "a.db") as store:
        service.ingest([str(seeds[0])], store)
        assert engine.search(store, "ماسك").total >= 1
        service.ingest([str(seeds[1])], store, search=False)
        waiting = backlog(store)
        assert waiting > 0 and engine.search(store, "ماسك").unindexed == waiting  # reads never index
        assert service.reindex(store) == waiting
        stepwise = engine.search(store, "ايلون ماسك", limit=10)
        assert backlog(store) == 0 and stepwise.unindexed == 0
    with SqliteStore(tmp_path / "b.db") as store:
        service.ingest(list(map(str, seeds)), store)
        once = engine.search(store, "ايلون ماسك", limit=10)
    assert [h.article_id for h in stepwise.hits] == [h.article_id for h in once.hits]
    assert stepwise.total == once.total == 2


def test_putin_finds_the_seed_article_and_not_unrelated_words(tmp_path: Path, seeds: list[Path]) -> None:
    with SqliteStore(tmp_path / "seeds.db") as store:
        service.ingest(list(map(str, seeds)), store)
        kremlin = next(r.article_id for r in store.articles() if r.text.startswith("رد الكرملين"))
        queries = ["بوتين", "وبوتين", "لبوتين", "بوتِين", 'tag:"فلاديمير بوتين"']
        queries += ['wire:"فرانس برس"', "wire:afp"]
        for query in queries:
            page = engine.search(store, query)
            assert page.hits, query
            assert page.hits[0].article_id == kremlin, query
            assert page.hits[0].pages == 2  # both seed pages carried it
        assert engine.search(store, "وتين").total == 0  # what Snowball would have made of بوتين


def test_cli_search_and_similar(sample_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    shutil.copyfile(sample_db, db)  # the file alone: no index beside it
    with SqliteStore(db) as store:
        article_id, title = _most_syndicated(store)
    unbuilt = run("search", title, "--db", str(db))  # searches only read: they say to reindex
    assert unbuilt.returncode == 1 and "marsad reindex" in unbuilt.stderr
    assert "Traceback" not in unbuilt.stderr
    built = run("reindex", "--db", str(db))
    assert built.returncode == 0 and "indexed" in built.stderr
    done = run("search", title, "--db", str(db), "--json", "--limit", "3")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["total"] >= 1 and len(result["hits"]) <= 3
    hit = result["hits"][0]
    assert {"id", "title", "score", "snippet", "outlets", "highlights"} <= set(hit)
    assert article_id == hit["id"] or article_id in hit["duplicates"]
    table = run("search", title, "--db", str(db))
    assert table.returncode == 0 and hit["id"][:12] in table.stdout
    similar = run("similar", hit["id"], "--db", str(db), "--json")
    assert similar.returncode == 0, similar.stderr
    assert all(h["id"] != hit["id"] for h in json.loads(similar.stdout)["hits"])
    bad = run("search", '"unclosed', "--db", str(db))
    assert bad.returncode == 2 and "quotation mark" in bad.stderr and "Traceback" not in bad.stderr
    missing = run("similar", "nope", "--db", str(db))
    assert missing.returncode == 2 and "no article" in missing.stderr
    shown = run("article", hit["id"], "--db", str(db), "--json")
    assert shown.returncode == 0, shown.stderr
    one = json.loads(shown.stdout)
    assert one["id"] == hit["id"] and one["title"] == hit["title"] and one["pages"]
    assert one["duplicates"] >= len(hit["duplicates"]) + 1
    assert run("article", "nope", "--db", str(db)).returncode == 2


def test_early_stopping_ranks_as_scoring_every_match(
    store: SqliteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The index fetches its best k matches and grows k only until the page is provably right
    (recency and one hit per group applied on top): the pages must be the ones fetching every
    match gives, page after page. Past EXACT_TOTAL_MAX the total counts articles instead."""
    import marsad.search.ranking as ranking
    import marsad.search.tantivy_index as tantivy_index

    queries = [
        "جديد",
        "مليار",
        "الحكومة OR المياه",
        "اليوم -مداد",
        "date:2000..2100 دولار",
        '"مليار دولار"',
        "date:2000..2100",
    ]
    monkeypatch.setattr(ranking, "FIRST_FETCH", 100_000)  # every match at once
    exact = {q: [engine.search(store, q, limit=2, offset=o) for o in (0, 2, 4)] for q in queries}
    assert all(pages[0].total >= 3 for pages in exact.values())
    monkeypatch.setattr(ranking, "FIRST_FETCH", 1)
    monkeypatch.setattr(ranking, "GROWTH", 2)
    monkeypatch.setattr(tantivy_index, "EXACT_TOTAL_MAX", 0)
    inexact = 0
    for query, pages in exact.items():
        for offset, page in zip((0, 2, 4), pages, strict=True):
            stepwise = engine.search(store, query, limit=2, offset=offset)
            assert [h.article_id for h in stepwise.hits] == [h.article_id for h in page.hits], (query, offset)
            assert [h.score for h in stepwise.hits] == pytest.approx([h.score for h in page.hits])
            assert page.total_exact and stepwise.total >= page.total
            inexact += not stepwise.total_exact
    assert inexact  # the article count stood in for the group count somewhere


def test_a_title_match_ranks_above_body_only_matches(store: SqliteStore) -> None:
    page = engine.search(store, "جديد", limit=100)
    analyzer = default_analyzer()
    in_title = ["جديد" in analyzer.terms(hit.title or "") for hit in page.hits]
    assert any(in_title) and not all(in_title)
    assert in_title == sorted(in_title, reverse=True)


def test_a_prepared_row_serves_only_the_title_and_tags_it_was_made_from() -> None:
    analyzer = default_analyzer()
    text = "أعلنت وزارة الطاقة عن خطة لتوسيع محطات الطاقة الشمسية"
    row = prepare_row("خطة الطاقة الشمسية", text, ["الطاقة"], analyzer)
    same = SearchSource(5, "a1", "خطة الطاقة الشمسية", text, ["الطاقة"])
    assert analyzed(same, analyzer, row) == analyzed(same, analyzer)
    # another copy filled in another title and added a tag: the row is remade from the store's
    other = SearchSource(5, "a1", "محطات جديدة للكهرباء", text, ["الطاقة", "الكهرباء"])
    assert analyzed(other, analyzer, row) == analyzed(other, analyzer) != analyzed(same, analyzer)


def test_rows_made_on_the_runner_are_what_the_index_would_make(tmp_path: Path) -> None:
    """Ingest analyzes articles on the runner's workers (a process pool here), keyed by article
    id, from one page's copy; the index must hold exactly what indexing each stored article
    again gives, also where copies on other pages added tags or a title (the sample has such):
    every field's terms, with the number of articles holding each."""
    from marsad.runner import ProcessRunner

    pages = resources.files("marsad.sample").joinpath("pages")
    runner = ProcessRunner(2)
    try:
        with resources.as_file(pages) as folder, SqliteStore(tmp_path / "p.db") as store:
            service.ingest([str(folder)], store, runner=runner)
            records = list(store.articles())
            assert len(records) > 20
            assert any(len(r.pages) > 1 and r.tags for r in records)  # copies that brought tags
            fields = ("title", "body", "tags", "title_exact", "outlet", "wire")
            ingested = {f: search_index(store).field_terms(f) for f in fields}
        copy_archive(tmp_path / "p.db", tmp_path / "again.db")
        with SqliteStore(tmp_path / "again.db") as store:
            assert index_articles(store, rebuild=True) == len(records)
            again = {f: search_index(store).field_terms(f) for f in fields}
        assert ingested == again
        assert all(ingested[f] for f in fields)
    finally:
        runner.close()


def test_demo_ingests_the_sample_and_finds_a_story_from_a_variant_query(tmp_path: Path) -> None:
    kept = tmp_path / "demo.db"
    done = run("demo", "--keep", str(kept))
    assert done.returncode == 0, done.stderr
    assert "ومسقط بتحليه المياه" in done.stderr
    assert "مؤتمر مسقط للمياه" in done.stdout  # the top hit, though no page spells it so
    with SqliteStore(kept) as store:
        assert backlog(store) == 0
        top = engine.search(store, "ومسقط بتحليه المياه").hits[0]
        assert len(top.outlets) >= 5


def test_demo_can_end_by_serving_the_sample_in_the_browser() -> None:
    """`marsad demo --serve` ingests, prints the address, and serves the sample there."""
    port = free_port()
    with serving("demo", "--serve", "--port", str(port), port=port, wait=120) as (base, _):
        with urlopen(f"{base}/api/search?q=" + quote("ومسقط بتحليه المياه"), timeout=10) as answer:
            hits = json.load(answer)["hits"]
        assert len(hits[0]["outlets"]) >= 5
        with urlopen(f"{base}/", timeout=10) as home:
            assert 'dir="rtl"' in home.read().decode("utf-8")


def test_a_database_from_before_search_is_upgraded_in_place(sample_db: Path, tmp_path: Path) -> None:
    """A file made before migrations 3 to 7 (no search index, no kept groups, no credits, dedup
    keyed by seq) opens, gets its groups from its stored links, and once reindexed its searches
    collapse the groups."""
    import sqlite3

    db = tmp_path / "old.db"
    shutil.copyfile(sample_db, db)
    with SqliteStore(db) as store:
        service.reindex(store)
        before = {frozenset(h.group) for h in engine.search(store, "date:2000..2100", limit=100).hits}
    with sqlite3.connect(db) as raw:  # back to the schema of version 2 (dedup keyed by seq)
        raw.executescript(
            "CREATE TABLE docs (seq INTEGER PRIMARY KEY, sample_size INTEGER NOT NULL, sample BLOB NOT NULL);"
            " INSERT INTO docs SELECT a.seq, d.sample_size, d.sample FROM dedup_docs d"
            " JOIN articles a ON a.article_key = d.article_key;"
            " DROP TABLE dedup_docs; ALTER TABLE docs RENAME TO dedup_docs;"
            " CREATE TABLE links (a INTEGER NOT NULL, b INTEGER NOT NULL, kind TEXT NOT NULL,"
            " score REAL NOT NULL, PRIMARY KEY (a, b)) WITHOUT ROWID;"
            " INSERT INTO links SELECT min(x.seq, y.seq), max(x.seq, y.seq), l.kind, l.score"
            " FROM dedup_links l JOIN articles x ON x.article_key = l.a"
            " JOIN articles y ON y.article_key = l.b;"
            " DROP TABLE dedup_links; ALTER TABLE links RENAME TO dedup_links;"
            " CREATE INDEX dedup_links_b ON dedup_links (b);"
            " DROP TABLE article_changes; DROP TABLE consumer_cursors; DROP INDEX articles_key;"
            " ALTER TABLE articles DROP COLUMN article_key; DROP TABLE meta;"
            " DROP TABLE article_groups; DROP INDEX IF EXISTS articles_first_seen;"
            " DROP TABLE stories; DROP TABLE article_stories; DROP TABLE story_terms;"
            " DROP TABLE entities; DROP TABLE article_entities; DROP TABLE entity_names;"
            " DROP INDEX IF EXISTS pages_outlet; DROP TABLE template_edges;"
            " ALTER TABLE pages DROP COLUMN byline; ALTER TABLE occurrences DROP COLUMN dateline;"
            + "".join(
                f" ALTER TABLE articles DROP COLUMN {column};"
                for column in ("dateline", "place", "dated", "authors", "boilerplate")
            )
            + " PRAGMA user_version = 2;"
        )
    with SqliteStore(db) as store:
        assert store.schema_version == migrations()[-1][0]
        assert backlog(store) == store.counts()["articles"]
        service.reindex(store)
        after = {frozenset(h.group) for h in engine.search(store, "date:2000..2100", limit=100).hits}
        assert backlog(store) == 0
    assert after == before
    assert any(len(group) > 1 for group in after)


def test_an_index_that_does_not_match_its_store_is_rebuilt(sample_db: Path, tmp_path: Path) -> None:
    """The index is derived: missing, built for another archive, or claiming articles the file
    does not have, it is rebuilt from the file and gives the same hits."""
    query = "ومسقط بتحليه المياه"
    with SqliteStore(sample_db) as store:
        expected = [h.article_id for h in engine.search(store, query).hits]
    alone = tmp_path / "alone.db"
    shutil.copyfile(sample_db, alone)  # the file without its index
    with SqliteStore(alone) as store:
        assert backlog(store) == store.counts()["articles"]
        assert service.reindex(store) == store.counts()["articles"]
        assert [h.article_id for h in engine.search(store, query).hits] == expected
    other = tmp_path / "other.db"
    SqliteStore(other).close()  # another archive (empty), given the sample's index
    shutil.copytree(Path(f"{sample_db}.search"), Path(f"{other}.search"), dirs_exist_ok=True)
    with SqliteStore(other) as store:
        with pytest.raises(IndexNotReady):  # never answers with another archive's articles
            engine.search(store, "date:2000..2100")
        service.reindex(store)
        assert engine.search(store, "date:2000..2100").total == 0
        assert search_index(store).state.archive == store.archive_id  # type: ignore[union-attr]


def test_search_while_another_process_writes_the_index(store: SqliteStore) -> None:
    """tantivy allows one writer per index: a search meanwhile reads the last commit, and a
    reindex says clearly that another process writes it."""
    from marsad.search.tantivy_index import IndexBusy, TantivyIndex

    query = "ومسقط بتحليه المياه"
    expected = [h.article_id for h in engine.search(store, query).hits]
    other = TantivyIndex(search_index(store).folder)  # as an ingest in another process would
    with other.writing():
        assert [h.article_id for h in engine.search(store, query).hits] == expected
        with pytest.raises(IndexBusy, match="another process"):
            service.reindex(store, rebuild=True)


def test_an_index_batch_written_twice_is_not_doubled(store: SqliteStore) -> None:
    """A crash between the index's commit and its cursor's move replays the batch."""
    index = search_index(store)
    docs_before = index.document_frequencies([])[0]
    terms = index.field_terms("body")
    changes = store.changes_after(0, 5)
    sources = store.search_sources([c.key for c in changes])
    with index.writing():
        index.add([index_doc(s, default_analyzer()) for s in sources], changes[-1].pos)
        index.commit()
    assert index.document_frequencies([])[0] == docs_before
    assert index.field_terms("body") == terms


def test_a_new_outlet_or_tag_from_a_later_copy_reaches_the_index(tmp_path: Path) -> None:
    """Another page carrying an article already indexed changes what filters see: its outlets,
    and the tags it brings."""
    text = (
        "أعلنت وزارة الطاقة اليوم عن خطة لتوسيع محطات الطاقة الشمسية في ثلاث مناطق، "
        "وقال متحدث باسم الوزارة إن المشروع يبدأ مطلع العام المقبل."
    )
    first = tmp_path / "pages" / "first.example" / "a.txt"
    second = tmp_path / "pages" / "second.example" / "b.txt"
    first.parent.mkdir(parents=True)
    second.parent.mkdir(parents=True)
    page = f"خطة للطاقة الشمسية\n\n{text}\n"
    first.write_text(page, encoding="utf-8")
    second.write_text(page + "\nكلمات دلالية: الطاقة المتجددة، وزارة الطاقة\n", encoding="utf-8")
    with SqliteStore(tmp_path / "t.db") as store:
        service.ingest([str(first)], store)
        assert engine.search(store, "الشمسية outlet:second").total == 0
        assert engine.search(store, 'tag:"الطاقة المتجددة"').total == 0
        service.ingest([str(second)], store)
        assert store.counts()["articles"] == 1
        hits = engine.search(store, "الشمسية outlet:second").hits
        assert len(hits) == 1 and set(hits[0].outlets) == {"first.example", "second.example"}
        assert engine.search(store, 'tag:"الطاقة المتجددة"').total == 1
        assert engine.search(store, "الشمسية -outlet:first").total == 0


def test_an_ingest_that_fails_midway_leaves_what_it_stored_indexed(tmp_path: Path) -> None:
    """During an ingest the index commits rarely (each commit is a segment to merge): what it
    added is committed when the ingest ends, also when it ends in an error."""
    pages = resources.files("marsad.sample").joinpath("pages")
    batches = 0

    def stop_after_three(summary: object) -> None:
        nonlocal batches
        batches += 1
        if batches == 3:
            raise RuntimeError("stopped")

    with resources.as_file(pages) as folder, SqliteStore(tmp_path / "f.db") as store:
        with pytest.raises(RuntimeError, match="stopped"):
            service.ingest([str(folder)], store, batch_pages=4, progress=stop_after_three)
        stored = store.counts()["articles"]
        assert stored > 0 and backlog(store) == 0
        assert search_index(store).document_frequencies([])[0] == stored

"""The bundled sample corpus end to end, checked against its MANIFEST.toml.

The whole `marsad/sample/pages` folder is read, segmented and ingested once into a real SQLite file;
every expectation below comes from the manifest (see its [conventions] section), none is copied here.

Two views are checked:
* the store (what `marsad export` gives): one article per exact-duplicate story with the right
  pages and outlets, near copies kept apart, broken input quarantined with a reason;
* each page as segmented (wire, publisher, tags, related, read-also, similar, ads): the store merges
  these per article across all its pages, so the per-page values are only visible before the merge.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import marsad
from marsad.dedup import article_id
from marsad.export import article_objects, page_object
from marsad.model import IngestSummary, Page, ReadFailure, SegmentedPage
from marsad.read import read_paths
from marsad.segment import Segmenter, find_agencies
from marsad.service import ingest
from marsad.store.sqlite import SqliteStore
from marsad.text import matching_key

SAMPLE = Path(marsad.__file__).resolve().parent / "sample"
MANIFEST: dict[str, Any] = tomllib.loads((SAMPLE / "MANIFEST.toml").read_text("utf-8"))
PAGES_DIR = SAMPLE / MANIFEST["corpus"]["pages_dir"]
CONVENTIONS: dict[str, str] = MANIFEST["conventions"]
STORIES: list[dict[str, Any]] = MANIFEST["stories"]
PAGES: list[dict[str, Any]] = MANIFEST["pages"]
BROKEN: list[dict[str, Any]] = MANIFEST["broken"]
STORY = {story["id"]: story for story in STORIES}
NEAR = [(story, near) for story in STORIES for near in story.get("near", [])]
AD_MARKER = "إعلان"  # [conventions] ads: a line that is only this word is an ad marker


def quoted(convention: str) -> list[str]:
    """The phrases a [conventions] entry quotes ("..."): the traps and datelines it describes."""
    return re.findall(r'"([^"]+)"', CONVENTIONS[convention])


def name(entry: dict[str, Any]) -> str:
    """The manifest's name of a page: its file, plus "#<n>" (1-based) for a record in a container."""
    return f"{entry['file']}#{entry['record']}" if "record" in entry else entry["file"]


def manifest_name(source: str) -> str:
    """The manifest name of a reader locator. Readers number records from 0 (`file.jsonl#0`, the
    documented locator), the manifest from 1 (`file.jsonl#1`)."""
    path, hash_, record = source.partition("#")
    relative = Path(path).relative_to(PAGES_DIR).as_posix()
    return f"{relative}#{int(record) + 1}" if hash_ else relative


def body_key(text: str) -> str:
    """[conventions] body_key, computed from an article's text (its lines are its paragraphs)."""
    return hashlib.sha256(matching_key(text).encode("utf-8")).hexdigest()[:32]


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


PAGE = {name(page): page for page in PAGES}


@dataclass
class Corpus:
    summary: IngestSummary
    articles: dict[str, dict[str, Any]]  # exported article objects by id
    pages: dict[str, dict[str, Any]]  # exported page objects by manifest name
    quarantined: dict[str, str]  # reason by manifest name
    segmented: dict[str, SegmentedPage]  # each page read and segmented, by manifest name
    read_failures: dict[str, ReadFailure]
    db: Path

    def main(self, page_name: str) -> dict[str, Any]:
        """The exported article at position 0 of a page."""
        return self.articles[self.pages[page_name]["articles"][0]]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    db = tmp_path_factory.mktemp("sample") / "sample.db"
    with SqliteStore(db) as store:
        summary = ingest([str(PAGES_DIR)], store)
    with SqliteStore(db) as store:  # read back from the file, as `marsad export` would
        articles = {obj["id"]: obj for obj in article_objects(store)}
        pages = {manifest_name(obj["source"]): obj for obj in map(page_object, store.pages())}
        quarantined = {manifest_name(q.source): q.reason for q in store.quarantined()}
    segmenter = Segmenter()
    segmented: dict[str, SegmentedPage] = {}
    failures: dict[str, ReadFailure] = {}
    for item in read_paths([str(PAGES_DIR)]):
        if isinstance(item, Page):
            segmented[manifest_name(item.source)] = segmenter.segment(item)
        else:
            failures[manifest_name(item.source)] = item
    return Corpus(summary, articles, pages, quarantined, segmented, failures, db)


# -- the manifest itself ---------------------------------------------------------------------------


def test_manifest_counts_match_its_pages() -> None:
    corpus_info = MANIFEST["corpus"]
    formats = Counter(page["format"] for page in PAGES)
    assert len(PAGES) == corpus_info["good_pages"]
    assert formats == {
        "text": corpus_info["text_pages"],
        "html": corpus_info["html_pages"],
        "jsonl": corpus_info["jsonl_records"],
        "rss": corpus_info["rss_items"],
    }
    assert {agency for page in PAGES for agency in page["wire"]} <= set(corpus_info["agencies"])
    for story in STORIES:
        for copy in story["verbatim"]:
            if story["kind"] == "main":
                assert PAGE[copy]["story"] == story["id"] and PAGE[copy]["copy"] == "verbatim"
                assert PAGE[copy]["body_key"] == story["body_key"]
            else:
                assert story["title"] in PAGE[copy]["read_also"], copy
    files_on_disk = {p.relative_to(PAGES_DIR).as_posix() for p in PAGES_DIR.rglob("*") if p.is_file()}
    named = {page["file"] for page in PAGES} | {broken["file"] for broken in BROKEN}
    assert files_on_disk == named


# -- the store: pages, dedup, quarantine -----------------------------------------------------------


def test_every_good_page_is_stored_and_only_broken_input_quarantined(corpus: Corpus) -> None:
    good_records = {f"{b['file']}#{n}" for b in BROKEN for n in b.get("good_records", [])}
    assert set(corpus.pages) == set(PAGE) | good_records
    bad_records = {f"{b['file']}#{n}" for b in BROKEN for n in b.get("bad_lines", [])}
    unreadable = {b["file"] for b in BROKEN if "good_records" not in b}
    assert set(corpus.quarantined) == unreadable | bad_records
    # Read failures (empty, binary, bad JSON line) plus pages that segment to nothing.
    assert set(corpus.read_failures) == set(corpus.quarantined) - set(corpus.segmented)
    assert corpus.summary.quarantined == len(corpus.quarantined)
    assert corpus.summary.pages_new == len(corpus.pages)


@pytest.mark.parametrize("broken", BROKEN, ids=lambda b: b["file"])
def test_broken_input_is_quarantined_with_a_reason_naming_the_problem(
    corpus: Corpus, broken: dict[str, Any]
) -> None:
    problem_words = broken["problem"].split("_")  # "invalid_json_line" → invalid, json, line
    bad_lines = broken.get("bad_lines", [])
    names = [f"{broken['file']}#{n}" for n in bad_lines] if bad_lines else [broken["file"]]
    for bad in names:
        reason = corpus.quarantined[bad].lower()
        assert all(word in reason for word in problem_words), (bad, reason)
    for n in bad_lines:
        assert f"line {n}" in corpus.quarantined[f"{broken['file']}#{n}"]
    stored = [corpus.pages[f"{broken['file']}#{n}"] for n in broken.get("good_records", [])]
    assert sum(len(page["articles"]) for page in stored) == broken["articles"]
    assert [page["outlet"] for page in stored] == broken.get("good_outlets", [])
    titles = [corpus.articles[page["articles"][0]]["title"] for page in stored]
    assert titles == broken.get("good_titles", [])


def test_only_boilerplate_page_segments_to_no_article_but_its_similar_list(corpus: Corpus) -> None:
    for broken in BROKEN:
        if broken["file"] in corpus.segmented:  # readable, so quarantined by segmentation
            segmented = corpus.segmented[broken["file"]]
            assert len(segmented.articles) == broken["articles"] == 0
            assert len(segmented.similar) == broken["similar_count"]


@pytest.mark.parametrize("legacy", MANIFEST["legacy_encoding"], ids=lambda entry: entry["file"])
def test_legacy_encoding_page_is_decoded_and_deduplicated(corpus: Corpus, legacy: dict[str, Any]) -> None:
    raw = (PAGES_DIR / legacy["file"]).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert PAGE[legacy["file"]]["encoding"] == legacy["encoding"]
    text = corpus.segmented[legacy["file"]].articles[0].text
    assert body_key(text) == PAGE[legacy["file"]]["body_key"]
    assert all(line in raw.decode(legacy["encoding"]) for line in lines(text))
    main = corpus.main(legacy["file"])
    others = [copy for copy in STORY[PAGE[legacy["file"]]["story"]]["verbatim"] if copy != legacy["file"]]
    assert main["id"] in {corpus.main(copy)["id"] for copy in others}  # deduplicated with a UTF-8 copy


@pytest.mark.parametrize("story", STORIES, ids=lambda story: story["id"])
def test_verbatim_copies_are_one_article_with_exactly_their_pages(
    corpus: Corpus, story: dict[str, Any]
) -> None:
    position = 0 if story["kind"] == "main" else 1
    ids = {copy: corpus.pages[copy]["articles"][position : position + 1] for copy in story["verbatim"]}
    distinct = {tuple(found) for found in ids.values()}
    assert len(distinct) == 1, f"{story['id']} split into {len(distinct)} articles: {ids}"
    (found,) = distinct
    article = corpus.articles[found[0]]
    refs = {manifest_name(ref["source"]): ref for ref in article["pages"]}
    assert sorted(refs) == sorted(story["verbatim"])
    assert {copy: ref["position"] for copy, ref in refs.items()} == dict.fromkeys(refs, position)


def test_every_article_page_ref_names_the_page_outlet(corpus: Corpus) -> None:
    wrong = [
        (manifest_name(ref["source"]), ref["outlet"], PAGE[manifest_name(ref["source"])]["outlet"])
        for article in corpus.articles.values()
        for ref in article["pages"]
        if manifest_name(ref["source"]) in PAGE
        and ref["outlet"] != PAGE[manifest_name(ref["source"])]["outlet"]
    ]
    assert wrong == []


@pytest.mark.parametrize("story", STORIES, ids=lambda story: story["id"])
def test_story_article_text_title_and_merged_boilerplate(corpus: Corpus, story: dict[str, Any]) -> None:
    position = 0 if story["kind"] == "main" else 1
    article = corpus.articles[corpus.pages[story["verbatim"][0]]["articles"][position]]
    text = article["text"]
    assert body_key(text) == story["body_key"]
    assert len(lines(text)) == story["paragraphs"]
    copies = [PAGE[copy] for copy in story["verbatim"]]
    if story["kind"] == "main":
        # The stored text is one copy as published (maybe a spelling variant): compare matching keys.
        assert matching_key(text).startswith(matching_key(story["starts_with"]))
        assert matching_key(text).endswith(matching_key(story["ends_with"]))
        assert article["title"] in {page.get("title") for page in copies}
        # The store merges an exact duplicate's boilerplate over all the pages that carried it.
        assert set(article["wire"]) == {agency for page in copies for agency in page["wire"]}
        # (per-page accuracy of tags and related is tested page by page below; here, the merge)
        found = [corpus.segmented[copy].articles[0] for copy in story["verbatim"] if copy in corpus.segmented]
        assert set(article["tags"]) == {tag for main in found for tag in main.tags}
        assert set(article["related"]) == {headline for main in found for headline in main.related}
        assert article["publisher"] in ({page["publisher"] for page in copies if page["publisher"]} or {None})
    else:
        assert article["title"] == story["title"]
        assert (article["wire"], article["publisher"], article["tags"]) == ([], None, [])
        text_lines = lines(text)
        assert text_lines.count(AD_MARKER) == 0
        for subheading in story["ad_prefixed_subheadings"]:
            assert subheading in text_lines and f"{AD_MARKER} {subheading}" not in text_lines


@pytest.mark.parametrize(("story", "near"), NEAR, ids=lambda value: value.get("file", value.get("id")))
def test_near_copy_is_a_separate_article(corpus: Corpus, story: dict[str, Any], near: dict[str, Any]) -> None:
    near_article = corpus.main(near["file"])
    canonical = corpus.main(story["verbatim"][0])
    assert near_article["id"] != canonical["id"]
    assert [manifest_name(ref["source"]) for ref in near_article["pages"]] == [near["file"]]
    assert body_key(near_article["text"]) == near["body_key"]
    if "dateline" in near["edits"]:
        # [conventions] dateline: it leaves the text for the dateline field, its agency is wire
        (dateline,) = re.findall(r'"([^"]+)"', near["note"])
        assert dateline in quoted("dateline")
        assert dateline.rstrip(":") == near_article["dateline"]
        assert not near_article["text"].startswith(dateline.split()[0])
        assert near_article["place"] == dateline.split()[0]
        assert find_agencies(dateline)[0] in near_article["wire"]


@pytest.mark.parametrize("convention", ["trap_source", "trap_ad"])
def test_trap_sentences_stay_in_article_text(corpus: Corpus, convention: str) -> None:
    (phrase,) = quoted(convention)
    (story,) = [story for story in STORIES if story["id"] in CONVENTIONS[convention]]
    pages = [page for page in PAGES if page["story"] == story["id"]]
    for page in pages:
        text_lines = lines(corpus.segmented[name(page)].articles[0].text)
        holding = [line for line in text_lines if matching_key(phrase) in matching_key(line)]
        assert holding, f"{name(page)}: {phrase!r} lost from the article text"
        assert all(len(line) > 2 * len(phrase) for line in holding)  # a paragraph, not a marker


# -- each page as segmented ------------------------------------------------------------------------

page_params = pytest.mark.parametrize("page", PAGES, ids=name)


@page_params
def test_page_outlet_url_and_stored_articles(corpus: Corpus, page: dict[str, Any]) -> None:
    stored = corpus.pages[name(page)]
    assert stored["outlet"] == page["outlet"]
    assert stored["url"] == page.get("url")
    segmented = corpus.segmented[name(page)]
    assert stored["articles"] == [article_id(article.text) for article in segmented.articles]


@page_params
def test_page_articles_titles_and_main_text(corpus: Corpus, page: dict[str, Any]) -> None:
    articles = corpus.segmented[name(page)].articles
    assert len(articles) == page["articles"]
    assert [article.position for article in articles] == list(range(len(articles)))
    main = articles[0]
    assert main.title == page.get("title")  # text pages: no title line for the main article
    assert body_key(main.text) == page["body_key"]


@page_params
def test_page_wire(corpus: Corpus, page: dict[str, Any]) -> None:
    assert list(corpus.segmented[name(page)].articles[0].wire) == page["wire"]


@pytest.mark.parametrize("page", [p for p in PAGES if "boilerplate" in p], ids=name)
def test_page_dateline_place_and_furniture(corpus: Corpus, page: dict[str, Any]) -> None:
    """[conventions] credits and furniture: the dateline and furniture lines (a writer's starred
    note too) leave the text for their fields; the byline's writers are the authors."""
    main = corpus.segmented[name(page)].articles[0]
    assert (main.dateline, main.place) == (page.get("dateline"), page.get("place"))
    assert list(main.boilerplate) == page["boilerplate"]
    if "authors" in page:
        assert list(main.authors) == page["authors"]
    for line in [page.get("dateline", ""), *page["boilerplate"]]:
        assert line not in lines(main.text)


@pytest.mark.parametrize("story", [s for s in STORIES if "contains" in s], ids=lambda story: story["id"])
def test_a_roundup_contains_stories_and_joins_none_of_their_groups(
    corpus: Corpus, story: dict[str, Any]
) -> None:
    """[conventions] contains: the relation is shown on both articles and in the groups."""
    from marsad.export import group_objects

    roundup = corpus.main(story["verbatim"][0])
    for inner_id in story["contains"]:
        inner = corpus.main(STORY[inner_id]["verbatim"][0])
        assert inner["id"] in roundup["contains"] and roundup["id"] in inner["contained_in"]
    with SqliteStore(corpus.db) as store:
        groups = list(group_objects(store))
    assert all(roundup["id"] not in {m["id"] for m in group["members"]} for group in groups)
    assert any(roundup["id"] in group["contained_in"] for group in groups)


@page_params
def test_page_publisher(corpus: Corpus, page: dict[str, Any]) -> None:
    assert corpus.segmented[name(page)].articles[0].publisher == (page["publisher"] or None)


@page_params
def test_page_tags(corpus: Corpus, page: dict[str, Any]) -> None:
    assert list(corpus.segmented[name(page)].articles[0].tags) == page["tags"]


@page_params
def test_page_related(corpus: Corpus, page: dict[str, Any]) -> None:
    related = list(corpus.segmented[name(page)].articles[0].related)
    if page.get("related_style") != "inline":
        assert related == page["related"]
        return
    # Headlines joined by spaces only: the split is inferred (see segment/lists.py), so each page
    # must keep every word in order and never over-split; exact splits are counted below.
    assert " ".join(related).split() == " ".join(page["related"]).split()
    assert len(related) <= len(page["related"])


def test_inline_related_lines_mostly_split_exactly(corpus: Corpus) -> None:
    inline = [page for page in PAGES if page.get("related_style") == "inline" and page["related"]]
    exact = [p for p in inline if list(corpus.segmented[name(p)].articles[0].related) == p["related"]]
    assert len(inline) >= 10
    assert len(exact) / len(inline) >= 0.5, [name(p) for p in inline if p not in exact]


@page_params
def test_page_read_also_articles(corpus: Corpus, page: dict[str, Any]) -> None:
    extra = corpus.segmented[name(page)].articles[1:]
    assert [article.title for article in extra] == page["read_also"]
    for article in extra:  # [conventions] read_also: no wire/publisher/tags of its own
        assert (article.wire, article.publisher, article.tags) == ((), None, ())
        assert body_key(article.text) == next(s["body_key"] for s in STORIES if s["title"] == article.title)


@page_params
def test_page_similar(corpus: Corpus, page: dict[str, Any]) -> None:
    similar = corpus.segmented[name(page)].similar
    assert len(similar) == page["similar_count"]
    assert list(similar) == page["similar"]
    assert corpus.pages[name(page)]["similar"] == page["similar"]


@page_params
def test_page_ads_removed_and_prefixed_subheadings_kept(corpus: Corpus, page: dict[str, Any]) -> None:
    text_lines = lines(corpus.segmented[name(page)].articles[0].text)
    assert AD_MARKER not in text_lines
    for subheading in page["ad_prefixed_subheadings"]:
        assert subheading in text_lines
        assert f"{AD_MARKER} {subheading}" not in text_lines


def _boilerplate_lines() -> tuple[set[str], tuple[str, ...]]:
    """Whole lines and line starts that are boilerplate somewhere in the corpus, per the manifest."""
    whole = {AD_MARKER}
    starts = set()
    for entry in [*PAGES, *BROKEN]:
        whole.update(entry.get("similar", []))
        whole.update(entry.get("related", []))
        for value in (entry.get("tags_label"), entry.get("read_also_marker")):
            if value:
                starts.add(value)
        for value in (entry.get("wire_raw"), entry.get("publisher")):
            if value:
                starts.add(f"المصدر: {value}")
    labels = [quoted("related_style")[0].split(" h1")[0], "مقالات مشابهة"]
    assert all(label in CONVENTIONS["related_style"] + CONVENTIONS["similar"] for label in labels)
    starts.update(labels)
    return whole, tuple(starts)


def test_no_article_text_holds_a_boilerplate_line(corpus: Corpus) -> None:
    whole, starts = _boilerplate_lines()
    found = []
    for page_name, segmented in corpus.segmented.items():
        for article in segmented.articles:
            for line in lines(article.text):
                if line in whole or line.startswith(starts):
                    found.append((page_name, article.position, line))
    stored = [
        ("store", article["id"], line)
        for article in corpus.articles.values()
        for line in lines(article["text"])
        if line in whole or line.startswith(starts)
    ]
    assert found + stored == []

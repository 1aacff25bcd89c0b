"""Story clustering on real SaudiNewsNet records: one event in different words is one story; the
fourth relief plane to Aden is not the fifth; copies join their group's story; stories close."""

from __future__ import annotations

import json
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest

from marsad import service
from marsad.stories.cluster import StoryClusterer, StoryInput, cluster
from tests.conftest import MakeStore, shared_path, shared_record

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

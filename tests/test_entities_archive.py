"""Named entities kept in the archive: the entities consumer tags the seeds' articles once,
resolves each name's variants to one entity, and the export, the entity read side and the
cursor show it; on SQLite and PostgreSQL alike."""

from __future__ import annotations

from pathlib import Path

import pytest

from marsad import service
from marsad.enrich.consumer import merge_names
from marsad.enrich.port import CONSUMER, MentionRow
from marsad.enrich.resolve import PERSON, entity_id, name_words
from marsad.model import article_key
from marsad.runner import InlineRunner, ProcessRunner
from tests.conftest import MakeStore


@pytest.mark.slow
def test_the_seeds_entities_are_tagged_once_and_resolved(make_store: MakeStore, seeds: list[Path]) -> None:
    store = make_store("entities")
    service.ingest([str(path) for path in seeds], store, near=None, stories=False)
    articles = store.counts()["articles"]
    assert service.update_entities(store) == articles
    assert service.update_entities(store) == 0  # the cursor moved: nothing is tagged twice
    assert store.cursor(CONSUMER) == store.last_change()

    people = {e["name"]: e for e in service.entities(store, "PERS", limit=100)}
    assert any("بوتين" in name for name in people)
    musk = [e for name, e in people.items() if "ماسك" in name]
    assert len(musk) == 1, f"every spelling of Musk is one entity: {sorted(people)}"

    exported = [a for a in service.articles(store) if any("ماسك" in m["text"] for m in a["entities"])]
    assert exported
    for article in exported:
        for mention in article["entities"]:
            field = article["title"] if mention["field"] == "title" else article["text"]
            assert field[mention["start"] : mention["end"]] == mention["text"]
        assert {m["entity_id"] for m in article["entities"] if "ماسك" in m["text"]} == {musk[0]["id"]}

    found = service.entity(store, musk[0]["id"])
    assert found["articles"] == len(found["members"]) == musk[0]["articles"] >= 1
    assert sum(day["articles"] for day in found["days"]) == found["articles"]  # undated: the day seen
    assert {m["id"] for m in found["members"]} <= {a["id"] for a in service.articles(store)}
    with pytest.raises(ValueError, match="unknown entity type"):
        service.entities(store, "PERSON")

    # --again tags every article anew (after train-ner or an upgrade): mentions replaced, not doubled
    before = {a["id"]: a["entities"] for a in service.articles(store)}
    listed = service.entities(store, limit=100)
    assert service.update_entities(store, again=True) == articles
    assert {a["id"]: a["entities"] for a in service.articles(store)} == before
    assert service.entities(store, limit=100) == listed
    assert store.cursor(CONSUMER) == store.last_change()


def _person(field: str, text: str, start: int = 0) -> MentionRow:
    key = " ".join(name_words(text, PERSON))
    return MentionRow(field, start, start + len(text), text, PERSON, entity_id(PERSON, key), key, text)


@pytest.mark.slow
def test_a_surname_alone_joins_the_one_full_name_of_the_archive(
    make_store: MakeStore, seeds: list[Path]
) -> None:
    """An article that names only «ماسك» is about the archive's one «إيلون ماسك»: its mention
    links there, the full name counts its articles, and the surname is not listed apart; a
    second full name ending so (جون ماسك) makes it ambiguous and the merge is undone."""
    store = make_store("merges")
    service.ingest([str(path) for path in seeds], store, near=None, stories=False)
    ids = [a["id"] for a in service.articles(store)][:3]
    full, short = _person("text", "إيلون ماسك"), _person("text", "ماسك")
    with store.transaction():
        store.replace_mentions(article_key(ids[0]), [full])
        store.replace_mentions(article_key(ids[1]), [short])
        store.replace_mentions(article_key(ids[2]), [short, _person("text", "فلاديمير بوتين", 20)])
    assert merge_names(store) == {short.entity_id: full.entity_id}

    listed = {e["id"]: e for e in service.entities(store, "PERS")}
    assert short.entity_id not in listed and listed[full.entity_id]["articles"] == 3
    page = service.entity(store, short.entity_id)  # the surname's id opens the full name
    assert page["id"] == full.entity_id and {m["id"] for m in page["members"]} == set(ids[:3])
    assert sum(day["articles"] for day in page["days"]) == 3
    linked = store.mentions_of([ids[1]])[ids[1]]
    assert [(m.text, m.entity_id, m.entity_name) for m in linked] == [("ماسك", full.entity_id, "إيلون ماسك")]

    with store.transaction():
        third = [short, _person("text", "فلاديمير بوتين", 20), _person("text", "جون ماسك", 40)]
        store.replace_mentions(article_key(ids[2]), third)
    assert merge_names(store) == {}
    listed = {e["id"]: e for e in service.entities(store, "PERS")}
    assert listed[short.entity_id]["articles"] == 2 and listed[full.entity_id]["articles"] == 1


@pytest.mark.slow
def test_tagging_on_worker_processes_stores_what_tagging_inline_does(
    make_store: MakeStore, seeds: list[Path]
) -> None:
    stored = []
    for name, runner in (("inline", InlineRunner()), ("pool", ProcessRunner(2))):
        store = make_store(name)
        service.ingest([str(path) for path in seeds], store, near=None, stories=False)
        try:
            assert service.update_entities(store, runner=runner) == store.counts()["articles"]
        finally:
            runner.close()
        stored.append({a["id"]: a["entities"] for a in service.articles(store)})
    assert stored[0] == stored[1] and any(stored[0].values())


@pytest.mark.slow
def test_ingest_can_tag_entities_at_its_end(make_store: MakeStore, seeds: list[Path]) -> None:
    store = make_store("ingest-entities")
    summary = service.ingest([str(path) for path in seeds], store, near=None, stories=False, entities=True)
    assert summary.articles_tagged == store.counts()["articles"] > 0
    assert store.cursor(CONSUMER) == store.last_change()
    assert service.entities(store, "PERS")

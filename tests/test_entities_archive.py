"""Named entities kept in the archive: the entities consumer tags the seeds' articles once,
resolves each name's variants to one entity, and the export, the entity read side and the
cursor show it; on SQLite and PostgreSQL alike."""

from __future__ import annotations

from pathlib import Path

import pytest

from marsad import service
from marsad.enrich.port import CONSUMER
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

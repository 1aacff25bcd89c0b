"""Browsing use cases (service/browse.py) on the sample corpus, on SQLite and on PostgreSQL:
groups of copies ranked by outlets, outlets and their wire share, facets, copies and diffs."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from marsad import service
from marsad.search.engine import NotFound
from marsad.search.query import QueryError
from marsad.store.base import Store
from tests.conftest import SAMPLE_PAGES, MakeStore

MANIFEST: dict[str, Any] = tomllib.loads((SAMPLE_PAGES.parent / "MANIFEST.toml").read_text("utf-8"))
STORY = {story["id"]: story for story in MANIFEST["stories"]}


def outlet_of(name: str) -> str:
    """The outlet of a manifest page name (text and html pages: their folder)."""
    return name.split("/", 1)[0]


@pytest.fixture
def sample(make_store: MakeStore) -> Store:
    store = make_store()
    service.ingest([str(SAMPLE_PAGES)], store)
    return store


def test_groups_rank_by_outlets_then_latest_and_page(sample: Store) -> None:
    groups = service.copy_groups(sample, 100)
    assert groups and all(g.pages > 1 for g in groups)
    ranks = [(len(g.outlets), g.latest or "") for g in groups]
    assert ranks == sorted(ranks, reverse=True)
    assert all(len(set(g.outlets)) == len(g.outlets) for g in groups)
    # the water summit: seven verbatim pages, one text (the manifest's story)
    water = next(g for g in groups if g.title and "مسقط" in g.title)
    verbatim = STORY["water-summit"]["verbatim"]
    assert (water.pages, water.articles) == (len(verbatim), 1)
    assert {outlet_of(page) for page in verbatim if not page.startswith("feeds/")} <= set(water.outlets)
    assert service.copy_groups(sample, 3, 2) == groups[2:5]  # pages of the same ranking
    with pytest.raises(ValueError):
        service.copy_groups(sample, 0)


def test_outlets_count_pages_articles_and_wire_copy(sample: Store) -> None:
    found = {o.outlet: o for o in service.outlets(sample)}
    madar = found["al-madar.example"]
    exported = [page for page in service.pages(sample) if page["outlet"] == "al-madar.example"]
    assert madar.pages == len(exported)
    assert madar.articles == len({i for page in exported for i in page["articles"]})
    assert madar.articles >= madar.pages and 0 < madar.wire_articles <= madar.articles
    view = service.outlet(sample, "al-madar.example", limit=5)
    assert view.summary == madar and view.wire_share == madar.wire_articles / madar.articles
    everything = service.outlet(sample, "al-madar.example", limit=100).articles
    assert len(everything) == madar.articles
    assert view.articles == everything[:5]
    seen = [brief.seen_at or "" for brief in everything]
    assert seen == sorted(seen, reverse=True)
    with pytest.raises(NotFound):
        service.outlet(sample, "no-such-outlet.example")


def test_facets_count_groups_by_outlet_wire_and_date(sample: Store) -> None:
    query = "تحلية المياه مسقط"
    hits = service.search(sample, query, limit=100)
    facets = service.facets(sample, query)
    assert facets.counted == facets.matching >= hits.total
    outlets = {f.value: f.count for f in facets.outlets}
    assert all(0 < count <= hits.total for count in outlets.values())
    # every outlet of every hit is a facet value, counted once per hit (group)
    for hit in hits.hits:
        assert set(hit.outlets) <= set(outlets)
    assert {f.value for f in facets.wires} >= {"AFP"}
    assert sum(f.count for f in facets.dates) >= hits.total
    narrowed = service.search(sample, f"{query} outlet:{facets.outlets[0].value}", limit=100)
    assert narrowed.total == facets.outlets[0].count
    with pytest.raises(QueryError):
        service.facets(sample, '"open')


def test_copies_and_a_word_diff_of_a_near_copy(sample: Store) -> None:
    # the heatwave story's near copy at al-madar reworded two phrases (the manifest's note)
    hits = service.search(sample, "موجة حر وغبار 49 درجة", limit=5).hits
    top = hits[0]
    copies = service.copies(sample, top.article_id)
    assert copies.group, "the heatwave story has near copies in its group"
    near = next(b for b in copies.group if "al-madar.example" in b.outlets)
    runs = service.word_diff(
        service.text_of(sample, near.article_id), service.text_of(sample, top.article_id)
    )
    removed = " ".join(text for kind, text in runs if kind == "removed")
    added = " ".join(text for kind, text in runs if kind == "added")
    assert "نبه" in removed and "حذر" in added
    with pytest.raises(NotFound):
        service.text_of(sample, "0" * 32)


def test_word_diff_gives_the_new_text_back() -> None:
    old, new = "قال الوزير إن المشروع\nسيكتمل قريبا", "قال الوزير اليوم إن المشروع\nاكتمل"
    runs = service.word_diff(old, new)
    assert "".join(text for kind, text in runs if kind != "removed") == new
    assert "".join(text for kind, text in runs if kind != "added") == old
    assert ("added", " اليوم") in runs and ("removed", "سيكتمل قريبا") in runs
    assert service.word_diff(new, new) == [("same", new)]


def test_sample_archive_fixture_holds_the_sample(sample_archive: Path) -> None:
    with service.open_archive(sample_archive) as store:
        assert service.stats(store)["unindexed"] == 0
        assert service.copy_groups(store, 1)

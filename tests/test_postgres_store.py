"""The PostgreSQL store against the SQLite one on real servers: the same pipeline gives the same
archive, writers from several processes take turns, and `marsad migrate` moves an archive
without loss. (The store contract itself, tests/test_store.py, runs on both stores.)"""

from __future__ import annotations

import json
import threading
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from marsad import service
from marsad.dedup.linking import CONSUMER, link_near_duplicates
from marsad.dedup.near import Thresholds
from marsad.model import Page
from marsad.read import read_paths
from marsad.segment import Segmenter
from marsad.store import open_store
from marsad.store.base import Store, WriteBatch
from marsad.stories.encoder import ENCODER
from tests.conftest import MakeStore
from tests.test_cli import comparable, run

SAMPLE = resources.files("marsad.sample").joinpath("pages")


def _archive(store: Store) -> dict[str, Any]:
    """What an archive holds, as a user sees it (first-seen times aside: undated text pages are
    first seen when ingested)."""
    articles = comparable([service.article(store, r.article_id) for r in store.articles()])
    return {
        "counts": store.counts(),
        "articles": articles,
        "groups": store.group_anchors(),
        "links": sorted(store.near_links()),
        "contained": sorted(store.contained_pairs()),
        "search": [h.article_id for h in service.search(store, "الطاقة الشمسية", limit=20).hits],
    }


def _ingest(store: Store) -> None:
    with resources.as_file(SAMPLE) as folder:
        service.ingest([str(folder)], store)


def test_the_pipeline_gives_the_same_archive_on_both_stores(make_store: MakeStore, tmp_path: Path) -> None:
    """Ingest the sample on the store under test and on an SQLite file: the same articles, ids,
    groups, links and search hits."""
    store = make_store("under-test")
    _ingest(store)
    with open_store(tmp_path / "reference.db") as reference:
        _ingest(reference)
        assert _archive(store) == _archive(reference)
    assert any(len(store.group_members(a)) > 1 for a in store.group_anchors())


def _batches(count: int) -> list[WriteBatch]:
    """The sample corpus's pages, segmented, cut into `count` write batches."""
    with resources.as_file(SAMPLE) as folder:
        pages = [p for p in read_paths([str(folder)]) if isinstance(p, Page)]
    segmenter = Segmenter()
    writes = [service.page_write(segmenter.segment(page), "2025-03-10T00:00:00+00:00") for page in pages]
    writes = [w for w in writes if w.occurrences]
    return [WriteBatch(writes[start::count]) for start in range(count)]


def test_writers_take_turns_and_every_change_is_seen_once(make_store: MakeStore) -> None:
    """Four writers, each with its own connection, write at once: every page lands once, the
    change log has one `new` entry per article with positions in commit order, and the linker,
    run by two of them at once, checks each article once (its cursor ends on the last)."""
    address = make_store.address("shared")  # type: ignore[attr-defined]
    make_store("shared").close()  # made (and migrated) before the writers start
    batches = _batches(4)
    errors: list[BaseException] = []

    def write(batch: WriteBatch) -> None:
        store = open_store(address)
        try:
            store.write(batch, "2025-03-10T00:00:00+00:00")
            link_near_duplicates(store, Thresholds())
        except BaseException as error:
            errors.append(error)
        finally:
            store.close()

    threads = [threading.Thread(target=write, args=(batch,)) for batch in batches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    store = make_store("shared")
    articles = store.counts()["articles"]
    new = store.changes_after(0, 10_000, kinds=["new"])
    assert len(new) == articles == len({c.key for c in new})
    everything = store.changes_after(0, 10_000)
    assert [c.pos for c in everything] == sorted({c.pos for c in everything})
    assert store.cursor(CONSUMER) == new[-1].pos
    assert store.new_articles(store.cursor(CONSUMER), 10) == []
    assert store.counts()["pages"] == sum(len(b.pages) for b in batches)


def test_migrate_moves_an_archive_without_loss(
    tmp_path: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file archive moved to PostgreSQL (and back) keeps every row: counts and checksums are
    compared by the command itself (the stories' sentence vectors too), and the moved archive
    answers as the first one did, its settings kept."""
    monkeypatch.setenv("MARSAD_HOME", str(tmp_path / "home"))
    db = tmp_path / "sample.db"
    ingested = run("ingest", str(SAMPLE), "--db", str(db), "--stories-encoder")
    assert ingested.returncode == 3  # the sample has broken pages
    moved = run("migrate", "--from", str(db), "--to", postgres_url, "--json")
    assert moved.returncode == 0, moved.stderr
    tables = json.loads(moved.stdout)
    assert all(t["same"] for t in tables) and {t["table"] for t in tables} >= {
        "pages",
        "articles",
        "dedup_links",
    }
    assert next(t for t in tables if t["table"] == "articles")["rows"] > 0
    again = run("migrate", "--from", str(db), "--to", postgres_url)
    assert again.returncode == 2 and "already holds an archive" in again.stderr
    back = tmp_path / "back.db"
    assert run("migrate", "--from", postgres_url, "--to", str(back)).returncode == 0
    with open_store(db) as original, open_store(postgres_url) as on_server, open_store(back) as returned:
        first = _archive(original)
        assert _archive(on_server) == first == _archive(returned)
        assert on_server.story_encoder() == returned.story_encoder() == ENCODER
        story_ids = [s.story_id for s in original.stories(1000, 0, 1)]
        placed = [key for _, key in original.story_members(story_ids)]
        vectors = sorted(on_server.story_meanings(placed))
        assert len(vectors) == len(placed) > 0 and vectors == sorted(original.story_meanings(placed))
        # the moved archive goes on where the first stood: its linker has nothing left to do
        assert on_server.cursor(CONSUMER) == original.cursor(CONSUMER)
        assert on_server.new_articles(on_server.cursor(CONSUMER), 10) == []


def test_a_server_that_cannot_be_reached_is_one_line(tmp_path: Path) -> None:
    done = run("stats", "--db", "postgresql://nobody:secret@127.0.0.1:9/none")
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "cannot open the PostgreSQL archive" in lines[0]
    assert "secret" not in done.stderr  # the password is never shown

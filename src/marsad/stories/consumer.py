"""Keeping an archive's stories up to date: the stories consumer of the change log.

It reads the articles added since its cursor, clusters them (`marsad.stories.cluster`) and
stores each one's story and event date, moving the cursor in the same transaction. What the
clusterer must remember between runs lives in the archive, not in a process: the document
frequencies (`story_terms`) and the stories still open (their members are re-read and their
centroids rebuilt when a run starts), so any process can take the next batch, and a new batch
is clustered against the archive's open stories without reclustering anything else.

An archive that uses a sentence encoder (`marsad.stories.encoder`; its name in the archive,
set once by `use_story_encoder`) has each new article embedded (on the runner's workers when
given: the encoder is most of the cost) and its vector stored with its story; reopened stories
get their members' stored vectors back.

`marsad.stories.port` is all the consumer asks of a store.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, timedelta
from functools import cache
from typing import Any

import numpy as np

from marsad.enrich.dates import event_date
from marsad.runner import InlineRunner, Runner
from marsad.stories.cluster import LATE_DAYS, WINDOW_DAYS, StoryClusterer, StoryInput, StoryState
from marsad.stories.encoder import ENCODER, SentenceEncoder, encoder_named, from_bytes, to_bytes
from marsad.stories.port import CONSUMER, Assignment, StoryRecord, StorySource, StoryStore

BATCH = 2000  # articles clustered per transaction
EMBED_CHUNK = 50  # articles a runner's worker embeds per task


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def story_input(source: StorySource) -> tuple[StoryInput, date | None]:
    """The clusterer's view of an article, and its event date (None: none found)."""
    reference = _day(source.published) or _day(source.first_seen)
    when = event_date(source.text, source.dated, reference)
    day = when or reference or date.today()
    return StoryInput(source.key, source.title, source.text, day, source.anchor), when


def _record(story: StoryState) -> StoryRecord:
    first, last = story.first.isoformat(), story.last.isoformat()
    return StoryRecord(story.story_id, story.title, first, last, story.articles)


def restore(store: StoryStore, clusterer: StoryClusterer | None = None) -> StoryClusterer:
    """A clusterer holding what the archive knows: its term frequencies and its open stories."""
    clusterer = clusterer or StoryClusterer()
    clusterer.documents, frequencies = store.story_frequencies()
    clusterer.df.update(frequencies)
    last_id, latest = store.story_bounds()
    clusterer.next_id = last_id + 1
    newest = _day(latest)
    if newest is None:
        return clusterer
    # every story `StoryClusterer.expire` would still hold: its window (≤ WINDOW_DAYS after its
    # last day) ends at most LATE_DAYS before the newest day
    records = store.open_stories((newest - timedelta(days=WINDOW_DAYS + LATE_DAYS)).isoformat())
    members: dict[int, list[int]] = {}
    for story_id, key in store.story_members([r.story_id for r in records]):
        members.setdefault(story_id, []).append(key)
    keys = [k for story_keys in members.values() for k in story_keys]
    sources = {s.key: s for s in store.story_sources(keys)}
    meanings = {key: from_bytes(data) for key, data in store.story_meanings(keys)}
    for record in records:
        inputs = [
            replace(story_input(sources[key])[0], meaning=meanings.get(key))
            for key in members.get(record.story_id, [])
            if key in sources
        ]
        clusterer.reopen(record.story_id, record.title, inputs)
    clusterer.today = newest
    return clusterer


def use_story_encoder(store: StoryStore, name: str = ENCODER) -> bool:
    """Have the archive's stories use the sentence encoder from now on (articles already placed
    keep their stories; their vectors are missing, so they are reached by terms only). False
    when it already did."""
    encoder_named(name)  # says now, not mid-ingest, when it is not installed
    with store.transaction():
        if store.story_encoder() == name:
            return False
        store.set_story_encoder(name)
    return True


def story_encoder_ready(store: StoryStore) -> str | None:
    """The sentence encoder the archive's stories use (None: none), once this installation is
    known to run it: an ingest asks first, so that a missing one is said before any page is read."""
    with store.transaction():
        name = store.story_encoder()
    if name is not None:
        encoder_named(name)
    return name


@cache
def _encoder(name: str, threads: int) -> SentenceEncoder:
    return encoder_named(name, threads)


def _embedded(task: tuple[str, int, Sequence[tuple[str | None, str]]]) -> np.ndarray:
    """A chunk of articles' sentence vectors, where a runner's worker runs it (the encoder
    loads once per process)."""
    name, threads, articles = task
    return _encoder(name, threads).vectors(articles)


def embedded(name: str, articles: Sequence[tuple[str | None, str]], runner: Runner) -> list[Any]:
    """The sentence vectors of (title, text) articles by the encoder `name`, on the runner: its
    workers one BLAS thread each (two workers on two cores, each with two threads, took twice
    the time), inline all the cores."""
    threads = (os.cpu_count() or 1) if isinstance(runner, InlineRunner) else 1
    chunks = [(name, threads, articles[k : k + EMBED_CHUNK]) for k in range(0, len(articles), EMBED_CHUNK)]
    return [vector for block in runner.map(_embedded, chunks) for vector in block]


def update_stories(
    store: StoryStore,
    batch: int = BATCH,
    progress: Callable[[int], None] | None = None,
    runner: Runner | None = None,
) -> int:
    """Cluster every article added since the cursor, embedding them on `runner`'s workers where
    the archive uses a sentence encoder; returns how many were clustered."""
    runner = runner or InlineRunner()
    clusterer: StoryClusterer | None = None
    name = story_encoder_ready(store)
    expected = -1
    done = 0
    while True:
        with store.transaction():
            cursor = store.cursor(CONSUMER)
            changes = store.changes_after(cursor, batch, kinds=["new"])
            if not changes:
                return done
            if clusterer is None or cursor != expected:  # first run, or another process went on
                clusterer = restore(store)
            sources = {s.key: s for s in store.story_sources([c.key for c in changes])}
            present = [c for c in changes if c.key in sources]
            meanings: list[Any] = [None] * len(present)
            if name is not None:
                told = [(sources[c.key].title, sources[c.key].text) for c in present]
                meanings = embedded(name, told, runner)
            assignments = []
            touched: dict[int, StoryState] = {}
            clusterer.added.clear()
            for change, meaning in zip(present, meanings, strict=True):
                article, when = story_input(sources[change.key])
                story_id = clusterer.add(replace(article, meaning=meaning))
                touched[story_id] = clusterer.story(story_id)
                stored = None if meaning is None else to_bytes(meaning)
                assignments.append(
                    Assignment(change.key, story_id, change.pos, when.isoformat() if when else None, stored)
                )
            store.add_story_frequencies(dict(clusterer.added))
            store.save_stories([_record(s) for s in touched.values()], assignments)
            expected = changes[-1].pos
            store.set_cursor(CONSUMER, expected)
        done += len(changes)
        if progress:
            progress(len(changes))

"""Keeping an archive's named entities up to date: the entities consumer of the change log.

It tags the articles added (or cleaned) since its cursor, resolves each article's mentions to
entities (`marsad.enrich.resolve`) and stores them, moving the cursor in the same transaction.
Tagging costs about 10 ms an article on one core (bench/ner.py), ten times what the rest of
ingest spends on it, so it is its own step: `marsad enrich` (or `marsad ingest --entities`),
never in the default ingest path. `marsad.enrich.port` is all it asks of a store.
"""

from __future__ import annotations

from collections.abc import Callable

from marsad.enrich.port import CONSUMER, EntityStore, MentionRow
from marsad.enrich.resolve import PERSON, SURNAME_DOMINANCE, merge_short_forms, resolve_article
from marsad.enrich.tagger import Tagger, default_tagger
from marsad.model import Entity, Mention
from marsad.runner import InlineRunner, Runner

BATCH = 400  # articles tagged per transaction


def article_mentions(title: str | None, text: str, tagger: Tagger | None = None) -> list[MentionRow]:
    """An article's mentions with their entities: the title and the text tagged apart (offsets
    are into each), resolved together (a surname in the text joins the full name in the title)."""
    tagger = tagger or default_tagger()
    found: list[tuple[str, Mention]] = [("title", m) for m in tagger.tag(title or "")]
    found += [("text", m) for m in tagger.tag(text)]
    entities = resolve_article([mention for _, mention in found])
    return [
        MentionRow(field, m.start, m.end, m.text, entity.type, entity.entity_id, entity.key, entity.name)
        for (field, m), entity in zip(found, entities, strict=True)
    ]


def _tagged(source: tuple[int, str | None, str]) -> tuple[int, list[MentionRow]]:
    """One article's mentions, where a runner's worker runs it (the tagger loads once per process)."""
    key, title, text = source
    return key, article_mentions(title, text)


def update_entities(
    store: EntityStore,
    batch: int = BATCH,
    progress: Callable[[int], None] | None = None,
    runner: Runner | None = None,
    again: bool = False,
) -> int:
    """Tag every article added or cleaned since the cursor, on `runner`'s workers when given
    (tagging is CPU work: two workers tag twice as fast); returns how many were tagged.
    `again` tags every article of the archive anew (the cursor back to the change log's start:
    after `marsad train-ner`, or a Marsad whose tagger or name rules changed); each article's
    mentions are replaced, never added twice, and the names are merged again at the end."""
    runner = runner or InlineRunner()
    done = 0
    if again:
        with store.transaction():
            store.set_cursor(CONSUMER, 0)
    while True:
        with store.transaction():
            cursor = store.cursor(CONSUMER)
            changes = store.changes_after(cursor, batch, kinds=["new", "text"])
            if not changes:
                if done:
                    merge_names(store)
                return done
            keys = list(dict.fromkeys(change.key for change in changes))
            for key, mentions in runner.map(_tagged, store.entity_sources(keys)):
                store.replace_mentions(key, mentions)
            store.set_cursor(CONSUMER, changes[-1].pos)
        done += len(keys)
        if progress:
            progress(len(keys))


def merge_names(store: EntityStore) -> dict[str, str]:
    """Merge, across the archive, each short person name into the one fuller name that ends
    with it (or the one that holds SURNAME_DOMINANCE of their articles), and a foreign name's
    other spellings into the one most articles use (`merge_short_forms`); re-derived from all
    the archive's people each time, so that a fuller name seen later can make a merge ambiguous
    and undo it. Returns the merges."""
    people = {Entity(i, PERSON, key, name): articles for i, key, name, articles in store.people()}
    found = merge_short_forms(people, dominance=SURNAME_DOMINANCE)
    merged = {short: fuller.entity_id for short, fuller in found.items()}
    store.set_merges(merged)
    return merged

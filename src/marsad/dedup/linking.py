"""Near-duplicate linking over an archive: a consumer of its change log.

Dedup owns its sketches: the inverted index of sampled shingles lives here, in memory, built
from the samples the archive persists for it. The archive (`LinkStore`, implemented by the
stores) only keeps what dedup hands it — samples, line counts, links, groups, template edges —
and the change log dedup reads new articles from, with a cursor of its own.

Safe with several writers: each run is one archive transaction (stores serialize writing
transactions), reads the log after the cursor it committed last, first loads the samples other
processes added since it last looked (`samples_after`), and moves the cursor in the same
transaction as the links it made, so a crash or a race never checks an article twice or
skips one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Protocol
from weakref import WeakKeyDictionary

import numpy as np
import numpy.typing as npt

from marsad.dedup.groups import anchors
from marsad.dedup.near import Doc, Link, Thresholds, link_batch, prepare
from marsad.dedup.postings import PostingIndex
from marsad.dedup.templates import Cleaned, TemplateArchive, learn_templates

I64 = npt.NDArray[np.int64]
NEAR_BATCH = 2000  # articles checked for near-duplicates at once (bounds the arrays: ~150 MB)
CONSUMER = "near"  # this consumer's name in the archive's cursors


class LinkStore(TemplateArchive, Protocol):
    """What near-duplicate linking asks of the archive."""

    def transaction(self) -> AbstractContextManager[None]:
        """One atomic unit of work; writing transactions of all processes run one at a time."""
        ...

    def cursor(self, consumer: str) -> int:
        """The change-log position a consumer has dealt with (0: none)."""
        ...

    def set_cursor(self, consumer: str, pos: int) -> None: ...

    def new_articles(self, after: int, limit: int, at_least: int = 1) -> list[tuple[int, Doc]]:
        """(change-log position, doc) of articles added after `after`, oldest first, each with
        the outlet of the page that carried it first; none unless there are `at_least`."""
        ...

    def docs(self, keys: Sequence[int]) -> list[Doc]: ...

    def add_lines(self, hashes: Sequence[int]) -> None:
        """Count one more article for each (outlet, line) hash."""
        ...

    def save_samples(self, rows: Sequence[tuple[int, int, int, bytes]]) -> None:
        """Keep (key, change-log position, sample size, sampled shingles as int64 LE bytes)."""
        ...

    def samples_after(self, pos: int) -> Iterator[tuple[int, int, bytes]]:
        """(position, key, sample bytes) of samples saved for articles after `pos`, in order."""
        ...

    def sample_sizes(self, keys: Sequence[int]) -> dict[int, int]: ...

    def add_links(self, links: Iterable[Link]) -> None: ...

    def anchors_of(self, keys: Sequence[int]) -> dict[int, int]:
        """The anchor of each of these articles that is in a group with others."""
        ...

    def set_anchors(self, anchors: dict[int, int]) -> None:
        """Record the group each article joined (its own key: it founded one)."""
        ...

    def replace_texts(self, cleaned: Sequence[Cleaned]) -> None:
        """Articles whose learnt template lines left the text: new text, lines kept aside."""
        ...

    def article_ids(self, keys: Sequence[int]) -> list[str]: ...


class Sketches:
    """The archive as `marsad.dedup.near.Archive` sees it: persisted samples, plus the inverted
    index over them kept here in memory. Postings of a run join the index only once the run's
    transaction committed (`commit`); a rolled-back run leaves it as it was."""

    def __init__(self, store: LinkStore) -> None:
        self.store = store
        self._index = PostingIndex()
        self._loaded = 0  # change-log position through which samples are in the index
        self._pending: list[tuple[I64, I64]] = []
        self.positions: dict[int, int] = {}  # key → change-log position, of the batch in hand

    def catch_up(self) -> None:
        """Load the samples saved since the last look (all of them, the first time)."""
        shingles, owners = [], []
        for pos, key, sample in self.store.samples_after(self._loaded):
            values = np.frombuffer(sample, dtype="<i8").astype(np.int64)
            shingles.append(values)
            owners.append(np.full(values.size, key, dtype=np.int64))
            self._loaded = max(self._loaded, pos)
        if shingles:
            self._index.add(np.concatenate(shingles), np.concatenate(owners))

    def count_lines(self, hashes: Sequence[int]) -> dict[int, int]:
        return self.store.count_lines(hashes)

    def add_lines(self, hashes: Sequence[int]) -> None:
        self.store.add_lines(hashes)

    def postings(self, shingles: I64) -> tuple[I64, I64]:
        return self._index.lookup(shingles)

    def add_postings(self, shingles: I64, keys: I64, sizes: dict[int, int]) -> None:
        order = np.argsort(keys, kind="stable")
        sorted_keys, sorted_shingles = keys[order], shingles[order]
        cuts = np.flatnonzero(np.diff(sorted_keys)) + 1
        blobs = {
            int(chunk_keys[0]): chunk.astype("<i8").tobytes()
            for chunk, chunk_keys in zip(
                np.split(sorted_shingles, cuts), np.split(sorted_keys, cuts), strict=True
            )
            if chunk.size
        }
        self.store.save_samples(
            [(key, self.positions[key], size, blobs.get(key, b"")) for key, size in sizes.items()]
        )
        self._pending.append((sorted_shingles, sorted_keys))

    def sample_sizes(self, keys: Sequence[int]) -> dict[int, int]:
        return self.store.sample_sizes(keys)

    def docs(self, keys: Sequence[int]) -> list[Doc]:
        return self.store.docs(keys)

    def commit(self, through: int) -> None:
        for shingles, keys in self._pending:
            self._index.add(shingles, keys)
        self._pending = []
        self._loaded = max(self._loaded, through)

    def rollback(self) -> None:
        self._pending = []


_sketches: WeakKeyDictionary[LinkStore, Sketches] = WeakKeyDictionary()


def sketches_of(store: LinkStore) -> Sketches:
    """The in-memory sketches of an archive, built once per store object."""
    found = _sketches.get(store)
    if found is None:
        found = _sketches[store] = Sketches(store)
    return found


def link_near_duplicates(
    store: LinkStore,
    thresholds: Thresholds,
    batch_size: int = NEAR_BATCH,
    full_batches_only: bool = False,
) -> tuple[int, set[str]]:
    """Check the articles added since this consumer's cursor against the archive, `batch_size`
    at a time (each batch one transaction, so an interrupted run leaves the rest for the next):
    link their copies, put each in its duplicate group, and take their outlets' learnt template
    lines out of their text (and out of earlier articles' where a line became template). During
    an ingest only full batches run: large batches amortize the vectorized work; the end of the
    ingest checks the rest. Returns how many links were made and the ids of the articles whose
    text changed."""
    sketches = sketches_of(store)
    made, cleaned_ids = 0, set()
    at_least = batch_size if full_batches_only else 1
    while True:
        with store.transaction():
            found = store.new_articles(store.cursor(CONSUMER), batch_size, at_least)
            if not found:
                break
            try:
                sketches.catch_up()
                docs = [doc for _, doc in found]
                keys = [doc.key for doc in docs]
                sketches.positions = {doc.key: pos for pos, doc in found}
                prepared = prepare(docs)
                links = link_batch(docs, sketches, thresholds, prepared)
                store.add_links(links)
                store.set_anchors(
                    anchors(keys, [(x.a, x.b, x.kind, x.score) for x in links], store.anchors_of)
                )
                cleaned = learn_templates(keys, prepared.tokens, prepared.lines, store)
                store.replace_texts(cleaned)
                store.set_cursor(CONSUMER, found[-1][0])
            except BaseException:
                sketches.rollback()
                raise
        sketches.commit(found[-1][0])
        made += len(links)
        cleaned_ids.update(store.article_ids([c.key for c in cleaned]))
    return made, cleaned_ids

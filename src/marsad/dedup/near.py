"""Near-duplicate detection: template-aware shingles, a sampled inverted index, exact verification.

Why not MinHash + LSH banding (datasketch, datatrove, text-dedup)? Banding is tuned to one
Jaccard threshold and cannot see the other kind of syndication users need merged: a wire story
*contained* in a longer piece (Jaccard 0.3, containment 1.0). Marsad keeps instead a
content-defined sample of each article's shingles — every shingle whose hash is 0 modulo
`SAMPLE_MODULUS` (Broder's "mod-m" sketch): two articles keep the *same* sampled shingles from
the text they share, so the sample estimates containment as well as Jaccard, and an inverted
index over the samples is naturally incremental (a new article is looked up, then added).
Candidates are verified on the real shingle sets before any link is made.

Template awareness: a line that recurs in `TEMPLATE_MIN_ARTICLES` or more distinct articles of
the same outlet ("جميع الحقوق محفوظة", a fixed intro block) is that outlet's template, not
content. Scores are computed on the full shingle sets (what the published texts share), but a
link also needs the template-free sets to overlap (`shares_content`): two short articles inside
one long template are never merged, while a wire copy wrapped in another site's boilerplate
still is. Sampled shingles held by more than `MAX_POSTING_ARTICLES` articles (site chrome,
stock phrases) give no candidates.

All hashing runs per batch in NumPy (`marsad.text.shingle`); the archive behind the `Archive`
protocol is the store (SQLite: samples as BLOBs, the inverted index in memory) or memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from marsad.dedup.exact import article_id
from marsad.dedup.postings import PostingIndex
from marsad.dedup.templates import TEMPLATE_MIN_ARTICLES
from marsad.defaults import NEAR_THRESHOLD
from marsad.runner import InlineRunner, Runner
from marsad.text.shingle import U64, Shingled, Tokenized, distinct, shingle, tokenize

SHINGLE_SIZE = 5
CONTAINMENT_THRESHOLD = 0.9
SAMPLE_MODULUS = 4
EDITED_MIN_JACCARD = 0.4
EDITED_WORD_JACCARD = 0.85
EDITED_MIN_SHINGLES = 30  # word-level agreement means little in a few sentences
TEMPLATE_GUARD = 0.25  # share of the smaller template-free set two linked docs must have in common
MIN_SHINGLES = 3  # fewer distinct shingles (under ~7 words of content): too little to call a copy
_SHORT_TEXT = 400  # characters: comfortably more than MIN_SHINGLES + 4 words
MAX_POSTING_ARTICLES = 300  # a sampled shingle in more articles than this is boilerplate, not evidence
CANDIDATE_SLACK = 0.45  # a candidate shares at least this share of the smaller sample before verifying

I64 = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Doc:
    """An article as dedup sees it: its key (`marsad.model.article_key`, or any distinct
    integer in one-shot runs), its text and its outlet."""

    key: int
    text: str
    outlet: str | None = None


@dataclass(frozen=True, slots=True)
class Link:
    """A verified near-duplicate relation between two articles (by key, `a < b`)."""

    a: int
    b: int
    kind: str  # "near", "contained" or "edited" ("exact" only from find_near_duplicates)
    score: float  # Jaccard for near, containment of the smaller in the larger for contained


class Archive(Protocol):
    """What near-dup detection needs from the archive (the store, or memory for benchmarks)."""

    def count_lines(self, hashes: Sequence[int]) -> dict[int, int]:
        """Distinct articles seen so far with each (outlet, line) hash."""
        ...

    def add_lines(self, hashes: Sequence[int]) -> None:
        """Count one more article for each hash (each hash once per article)."""
        ...

    def postings(self, shingles: I64) -> tuple[I64, I64]:
        """(shingle, key) of every indexed article holding one of these sampled shingles."""
        ...

    def add_postings(self, shingles: I64, keys: I64, sizes: dict[int, int]) -> None:
        """Index the sampled shingles of new docs; `sizes` covers every doc checked (0: none)."""
        ...

    def sample_sizes(self, keys: Sequence[int]) -> dict[int, int]:
        """How many sampled shingles each indexed doc has."""
        ...

    def docs(self, keys: Sequence[int]) -> list[Doc]: ...


@dataclass(frozen=True)
class Prepared:
    """What a batch gives without looking at the archive: pure, so any process can compute it."""

    tokens: Tokenized
    full: Shingled  # all shingles
    words: Shingled  # one hash per word
    sample: tuple[U64, I64]  # (sampled shingle, doc index)
    lines: list[int]  # each doc's distinct line hashes, concatenated (for the template counts)


def prepare(docs: Sequence[Doc], sample: bool = True) -> Prepared:
    tokens = tokenize([doc.text for doc in docs], [doc.outlet for doc in docs])
    count = len(docs)
    full = shingle(tokens, count, np.zeros(tokens.line_hashes.size, dtype=bool), SHINGLE_SIZE)
    owners = tokens.line_doc[tokens.token_line]
    words = Shingled(tokens.token_hashes, np.searchsorted(owners, np.arange(count + 1)).astype(np.int64))
    if not sample:  # docs already indexed: only their sets are wanted
        return Prepared(tokens, full, words, (np.empty(0, np.uint64), np.empty(0, np.int64)), [])
    return Prepared(tokens, full, words, full.sample(SAMPLE_MODULUS), _distinct_lines(tokens))


@dataclass(frozen=True)
class Fingerprints:
    """A batch's shingle sets: in full, without its outlets' template lines ("free"), its words."""

    full: Shingled
    words: Shingled
    tokens: Tokenized
    template: npt.NDArray[np.bool_]  # per line: one of its outlet's template lines
    templated: npt.NDArray[np.bool_]  # per doc: holds a template line (elsewhere free is full)

    def sets(self, kind: str, wanted: npt.NDArray[np.bool_]) -> list[tuple[Shingled, npt.NDArray[np.bool_]]]:
        """The `kind` sets ("full", "free" or "words") of the wanted docs, as (sets, docs they
        serve) pieces: template-free shingles are only computed for the docs that need them."""
        if kind != "free":
            return [(self.full if kind == "full" else self.words, wanted)]
        reshingle = wanted & self.templated
        pieces = [(self.full, wanted & ~self.templated)]
        if reshingle.any():
            left_out = self.template | ~reshingle[self.tokens.line_doc]
            pieces.append((shingle(self.tokens, reshingle.size, left_out, SHINGLE_SIZE), reshingle))
        return pieces


def fingerprint(docs: Sequence[Doc], archive: Archive, prepared: Prepared | None = None) -> Fingerprints:
    """Each doc's shingle sets, knowing which of its lines the archive holds for its outlet's
    template."""
    prepared = prepared or prepare(docs, sample=False)
    tokens = prepared.tokens
    unique_lines = distinct(tokens.line_hashes)
    counts = archive.count_lines(unique_lines.tolist()) if unique_lines.size else {}
    template_hashes = np.array([h for h, n in counts.items() if n >= TEMPLATE_MIN_ARTICLES], dtype=np.int64)
    template = np.isin(tokens.line_hashes, template_hashes)
    templated = np.zeros(len(docs), dtype=bool)
    templated[tokens.line_doc[template]] = True
    return Fingerprints(prepared.full, prepared.words, tokens, template, templated)


def _distinct_lines(tokens: Tokenized) -> list[int]:
    """Each doc's distinct line hashes, concatenated: one count per article that carries a line."""
    if tokens.line_hashes.size == 0:
        return []
    order = np.lexsort((tokens.line_hashes, tokens.line_doc))
    docs, hashes = tokens.line_doc[order], tokens.line_hashes[order]
    first = np.r_[True, (docs[1:] != docs[:-1]) | (hashes[1:] != hashes[:-1])]
    return hashes[first].tolist()


@dataclass(frozen=True, slots=True)
class Thresholds:
    near: float = NEAR_THRESHOLD
    containment: float = CONTAINMENT_THRESHOLD


_ROW_SHIFT = np.uint64(40)  # a set key: the row in its top 24 bits, the shingle hash's top 40 below
_HASH_MASK = np.uint64((1 << 40) - 1)


class SetTable:
    """The distinct shingle sets of many docs (rows) in one sorted array, so that the overlaps of
    thousands of pairs come from a few whole-array operations instead of one NumPy call per pair
    (~25 µs each, which made verification the linking process's largest cost).

    A key is (row << 40) | (hash >> 24): keys sort by row, then by hash. 40 bits of a 64-bit hash
    keep two different shingles of a pair of 1,000-shingle docs apart with odds of ~1 in a million.
    """

    def __init__(self, pieces: Sequence[tuple[Shingled, I64]], rows: int) -> None:
        """`pieces`: shingle sets with the row each of their docs takes (-1: not needed)."""
        if rows >= 1 << 24:
            raise ValueError(f"{rows:,} docs in one set table: at most 16,777,215 fit its keys")
        parts = [np.empty(0, np.uint64)]
        for shingled, row_of_doc in pieces:
            rows_per_value = np.repeat(row_of_doc, np.diff(shingled.offsets))
            wanted = rows_per_value >= 0
            row_bits = rows_per_value[wanted].astype(np.uint64) << _ROW_SHIFT
            parts.append(row_bits | (shingled.values[wanted] >> np.uint64(24)))
        self.keys = distinct(np.concatenate(parts))
        row_starts = np.arange(rows + 1, dtype=np.uint64)
        self.offsets = np.searchsorted(self.keys >> _ROW_SHIFT, row_starts).astype(np.int64)
        self.sizes = np.diff(self.offsets)

    def common(self, a: I64, b: I64, chunk: int = 1 << 22) -> I64:
        """|A ∩ B| for each pair of rows (a[i], b[i]): each key of the smaller set of a pair is
        looked up in the larger one, `chunk` keys at a time (bounded memory)."""
        swap = self.sizes[a] > self.sizes[b]
        small, large = np.where(swap, b, a), np.where(swap, a, b)
        lengths = self.sizes[small]
        counts = np.zeros(a.size, dtype=np.int64)
        ends = np.cumsum(lengths)
        start = 0
        while start < a.size:
            stop = max(int(np.searchsorted(ends, (ends[start - 1] if start else 0) + chunk)), start + 1)
            counts[start:stop] = self._common_slice(small[start:stop], large[start:stop], lengths[start:stop])
            start = stop
        return counts

    def _common_slice(self, small: I64, large: I64, lengths: I64) -> I64:
        pair = np.repeat(np.arange(small.size), lengths)
        within = np.arange(pair.size) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        own = self.keys[self.offsets[small][pair] + within]
        queries = (own & _HASH_MASK) | (large[pair].astype(np.uint64) << _ROW_SHIFT)
        found = np.searchsorted(self.keys, queries)
        found[found == self.keys.size] = 0
        hits = self.keys[found] == queries
        return np.bincount(pair[hits], minlength=small.size)


def _overlaps(table: SetTable, a: I64, b: I64) -> tuple[npt.NDArray[np.float64], ...]:
    """(Jaccard, containment of the smaller in the larger, smaller size) of each pair of rows."""
    common = table.common(a, b)
    size_a, size_b = table.sizes[a], table.sizes[b]
    smaller = np.minimum(size_a, size_b)
    with np.errstate(divide="ignore", invalid="ignore"):
        jaccard = np.where(smaller > 0, common / np.maximum(size_a + size_b - common, 1), 0.0)
        containment = np.where(smaller > 0, common / np.maximum(smaller, 1), 0.0)
    return jaccard, containment, smaller.astype(np.float64)


def verify(
    full: SetTable, words: Callable[[I64, I64], SetTable], a: I64, b: I64, thresholds: Thresholds
) -> tuple[npt.NDArray[np.str_], npt.NDArray[np.float64]]:
    """The link between each pair of rows from their real shingle sets ("" for none): no sketch
    decides alone.

    `near`: shingle Jaccard ≥ threshold; `contained`: the smaller holds ≥ containment of its
    shingles in the larger; `edited`: a copy with words replaced here and there (each edit breaks
    five shingles, so 6% of words edited leaves a shingle Jaccard near 0.55) — the shingles still
    agree on ≥ EDITED_MIN_JACCARD and the word sets on ≥ EDITED_WORD_JACCARD. Sets under
    MIN_SHINGLES are too small to call anything a copy.
    """
    jaccard, containment, smaller = _overlaps(full, a, b)
    valid = smaller >= MIN_SHINGLES
    near = valid & (jaccard >= thresholds.near)
    contained = valid & ~near & (containment >= thresholds.containment)
    kinds = np.full(a.size, "", dtype="<U9")
    scores = np.zeros(a.size)
    kinds[near], scores[near] = "near", jaccard[near]
    kinds[contained], scores[contained] = "contained", containment[contained]
    maybe = valid & ~near & ~contained & (jaccard >= EDITED_MIN_JACCARD) & (smaller >= EDITED_MIN_SHINGLES)
    if maybe.any():  # word sets only for the few pairs that need them
        which = np.flatnonzero(maybe)
        word_jaccard, _, _ = _overlaps(words(a[which], b[which]), a[which], b[which])
        edited = which[word_jaccard >= EDITED_WORD_JACCARD]
        kinds[edited], scores[edited] = "edited", word_jaccard[word_jaccard >= EDITED_WORD_JACCARD]
    return kinds, scores


def shares_content(free: SetTable, a: I64, b: I64) -> npt.NDArray[np.bool_]:
    """The template guard: what is left of two docs once template lines are gone must overlap.

    Two short articles in one long template match on the template alone: their own text is
    disjoint. A doc that is template through and through (an outlet that republished one text
    five times) has nothing left to compare: the full sets decide for it.
    """
    common = free.common(a, b)
    smaller = np.minimum(free.sizes[a], free.sizes[b])
    return (smaller < MIN_SHINGLES) | (common >= TEMPLATE_GUARD * smaller)


def link_batch(
    docs: Sequence[Doc],
    archive: Archive,
    thresholds: Thresholds | None = None,
    prepared: Prepared | None = None,
) -> list[Link]:
    """Find the near-duplicates of a batch of new docs among themselves and in the archive, then
    index the batch. Running batches one after another finds what one big batch finds.
    `prepared` (from `prepare`, perhaps computed in another process) saves the pure part.
    """
    thresholds = thresholds or Thresholds()
    if not docs:
        return []
    prepared = prepared or prepare(docs)
    archive.add_lines(prepared.lines)
    new = fingerprint(docs, archive, prepared)
    values, owners = prepared.sample
    keys = np.array([doc.key for doc in docs], dtype=np.int64)
    batch_sizes = dict.fromkeys(keys.tolist(), 0)
    batch_sizes.update(zip(keys.tolist(), np.bincount(owners, minlength=len(docs)).tolist(), strict=True))
    shingles_new, keys_new = values.view(np.int64), keys[owners]  # SQLite integers are signed
    old_shingles, old_keys = archive.postings(distinct(shingles_new))
    sizes = archive.sample_sizes(distinct(old_keys).tolist()) | batch_sizes
    candidates = _candidate_pairs(shingles_new, keys_new, old_shingles, old_keys, sizes, thresholds)
    archive.add_postings(shingles_new, keys_new, batch_sizes)
    if candidates.size == 0:
        return []
    # Rows: the batch's docs first, then the archive's docs that are candidates.
    involved = distinct(candidates.ravel())
    others = archive.docs(involved[~np.isin(involved, keys)].tolist())
    all_keys = np.concatenate([keys, np.array([doc.key for doc in others], dtype=np.int64)])
    order = np.argsort(all_keys)
    a, b = (order[np.searchsorted(all_keys, candidates[:, i], sorter=order)] for i in (0, 1))
    old = fingerprint(others, archive) if others else None
    parts = [(new, np.arange(len(docs), dtype=np.int64))]
    if old is not None:
        parts.append((old, np.arange(len(docs), all_keys.size, dtype=np.int64)))

    def table(kind: str, needed: I64) -> SetTable:
        """The `kind` sets of the rows in `needed` only."""
        wanted = np.zeros(all_keys.size, dtype=bool)
        wanted[needed] = True
        pieces = [
            (sets, np.where(serves, rows, -1))
            for fingerprints, rows in parts
            for sets, serves in fingerprints.sets(kind, wanted[rows])
        ]
        return SetTable(pieces, all_keys.size)

    full = table("full", np.concatenate([a, b]))
    kinds, scores = verify(full, lambda x, y: table("words", np.concatenate([x, y])), a, b, thresholds)
    linked = np.flatnonzero(kinds != "")
    templated = np.concatenate([f.templated for f, _ in parts])
    guarded = linked[templated[a[linked]] | templated[b[linked]]]
    if guarded.size:
        free = table("free", np.concatenate([a[guarded], b[guarded]]))
        failed = guarded[~shares_content(free, a[guarded], b[guarded])]
        kinds[failed] = ""
        linked = np.flatnonzero(kinds != "")
    return [
        Link(int(x), int(y), str(kind), round(float(score), 4))
        for x, y, kind, score in zip(
            candidates[linked, 0], candidates[linked, 1], kinds[linked], scores[linked], strict=True
        )
    ]


def _candidate_pairs(
    shingles_new: I64,
    keys_new: I64,
    old_shingles: I64,
    old_keys: I64,
    sizes: dict[int, int],
    thresholds: Thresholds,
) -> I64:
    """Pairs (low key, high key), sorted, with a new doc that share enough sampled shingles to
    verify: an array of shape (pairs, 2). (Every posting looked up shares a shingle with the batch,
    so every group of equal shingles holds a new doc.) Keys are 64-bit: pairs are counted on
    their ranks among the keys involved, which fit two to an int64."""
    shingles = np.concatenate([shingles_new, old_shingles])
    involved, ranks = np.unique(np.concatenate([keys_new, old_keys]), return_inverse=True)
    is_new = np.concatenate([np.ones(shingles_new.size, bool), np.zeros(old_shingles.size, bool)])
    order = np.argsort(shingles, kind="stable")
    shingles, ranks, is_new = shingles[order], ranks[order], is_new[order]
    starts = np.flatnonzero(np.r_[True, shingles[1:] != shingles[:-1]])
    lengths = np.diff(np.r_[starts, shingles.size])
    useful = (lengths >= 2) & (lengths <= MAX_POSTING_ARTICLES)
    member = np.repeat(useful, lengths)
    ranks, is_new = ranks[member], is_new[member]
    lengths = lengths[useful]
    # How many later elements of its group each element has; pair every element with the one k
    # places after it, for growing k, over the elements that still have one: the work is the
    # pairs themselves, not (longest group) passes over the whole array.
    position = np.arange(ranks.size) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    after = np.repeat(lengths, lengths) - 1 - position
    active = np.flatnonzero(after >= 1)
    pair_keys: list[I64] = []
    k = 1
    while active.size:
        a, b = ranks[active], ranks[active + k]
        fresh = is_new[active] | is_new[active + k]
        a, b = a[fresh], b[fresh]
        pair_keys.append(np.minimum(a, b) * (1 << 32) + np.maximum(a, b))
        k += 1
        active = active[after[active] >= k]
    if not pair_keys:
        return np.empty((0, 2), np.int64)
    keys, counts = np.unique(np.concatenate(pair_keys), return_counts=True)
    low, high = involved[keys >> 32], involved[keys & 0xFFFFFFFF]
    smaller = np.minimum(*_lookup(sizes, low, high))
    # A near pair shares ≥ `near` of the smaller set, a contained one ≥ `containment`: the sample
    # shows roughly that share, and the slack absorbs sampling noise; verification decides.
    floor = CANDIDATE_SLACK * min(thresholds.near, thresholds.containment)
    enough = counts >= np.maximum(1, (floor * smaller).astype(np.int64))
    return np.stack([low[enough], high[enough]], axis=1)


def _lookup(table: dict[int, int], *keys: I64) -> list[I64]:
    """`table[key]` (0 when missing) for every key of each array, vectorized."""
    known = np.fromiter(table.keys(), dtype=np.int64, count=len(table))
    values = np.fromiter(table.values(), dtype=np.int64, count=len(table))
    order = np.argsort(known)
    known, values = np.r_[known[order], 0], np.r_[values[order], 0]
    found = []
    for array in keys:
        where = np.searchsorted(known[:-1], array)
        found.append(np.where(known[where] == array, values[where], 0))
    return found


class MemoryArchive:
    """An archive held in memory: for one-shot runs (benchmarks) and tests."""

    def __init__(self) -> None:
        self.lines: dict[int, int] = {}
        self._index = PostingIndex()
        self._docs: dict[int, Doc] = {}
        self._sizes: dict[int, int] = {}

    def remember(self, docs: Iterable[Doc]) -> None:
        self._docs.update((doc.key, doc) for doc in docs)

    def count_lines(self, hashes: Sequence[int]) -> dict[int, int]:
        return {h: self.lines.get(h, 0) for h in hashes}

    def add_lines(self, hashes: Sequence[int]) -> None:
        for h in hashes:
            self.lines[h] = self.lines.get(h, 0) + 1

    def postings(self, shingles: I64) -> tuple[I64, I64]:
        return self._index.lookup(shingles)

    def add_postings(self, shingles: I64, keys: I64, sizes: dict[int, int]) -> None:
        self._index.add(shingles, keys)
        self._sizes.update(sizes)

    def sample_sizes(self, keys: Sequence[int]) -> dict[int, int]:
        return {key: self._sizes.get(key, 0) for key in keys}

    def docs(self, keys: Sequence[int]) -> list[Doc]:
        return [self._docs[key] for key in keys]


def find_near_duplicates(
    texts: Sequence[str],
    threshold: float = NEAR_THRESHOLD,
    containment: float = CONTAINMENT_THRESHOLD,
    outlets: Sequence[str | None] | None = None,
    batch_size: int = 5000,
    runner: Runner | None = None,
) -> list[Link]:
    """Near-duplicate links among texts (indices into `texts`), computed batch by batch; with a
    parallel runner, the next batches are prepared while one is linked."""
    thresholds = Thresholds(threshold, containment)
    archive = MemoryArchive()
    docs = [Doc(i, text, outlets[i] if outlets else None) for i, text in enumerate(texts)]
    archive.remember(docs)
    batches = [docs[start : start + batch_size] for start in range(0, len(docs), batch_size)]
    links: list[Link] = []
    for batch, prepared in zip(batches, (runner or InlineRunner()).map(prepare, batches), strict=True):
        links.extend(link_batch(batch, archive, thresholds, prepared))
    return _exact_links(texts, links) + links


def _exact_links(texts: Sequence[str], found: list[Link]) -> list[Link]:
    """Identical texts (after normalization) not linked already: in an ingest they are one
    article (exact dedup, `marsad.dedup.exact`); listed here so one-shot runs report them too,
    however short."""
    by_id: dict[str, list[int]] = {}
    for index, text in enumerate(texts):
        # Longer identical texts are linked above (Jaccard 1.0); only those too short to shingle
        # need their ids (hashing every text would cost seconds).
        if text.strip() and len(text) < _SHORT_TEXT:
            by_id.setdefault(article_id(text), []).append(index)
    linked = {(link.a, link.b) for link in found}
    return [
        Link(a, b, "exact", 1.0)
        for group in by_id.values()
        for i, a in enumerate(group)
        for b in group[i + 1 :]
        if (a, b) not in linked
    ]

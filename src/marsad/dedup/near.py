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
from functools import partial
from typing import Protocol

import numpy as np
import numpy.typing as npt

from marsad.dedup.exact import article_id
from marsad.dedup.postings import PostingIndex
from marsad.runner import InlineRunner, Runner
from marsad.text.shingle import U64, Shingled, Tokenized, shingle, tokenize

SHINGLE_SIZE = 5
NEAR_THRESHOLD = 0.8
CONTAINMENT_THRESHOLD = 0.9
SAMPLE_MODULUS = 4
TEMPLATE_MIN_ARTICLES = 5
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
    """An article as dedup sees it: a stable sequence number, its text and its outlet."""

    seq: int
    text: str
    outlet: str | None = None


@dataclass(frozen=True, slots=True)
class Link:
    """A verified near-duplicate relation between two articles (by sequence number)."""

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
        """(shingle, seq) of every indexed article holding one of these sampled shingles."""
        ...

    def add_postings(self, shingles: I64, seqs: I64, sizes: dict[int, int]) -> None:
        """Index the sampled shingles of new docs; `sizes` covers every doc checked (0: none)."""
        ...

    def sample_sizes(self, seqs: Sequence[int]) -> dict[int, int]:
        """How many sampled shingles each indexed doc has."""
        ...

    def docs(self, seqs: Sequence[int]) -> list[Doc]: ...


@dataclass(frozen=True)
class Prepared:
    """What a batch gives without looking at the archive: pure, so any process can compute it."""

    tokens: Tokenized
    full: Shingled  # all shingles
    words: Shingled  # one hash per word
    sample: tuple[U64, I64]  # (sampled shingle, doc index)


def prepare(docs: Sequence[Doc]) -> Prepared:
    tokens = tokenize([doc.text for doc in docs], [doc.outlet for doc in docs])
    count = len(docs)
    full = shingle(tokens, count, np.zeros(tokens.line_hashes.size, dtype=bool), SHINGLE_SIZE)
    owners = tokens.line_doc[tokens.token_line]
    words = Shingled(tokens.token_hashes, np.searchsorted(owners, np.arange(count + 1)).astype(np.int64))
    return Prepared(tokens, full, words, full.sample(SAMPLE_MODULUS))


def fingerprint(
    docs: Sequence[Doc], archive: Archive, prepared: Prepared | None = None
) -> tuple[Shingled, Shingled, Shingled]:
    """Each doc's shingles in full, without the lines the archive knows as its outlet's template,
    and its words."""
    prepared = prepared or prepare(docs)
    tokens = prepared.tokens
    unique_lines = np.unique(tokens.line_hashes)
    counts = archive.count_lines(unique_lines.tolist()) if unique_lines.size else {}
    template_hashes = np.array([h for h, n in counts.items() if n >= TEMPLATE_MIN_ARTICLES], dtype=np.int64)
    template = np.isin(tokens.line_hashes, template_hashes)
    free = shingle(tokens, len(docs), template, SHINGLE_SIZE) if template.any() else prepared.full
    return prepared.full, free, prepared.words


def _distinct_lines(tokens: Tokenized) -> list[int]:
    """Each doc's distinct line hashes, concatenated: one count per article that carries a line."""
    pairs = np.unique(np.stack([tokens.line_doc, tokens.line_hashes]), axis=1)
    return pairs[1].tolist()


@dataclass(frozen=True, slots=True)
class Thresholds:
    near: float = NEAR_THRESHOLD
    containment: float = CONTAINMENT_THRESHOLD


def _overlap(a: U64, b: U64) -> tuple[float, float]:
    """(Jaccard, containment of the smaller in the larger) of two sorted distinct sets."""
    common = _common(a, b)
    return common / (a.size + b.size - common), common / min(a.size, b.size)


def _common(a: U64, b: U64) -> int:
    """Size of the intersection of two sorted distinct arrays (binary search: no concatenation or
    re-sort as in np.intersect1d, which cost ~30 µs a pair)."""
    if a.size > b.size:
        a, b = b, a
    where = np.searchsorted(b, a)
    where[where == b.size] = 0
    return int(np.count_nonzero(b[where] == a)) if b.size else 0


def verify(
    a: U64, b: U64, thresholds: Thresholds, words: Callable[[], tuple[U64, U64]] | None = None
) -> tuple[str, float] | None:
    """The link between two docs from their real shingle sets, or None: no sketch decides alone.

    `near`: shingle Jaccard ≥ threshold; `contained`: the smaller holds ≥ containment of its
    shingles in the larger; `edited`: a copy with words replaced here and there (each edit breaks
    five shingles, so 6% of words edited leaves a shingle Jaccard near 0.55) — the shingles still
    agree on ≥ EDITED_MIN_JACCARD and the word sets on ≥ EDITED_WORD_JACCARD.
    """
    if a.size < MIN_SHINGLES or b.size < MIN_SHINGLES:
        return None
    jaccard, containment = _overlap(a, b)
    if jaccard >= thresholds.near:
        return "near", round(float(jaccard), 4)
    if containment >= thresholds.containment:
        return "contained", round(float(containment), 4)
    if words is not None and jaccard >= EDITED_MIN_JACCARD and min(a.size, b.size) >= EDITED_MIN_SHINGLES:
        word_jaccard, _ = _overlap(*words())  # word sets only for the few pairs that need them
        if word_jaccard >= EDITED_WORD_JACCARD:
            return "edited", round(float(word_jaccard), 4)
    return None


def shares_content(a: U64, b: U64) -> bool:
    """The template guard: what is left of two docs once template lines are gone must overlap.

    Two short articles in one long template match on the template alone: their own text is
    disjoint. A doc that is template through and through (an outlet that republished one text
    five times) has nothing left to compare: the full sets decide for it.
    """
    if min(a.size, b.size) < MIN_SHINGLES:
        return True
    return _common(a, b) >= TEMPLATE_GUARD * min(a.size, b.size)


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
    archive.add_lines(_distinct_lines(prepared.tokens))
    full, free, words = fingerprint(docs, archive, prepared)
    values, owners = prepared.sample
    seqs = np.array([doc.seq for doc in docs], dtype=np.int64)
    batch_sizes = {doc.seq: 0 for doc in docs}
    batch_sizes.update(
        {int(seqs[i]): int(n) for i, n in zip(*np.unique(owners, return_counts=True), strict=True)}
    )
    shingles_new, seqs_new = values.view(np.int64), seqs[owners]  # SQLite integers are signed
    old_shingles, old_seqs = archive.postings(np.unique(shingles_new))
    sizes = archive.sample_sizes(np.unique(old_seqs).tolist()) | batch_sizes
    candidates = _candidate_pairs(shingles_new, seqs_new, old_shingles, old_seqs, sizes, thresholds)
    archive.add_postings(shingles_new, seqs_new, batch_sizes)
    if not candidates:
        return []
    position = {doc.seq: index for index, doc in enumerate(docs)}
    others = archive.docs(sorted({seq for pair in candidates for seq in pair} - set(position)))
    sets = {doc.seq: (full, free, words, index) for index, doc in enumerate(docs)}
    if others:
        old = fingerprint(others, archive)
        sets.update({doc.seq: (*old, index) for index, doc in enumerate(others)})

    distinct: dict[tuple[int, int], U64] = {}

    def shingles_of(seq: int, which: int) -> U64:
        """Distinct sorted set `which` (0 full, 1 template-free, 2 words) of a doc, memoized."""
        if (seq, which) not in distinct:
            *kinds, index = sets[seq]
            distinct[seq, which] = kinds[which].of(index)
        return distinct[seq, which]

    links = []
    for a, b in sorted(candidates):
        word_sets = partial(lambda x, y: (shingles_of(x, 2), shingles_of(y, 2)), a, b)
        verdict = verify(shingles_of(a, 0), shingles_of(b, 0), thresholds, word_sets)
        if verdict and shares_content(shingles_of(a, 1), shingles_of(b, 1)):
            links.append(Link(a, b, *verdict))
    return links


def _candidate_pairs(
    shingles_new: I64,
    seqs_new: I64,
    old_shingles: I64,
    old_seqs: I64,
    sizes: dict[int, int],
    thresholds: Thresholds,
) -> set[tuple[int, int]]:
    """Pairs (low seq, high seq) with a new doc that share enough sampled shingles to verify."""
    shingles = np.concatenate([shingles_new, old_shingles])
    seqs = np.concatenate([seqs_new, old_seqs])
    is_new = np.concatenate([np.ones(shingles_new.size, bool), np.zeros(old_shingles.size, bool)])
    order = np.lexsort((seqs, shingles))
    shingles, seqs, is_new = shingles[order], seqs[order], is_new[order]
    starts = np.flatnonzero(np.r_[True, shingles[1:] != shingles[:-1]])
    lengths = np.diff(np.r_[starts, shingles.size])
    useful = (lengths >= 2) & (lengths <= MAX_POSTING_ARTICLES)
    member = np.repeat(useful, lengths)
    group = np.repeat(np.arange(starts.size), lengths)[member]
    seqs, is_new = seqs[member], is_new[member]
    pair_keys: list[I64] = []
    # Pair every element with the ones k places after it in the same group, for growing k: a
    # handful of whole-array operations instead of a Python loop over groups.
    for k in range(1, int(lengths[useful].max(initial=1))):
        same = group[k:] == group[:-k]
        if not same.any():
            break
        a, b = seqs[:-k][same], seqs[k:][same]
        fresh = is_new[:-k][same] | is_new[k:][same]
        a, b = a[fresh], b[fresh]
        pair_keys.append(np.minimum(a, b) * (1 << 32) + np.maximum(a, b))
    if not pair_keys:
        return set()
    keys, counts = np.unique(np.concatenate(pair_keys), return_counts=True)
    low, high = keys >> 32, keys & 0xFFFFFFFF
    smaller = np.minimum(
        np.array([sizes.get(s, 0) for s in low.tolist()]), np.array([sizes.get(s, 0) for s in high.tolist()])
    )
    # A near pair shares ≥ `near` of the smaller set, a contained one ≥ `containment`: the sample
    # shows roughly that share, and the slack absorbs sampling noise; verification decides.
    floor = CANDIDATE_SLACK * min(thresholds.near, thresholds.containment)
    enough = counts >= np.maximum(1, (floor * smaller).astype(np.int64))
    return set(zip(low[enough].tolist(), high[enough].tolist(), strict=True))


class MemoryArchive:
    """An archive held in memory: for one-shot runs (benchmarks) and tests."""

    def __init__(self) -> None:
        self.lines: dict[int, int] = {}
        self._index = PostingIndex()
        self._docs: dict[int, Doc] = {}
        self._sizes: dict[int, int] = {}

    def remember(self, docs: Iterable[Doc]) -> None:
        self._docs.update((doc.seq, doc) for doc in docs)

    def count_lines(self, hashes: Sequence[int]) -> dict[int, int]:
        return {h: self.lines.get(h, 0) for h in hashes}

    def add_lines(self, hashes: Sequence[int]) -> None:
        for h in hashes:
            self.lines[h] = self.lines.get(h, 0) + 1

    def postings(self, shingles: I64) -> tuple[I64, I64]:
        return self._index.lookup(shingles)

    def add_postings(self, shingles: I64, seqs: I64, sizes: dict[int, int]) -> None:
        self._index.add(shingles, seqs)
        self._sizes.update(sizes)

    def sample_sizes(self, seqs: Sequence[int]) -> dict[int, int]:
        return {seq: self._sizes.get(seq, 0) for seq in seqs}

    def docs(self, seqs: Sequence[int]) -> list[Doc]:
        return [self._docs[seq] for seq in seqs]


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

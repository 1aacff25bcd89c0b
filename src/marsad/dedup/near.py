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
content: it is left out of the shingles, so two short articles inside one long template are
never merged, while a wire copy wrapped in another site's boilerplate still matches.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import numpy.typing as npt

from marsad.text import normalize
from marsad.text.shingle import U64, shingles_of_hashes, token_hashes

SHINGLE_SIZE = 5
NEAR_THRESHOLD = 0.8
CONTAINMENT_THRESHOLD = 0.9
SAMPLE_MODULUS = 4
TEMPLATE_MIN_ARTICLES = 5
MIN_SHINGLES = 3  # fewer distinct shingles (under ~7 words of content): too little to call a copy
MAX_POSTING_ARTICLES = 300  # a sampled shingle in more articles than this is boilerplate, not evidence
CANDIDATE_SLACK = 0.6  # a candidate shares at least this share of the smaller sample before verifying

I64 = npt.NDArray[np.int64]
_WORDS = re.compile(r"\w+")


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
    kind: str  # "near" or "contained"
    score: float  # Jaccard for near, containment of the smaller in the larger for contained


@dataclass(frozen=True, slots=True)
class DocLines:
    """A doc's lines in matching form, each with the (outlet, line) hash templates are learned on."""

    hashes: tuple[int, ...]
    words: tuple[tuple[str, ...], ...]


def doc_lines(doc: Doc) -> DocLines:
    """Normalize once, then split: a line's key is its normalized words (punctuation ignored)."""
    hashes: list[int] = []
    line_words: list[tuple[str, ...]] = []
    prefix = f"{doc.outlet or ''}\x1f".encode()
    for line in normalize(doc.text).lower().split("\n"):
        tokens = tuple(_WORDS.findall(line))
        if tokens:
            digest = hashlib.blake2b(prefix + " ".join(tokens).encode(), digest_size=8).digest()
            hashes.append(int.from_bytes(digest, "little", signed=True))
            line_words.append(tokens)
    return DocLines(tuple(hashes), tuple(line_words))


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


@dataclass
class Fingerprints:
    """Shingles of a set of docs (after template removal), by seq."""

    shingles: dict[int, U64] = field(default_factory=dict)

    def sampled(self, seq: int) -> U64:
        values = self.shingles[seq]
        return values[values % np.uint64(SAMPLE_MODULUS) == 0]


def _fingerprint(lines: DocLines, template: set[int]) -> U64:
    kept = [
        word
        for h, words in zip(lines.hashes, lines.words, strict=True)
        if h not in template
        for word in words
    ]
    return shingles_of_hashes(token_hashes(kept), SHINGLE_SIZE)


def fingerprints(lines_of: dict[int, DocLines], archive: Archive) -> Fingerprints:
    """Shingles of each doc, leaving out the lines the archive knows as its outlet's template."""
    every = sorted({h for lines in lines_of.values() for h in lines.hashes})
    counts = archive.count_lines(every) if every else {}
    template = {h for h, count in counts.items() if count >= TEMPLATE_MIN_ARTICLES}
    return Fingerprints({seq: _fingerprint(lines, template) for seq, lines in lines_of.items()})


@dataclass(frozen=True, slots=True)
class Thresholds:
    near: float = NEAR_THRESHOLD
    containment: float = CONTAINMENT_THRESHOLD


def verify(a: U64, b: U64, thresholds: Thresholds) -> tuple[str, float] | None:
    """The link between two docs from their real shingle sets, or None: no sketch decides alone."""
    if a.size < MIN_SHINGLES or b.size < MIN_SHINGLES:
        return None
    common = np.intersect1d(a, b, assume_unique=True).size
    jaccard = common / (a.size + b.size - common)
    if jaccard >= thresholds.near:
        return "near", round(float(jaccard), 4)
    containment = common / min(a.size, b.size)
    if containment >= thresholds.containment:
        return "contained", round(float(containment), 4)
    return None


def link_batch(docs: Sequence[Doc], archive: Archive, thresholds: Thresholds | None = None) -> list[Link]:
    """Find the near-duplicates of a batch of new docs among themselves and in the archive, then
    index the batch. Running batches one after another finds what one big batch finds.
    """
    thresholds = thresholds or Thresholds()
    if not docs:
        return []
    lines_of = {doc.seq: doc_lines(doc) for doc in docs}
    archive.add_lines([h for lines in lines_of.values() for h in set(lines.hashes)])
    new = fingerprints(lines_of, archive)
    batch_shingles: list[I64] = []
    batch_seqs: list[I64] = []
    for doc in docs:
        sample = new.sampled(doc.seq)
        if new.shingles[doc.seq].size >= MIN_SHINGLES and sample.size:
            batch_shingles.append(sample.view(np.int64))  # SQLite integers are signed
            batch_seqs.append(np.full(sample.size, doc.seq, dtype=np.int64))
    batch_sizes = {doc.seq: 0 for doc in docs}
    if not batch_shingles:
        archive.add_postings(np.empty(0, np.int64), np.empty(0, np.int64), batch_sizes)
        return []
    shingles_new = np.concatenate(batch_shingles)
    seqs_new = np.concatenate(batch_seqs)
    batch_sizes.update(
        {int(s): int(n) for s, n in zip(*np.unique(seqs_new, return_counts=True), strict=True)}
    )
    old_shingles, old_seqs = archive.postings(np.unique(shingles_new))
    sizes = archive.sample_sizes(np.unique(old_seqs).tolist()) | batch_sizes
    candidates = _candidate_pairs(shingles_new, seqs_new, old_shingles, old_seqs, sizes, thresholds)
    archive.add_postings(shingles_new, seqs_new, batch_sizes)
    if not candidates:
        return []
    others = sorted({seq for pair in candidates for seq in pair} - set(new.shingles))
    known = (
        fingerprints({d.seq: doc_lines(d) for d in archive.docs(others)}, archive)
        if others
        else Fingerprints()
    )
    every = {**known.shingles, **new.shingles}
    links = []
    for a, b in sorted(candidates):
        verdict = verify(every[a], every[b], thresholds)
        if verdict:
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
        self._postings_shingles: list[I64] = []
        self._postings_seqs: list[I64] = []
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
        if not self._postings_shingles:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        all_shingles = np.concatenate(self._postings_shingles)
        all_seqs = np.concatenate(self._postings_seqs)
        hit = np.isin(all_shingles, shingles)
        return all_shingles[hit], all_seqs[hit]

    def add_postings(self, shingles: I64, seqs: I64, sizes: dict[int, int]) -> None:
        self._postings_shingles.append(shingles)
        self._postings_seqs.append(seqs)
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
) -> list[Link]:
    """Near-duplicate links among texts (indices into `texts`), computed batch by batch."""
    thresholds = Thresholds(threshold, containment)
    archive = MemoryArchive()
    docs = [Doc(i, text, outlets[i] if outlets else None) for i, text in enumerate(texts)]
    archive.remember(docs)
    links: list[Link] = []
    for start in range(0, len(docs), batch_size):
        links.extend(link_batch(docs[start : start + batch_size], archive, thresholds))
    return links

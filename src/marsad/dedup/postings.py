"""An in-memory inverted index of sampled shingles: sorted segments searched with NumPy.

SQLite B-tree inserts of hash-ordered keys cost seconds per batch (random pages), and the index
is small (about 40 sampled shingles an article, 16 bytes each: 20 MB for a million postings), so
the store keeps each article's sample as one BLOB and near-duplicate linking keeps this index in
memory (`marsad.dedup.linking`), built on first use.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

I64 = npt.NDArray[np.int64]
_MAX_SEGMENTS = 8  # merge when there are more: lookups search every segment


class PostingIndex:
    def __init__(self) -> None:
        self._segments: list[tuple[I64, I64]] = []

    def add(self, shingles: I64, articles: I64) -> None:
        if shingles.size == 0:
            return
        order = np.argsort(shingles, kind="stable")
        self._segments.append((shingles[order], articles[order]))
        if len(self._segments) > _MAX_SEGMENTS:
            merged_shingles = np.concatenate([s for s, _ in self._segments])
            merged_articles = np.concatenate([q for _, q in self._segments])
            order = np.argsort(merged_shingles, kind="stable")
            self._segments = [(merged_shingles[order], merged_articles[order])]

    def lookup(self, shingles: I64) -> tuple[I64, I64]:
        """(shingle, article key) of every posting whose shingle is among `shingles` (sorted, distinct)."""
        found_shingles: list[I64] = []
        found_articles: list[I64] = []
        for shingle_keys, owners in self._segments:
            left = np.searchsorted(shingle_keys, shingles, side="left")
            right = np.searchsorted(shingle_keys, shingles, side="right")
            counts = right - left
            total = int(counts.sum())
            if total == 0:
                continue
            # Expand each [left, right) range into positions, all at once.
            starts = np.repeat(left - np.cumsum(np.r_[0, counts[:-1]]), counts)
            positions = np.arange(total) + starts
            found_shingles.append(shingle_keys[positions])
            found_articles.append(owners[positions])
        if not found_shingles:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        return np.concatenate(found_shingles), np.concatenate(found_articles)

    def __len__(self) -> int:
        return sum(keys.size for keys, _ in self._segments)

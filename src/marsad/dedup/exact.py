"""Exact duplicates: two articles are one when their text matches after normalization.

The article id *is* the hash of that matching form, so exact dedup needs no index: the same
wire story ingested from any page, in any run, on any worker, gets the same id.
"""

from __future__ import annotations

from collections.abc import Sequence

from marsad.model import stable_id
from marsad.text import matching_key, matching_keys


def article_id(text: str) -> str:
    """Stable id of an article's text: equal after normalization and space folding ⇔ equal id."""
    return stable_id("article", matching_key(text))


IDS_CHUNK_CHARS = 1_000_000  # texts normalized in one pass: bounds the arrays (~10 MB), not slower


def article_ids(texts: Sequence[str]) -> list[str]:
    """`article_id` of every text, normalized a million characters at a time (what a batch of
    pages should use: one NumPy pass per text would cost more than the folding)."""
    ids: list[str] = []
    start = 0
    while start < len(texts):
        end, size = start, 0
        while end < len(texts) and (end == start or size + len(texts[end]) <= IDS_CHUNK_CHARS):
            size += len(texts[end])
            end += 1
        ids += [stable_id("article", key) for key in matching_keys(texts[start:end])]
        start = end
    return ids

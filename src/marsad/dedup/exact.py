"""Exact duplicates: two articles are one when their text matches after normalization.

The article id *is* the hash of that matching form, so exact dedup needs no index: the same
wire story ingested from any page, in any run, on any worker, gets the same id.
"""

from __future__ import annotations

from marsad.model import stable_id
from marsad.text import matching_key


def article_id(text: str) -> str:
    """Stable id of an article's text: equal after normalization and space folding ⇔ equal id."""
    return stable_id("article", matching_key(text))

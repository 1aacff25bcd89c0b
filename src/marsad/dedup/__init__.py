"""Deduplication: exact (content identity) now; near-duplicates build on the same ids."""

from marsad.dedup.exact import article_id

__all__ = ["article_id"]

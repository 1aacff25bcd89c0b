"""Word n-gram shingles as stable 64-bit hashes, computed with NumPy, not a per-shingle loop.

Used by near-duplicate detection (and its benchmarks' exact truth), so it must be fast and the
same in every process and every run: Python's `hash()` is salted per process, so tokens are
hashed with blake2b (memoized per process), and n-grams by mixing n token hashes in NumPy.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np
import numpy.typing as npt

from marsad.text.normalize import normalize

U64 = npt.NDArray[np.uint64]
_MIX = np.array(
    [
        0x9E3779B97F4A7C15,
        0xC2B2AE3D27D4EB4F,
        0x165667B19E3779F9,
        0x85EBCA77C2B2AE63,
        0x27D4EB2F165667C5,
        0xFF51AFD7ED558CCD,
        0xC4CEB9FE1A85EC53,
        0x94D049BB133111EB,
    ],
    dtype=np.uint64,
)


def splitmix64(values: U64) -> U64:
    """A strong 64-bit finalizer (SplitMix64), vectorized: spreads combined hashes evenly."""
    with np.errstate(over="ignore"):
        z = values + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


_TOKEN_CACHE: dict[str, int] = {}
_CACHE_LIMIT = 2_000_000  # distinct words; news vocabularies stay far below this


def _token_hash(token: str) -> int:
    value = int.from_bytes(hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest(), "little")
    if len(_TOKEN_CACHE) >= _CACHE_LIMIT:
        _TOKEN_CACHE.clear()
    _TOKEN_CACHE[token] = value
    return value


def token_hashes(tokens: list[str]) -> U64:
    """A stable 64-bit hash per token (blake2b), memoized: a corpus reuses the same words."""
    values = list(map(_TOKEN_CACHE.get, tokens))  # C-speed lookups; misses filled below
    if None in values:
        values = [_token_hash(t) if v is None else v for v, t in zip(values, tokens, strict=True)]
    return np.array(values, dtype=np.uint64)


_NORMALIZED_WORD = re.compile(r"\w+")  # after normalization no tashkeel or tatweel is left inside words


def matching_tokens(text: str) -> list[str]:
    """The words two texts are compared on: normalized, lowercased."""
    return _NORMALIZED_WORD.findall(normalize(text).lower())


def shingles(text: str, size: int = 5) -> U64:
    """The distinct hashed word `size`-grams of a text (a text shorter than `size` words gives one)."""
    hashes = token_hashes(matching_tokens(text))
    return shingles_of_hashes(hashes, size)


def shingles_of_hashes(hashes: U64, size: int) -> U64:
    if hashes.size == 0:
        return hashes
    if hashes.size < size:
        size = int(hashes.size)
    count = hashes.size - size + 1
    with np.errstate(over="ignore"):
        combined = np.zeros(count, dtype=np.uint64)
        for offset in range(size):
            combined += hashes[offset : offset + count] * _MIX[offset % _MIX.size]
    return np.unique(splitmix64(combined))

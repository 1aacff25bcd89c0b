"""Snippets: a window of the original (unnormalized) text around the matched words, with the
matches marked by character offsets, so any front end can highlight them its own way."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress, count, islice

from marsad.search.analyzer import Analyzer
from marsad.text.normalize import normalize
from marsad.text.tokenize import WORD

SNIPPET_WORDS = 30


@dataclass(frozen=True, slots=True)
class Snippet:
    text: str
    marks: list[tuple[int, int]]  # (start, end) of each matched word in `text`


def _best_window(matched: dict[int, str], words: int, size: int) -> int:
    """Start of the `size`-word window with the most distinct matched terms, then the most
    matches, earliest on ties (`matched`: position → term, in order). Only a match entering
    the window raises its score, so the earliest best start is 0 or the start that first takes
    in some match: those few starts are the only ones scored (a slide over every word was a
    third of a search's time)."""
    positions = list(matched)
    last_start = max(0, words - size)
    starts = sorted({0} | {p - size + 1 for p in positions if 0 < p - size + 1 <= last_start})
    best, best_score = 0, (-1, -1)
    for start in starts:
        inside = positions[bisect_left(positions, start) : bisect_left(positions, start + size)]
        score = (len({matched[p] for p in inside}), len(inside))
        if score > best_score:
            best, best_score = start, score
    return best


def _matched_terms(surfaces: list[str], terms: Collection[str], analyzer: Analyzer) -> dict[int, str]:
    """Position → term of the words that are one of `terms`, in order. Only words whose
    normalized form holds a term are analyzed: a light stemmer only strips affixes, so a word's
    term is part of it (but for لل → ال, left off the term's front). Analyzing every word of
    every hit, most of them never seen before, was most of a search's time; normalizing all
    the words is one vectorized pass, the containment test one C-level regex scan per word."""
    if not terms:
        return {}
    folded = normalize("\0".join(surfaces)).lower().split("\0")  # (\0 is never a word's)
    holding = set(filter(_holding(frozenset(terms)).search, folded))
    if not holding:
        return {}
    found = {}
    for i in compress(count(), map(holding.__contains__, folded)):  # (C-level: no Python per word)
        term = analyzer.surface_term(surfaces[i])
        if term is not None and term in terms:
            found[i] = term
    return found


@lru_cache(maxsize=4096)
def _holding(terms: frozenset[str]) -> re.Pattern[str]:
    cores = sorted({term[2:] if term.startswith("ال") and len(term) > 3 else term for term in terms})
    return re.compile("|".join(map(re.escape, cores)))


def make_snippet(text: str, terms: Collection[str], analyzer: Analyzer, size: int = SNIPPET_WORDS) -> Snippet:
    """The `size`-word window with the most distinct matched terms (earliest on ties)."""
    surfaces = WORD.findall(text)
    if not surfaces:
        return Snippet(text[:200], [])
    matched = _matched_terms(surfaces, terms, analyzer)
    best = _best_window(matched, len(surfaces), size)
    last = min(len(surfaces), best + size) - 1
    spans = [m.span() for m in islice(WORD.finditer(text), best, last + 1)]  # the window's words
    begin, end = spans[0][0], spans[-1][1]
    prefix = "… " if best > 0 else ""
    suffix = " …" if last < len(surfaces) - 1 else ""
    window_text = prefix + text[begin:end] + suffix
    marks = [
        (len(prefix) + s - begin, len(prefix) + e - begin)
        for i, (s, e) in enumerate(spans, best)
        if i in matched
    ]
    return Snippet(window_text.replace("\n", " "), marks)

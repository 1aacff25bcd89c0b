"""Snippets: a window of the original (unnormalized) text around the matched words, with the
matches marked by character offsets, so any front end can highlight them its own way."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass

from marsad.search.analyzer import Analyzer
from marsad.text.tokenize import word_spans

SNIPPET_WORDS = 30


@dataclass(frozen=True, slots=True)
class Snippet:
    text: str
    marks: list[tuple[int, int]]  # (start, end) of each matched word in `text`


def _best_window(matched: list[str | None], size: int) -> int:
    """Start of the `size`-word window with the most distinct matched terms, then the most
    matches, earliest on ties: one pass, the window's term counts kept as it slides."""
    counts: Counter[str] = Counter()
    matches = 0
    best, best_score = 0, (-1, -1)
    for end, term in enumerate(matched):
        if term is not None:
            counts[term] += 1
            matches += 1
        start = end - size + 1
        if start > 0 and (gone := matched[start - 1]) is not None:
            counts[gone] -= 1
            matches -= 1
            if not counts[gone]:
                del counts[gone]
        if (start >= 0 or end == len(matched) - 1) and (len(counts), matches) > best_score:
            best, best_score = max(start, 0), (len(counts), matches)
    return best


def make_snippet(text: str, terms: Collection[str], analyzer: Analyzer, size: int = SNIPPET_WORDS) -> Snippet:
    """The `size`-word window with the most distinct matched terms (earliest on ties)."""
    spans = word_spans(text)
    if not spans:
        return Snippet(text[:200], [])
    matched: list[str | None] = [None] * len(spans)
    if terms:
        for i, (start, end) in enumerate(spans):
            term = analyzer.surface_term(text[start:end])
            if term in terms:
                matched[i] = term
    hits = [term is not None for term in matched]
    best = _best_window(matched, size)
    last = min(len(spans), best + size) - 1
    begin, end = spans[best][0], spans[last][1]
    prefix = "… " if best > 0 else ""
    suffix = " …" if last < len(spans) - 1 else ""
    window_text = prefix + text[begin:end] + suffix
    marks = [
        (len(prefix) + s - begin, len(prefix) + e - begin)
        for (s, e), hit in zip(spans[best : last + 1], hits[best : last + 1], strict=True)
        if hit
    ]
    return Snippet(window_text.replace("\n", " "), marks)

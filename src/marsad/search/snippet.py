"""Snippets: a window of the original (unnormalized) text around the matched words, with the
matches marked by character offsets, so any front end can highlight them its own way."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from marsad.search.analyzer import Analyzer
from marsad.text.tokenize import word_spans

SNIPPET_WORDS = 30


@dataclass(frozen=True, slots=True)
class Snippet:
    text: str
    marks: list[tuple[int, int]]  # (start, end) of each matched word in `text`

    def marked(self, before: str = "[", after: str = "]") -> str:
        """The snippet with each match wrapped, e.g. in <mark>…</mark> (escape the text first for HTML)."""
        out, last = [], 0
        for start, end in self.marks:
            out += [self.text[last:start], before, self.text[start:end], after]
            last = end
        out.append(self.text[last:])
        return "".join(out)


def _span_terms(text: str, spans: list[tuple[int, int]], analyzer: Analyzer) -> list[str | None]:
    terms: list[str | None] = []
    for start, end in spans:
        words = analyzer.words(text[start:end])
        terms.append(analyzer.term(words[0]) if words else None)
    return terms


def make_snippet(text: str, terms: Collection[str], analyzer: Analyzer, size: int = SNIPPET_WORDS) -> Snippet:
    """The `size`-word window with the most distinct matched terms (earliest on ties)."""
    spans = word_spans(text)
    if not spans:
        return Snippet(text[:200], [])
    found = _span_terms(text, spans, analyzer) if terms else [None] * len(spans)
    hits = [term is not None and term in terms for term in found]
    best, best_score = 0, -1
    for start in range(0, max(1, len(spans) - size + 1)):
        window = range(start, min(len(spans), start + size))
        distinct = {found[i] for i in window if hits[i]}
        score = len(distinct) * 1000 + sum(hits[i] for i in window)
        if score > best_score:
            best, best_score = start, score
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

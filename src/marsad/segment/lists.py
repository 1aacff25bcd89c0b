"""Split boilerplate lists whose items are glued together by spaces only.

Pages often flatten a list of links into one line: "أخبار ذات صلة بوتين يجدد … بوتين يحذر …" or
"كلمات دلالية: فلاديمير بوتين إيلون ماسك محادثات سرية". When real separators exist they win;
otherwise the split is inferred from the page itself.
"""

from __future__ import annotations

import re
from itertools import pairwise

from marsad.text import normalize, words

_SEPARATORS = re.compile(r"\s*(?:[|•·▪،,؛;#\n]|\s-\s|\s–\s)\s*")
_MIN_HEADLINE_WORDS = 3
_MAX_TAG_WORDS = 4


def split_items(value: str) -> list[str] | None:
    """Items of a list written with explicit separators, or None when there are none."""
    if not _SEPARATORS.search(value):
        return None
    items = [item.strip(" \t.:") for item in _SEPARATORS.split(value)]
    return [item for item in items if item]


def split_headlines(value: str) -> list[str]:
    """Headlines of a related-news line.

    Without separators, a headline list about one story tends to repeat its subject at the start
    of each headline ("بوتين يجدد …", "بوتين يحذر …"): cut before each repeat of the first word,
    as long as every piece stays a plausible headline.
    """
    items = split_items(value)
    if items is not None:
        return items
    spans = list(re.finditer(r"\S+", value.strip()))
    if not spans:
        return []
    text = value.strip()
    first = normalize(spans[0].group())
    cuts = [0] + [m.start() for m in spans[1:] if normalize(m.group()) == first] + [len(text)]
    pieces = [text[a:b].strip() for a, b in pairwise(cuts)]
    if len(pieces) > 1 and all(len(piece.split()) >= _MIN_HEADLINE_WORDS for piece in pieces):
        return pieces
    return [text]


def split_tags(value: str, context: str) -> list[str]:
    """Tags of a tags line; multi-word tags are recovered from the page's own text.

    A phrase of two or more words that also occurs in `context` (the page's articles) is one tag
    ("فلاديمير بوتين", "إيلون ماسك"); consecutive words that form no such phrase stay together
    as one tag ("محادثات سرية"). Dynamic programming picks the split with the longest phrases.
    """
    items = split_items(value)
    if items is not None:
        return items
    tokens = value.split()
    if len(tokens) <= 1:
        return tokens
    keys = [" ".join(words(normalize(token))) for token in tokens]
    vocabulary = f" {' '.join(words(normalize(context)))} "

    def known(start: int, end: int) -> bool:
        return end - start >= 2 and f" {' '.join(keys[start:end])} " in vocabulary

    # best[i] = (score, pieces) for tokens[:i]; a piece is (start, end, known).
    best: list[tuple[int, list[tuple[int, int, bool]]]] = [(0, [])]
    for end in range(1, len(tokens) + 1):
        score, pieces = best[end - 1]
        candidates = [(score, [*pieces, (end - 1, end, False)])]
        for start in range(max(0, end - _MAX_TAG_WORDS), end - 1):
            if known(start, end):
                prior_score, prior = best[start]
                candidates.append((prior_score + (end - start) ** 2, [*prior, (start, end, True)]))
        best.append(max(candidates, key=lambda c: (c[0], -len(c[1]))))
    merged: list[tuple[int, int, bool]] = []
    for start, end, is_known in best[-1][1]:
        if merged and not is_known and not merged[-1][2]:
            merged[-1] = (merged[-1][0], end, False)  # glue unknown words into one tag
        else:
            merged.append((start, end, is_known))
    return [" ".join(tokens[start:end]) for start, end, _ in merged]

"""Word tokenization shared by every stage that needs words (markers, tags, dedup, search)."""

from __future__ import annotations

import re

# Python's \w leaves out Arabic combining marks (tashkeel, Mn) and tatweel (Lm is in, Mn is not),
# which would cut "نُشرت" into pieces; the class below keeps a written word whole.
WORD = re.compile(r"[\w\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]+")


def words(text: str) -> list[str]:
    """The words of a text, in order, as written (no normalization)."""
    return WORD.findall(text)


def word_spans(text: str) -> list[tuple[int, int]]:
    """Start and end offsets of each word, to cut the original text at word boundaries."""
    return [m.span() for m in WORD.finditer(text)]

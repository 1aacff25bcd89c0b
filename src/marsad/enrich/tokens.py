"""Tokens with their character offsets in the original text, and sentences of them.

The tagger works on tokens, the web app on the text as published: every token keeps where it
stands in the original string, so a mention found on tokens is a span of the original. Words
are Marsad's (`marsad.text.tokenize.WORD`: tashkeel and tatweel stay inside the word); every other
visible character is a token of its own, as ANERcorp splits punctuation off its words (a decimal
number, 3.5, and an acronym spelt in letter names, «إم. بي. سي», stay one token).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from marsad.text.tokenize import WORD

# Latin letters spelt in Arabic, as acronyms are written: «إم. بي. سي» (MBC), «إتش.إس.بي.سي» (HSBC).
# fmt: off
_LETTER_NAMES = (
    "إيه", "ايه", "أيه", "بي", "سي", "دي", "إي", "إف", "اف", "جي", "جيه", "إتش", "اتش", "آي", "كيه", "إل",
    "إم", "ام", "إن", "أو", "كيو", "آر", "ار", "إس", "اس", "تي", "يو", "دبليو", "إكس", "اكس", "واي",
    "زد",
)
# fmt: on
_LETTER = "(?:" + "|".join(sorted(_LETTER_NAMES, key=len, reverse=True)) + ")"
# Two or more letter names joined by dots make one token: the dots are no sentence ends, and the
# tagger sees the acronym whole, not «بي.» alone (a fragment it had tagged in 27 articles of two days).
_ACRONYM = (
    rf"(?<!\w)(?=\w{{1,5}}\.){_LETTER}\.(?: ?{_LETTER}\.)* ?{_LETTER}(?!\w)"  # a dot after it ends a sentence
)
_ACRONYM_TOKEN = re.compile(_ACRONYM)
_TOKEN = re.compile(
    rf"{_ACRONYM}|\d+(?:[.,٫]\d+)+|{WORD.pattern}|[^\s\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)
# a sentence ends after these (ANERcorp's sentences end at "."), and at every line break
_SENTENCE_END = frozenset(".!?؟")
_MAX_SENTENCE = 200  # tokens: a run-on "sentence" (a list, a table) is cut, the CRF is linear anyway


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    start: int
    end: int


def tokenize(text: str) -> list[Token]:
    """Every word and punctuation mark of `text`, with its offsets (text[start:end] == token)."""
    return [Token(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def is_acronym(token: str) -> bool:
    """Whether a token is an acronym spelt in letter names («إتش.إس.بي.سي»)."""
    return _ACRONYM_TOKEN.fullmatch(token) is not None


def sentences(text: str) -> list[list[Token]]:
    """The tokens of `text` cut into sentences: after . ! ? ؟, at line breaks, and every
    `_MAX_SENTENCE` tokens."""
    out: list[list[Token]] = []
    for line in re.finditer(r"[^\n]+", text):
        current: list[Token] = []
        base = line.start()
        for m in _TOKEN.finditer(line.group()):
            token = Token(m.group(), base + m.start(), base + m.end())
            current.append(token)
            if token.text in _SENTENCE_END or len(current) >= _MAX_SENTENCE:
                out.append(current)
                current = []
        if current:
            out.append(current)
    return out

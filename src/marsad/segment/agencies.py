"""Wire agencies: recognize every common spelling and give it its canonical name.

The alias list is data (`agencies.toml`); this module only compiles it into one regex over
normalized text, so "آ ف ب", "أ ف ب", "أ.ف.ب" and "فرانس برس" all come out as "AFP".
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from marsad.text import form_key, normalize, word_spans, words

_LETTERS_APART = r"[\s.]*"
_EDGE_PUNCTUATION = " \t:،,.-–—+/()"
# Words that join or decorate agency names in a source line and are not a publisher themselves.
_CONNECTORS = {"و", "وكاله", "وكالات", "وكالات الانباء", "الانباء", "انباء", "نقلا", "عن", "بتصرف", "-"}


@dataclass(frozen=True, slots=True)
class SourceLine:
    """What a "المصدر: …" value says: wire agencies and/or a publisher."""

    wire: tuple[str, ...]
    publisher: str | None


def _alias_pattern(alias: str) -> str:
    tokens = words(normalize(alias))
    if all(len(token) == 1 for token in tokens):
        body = _LETTERS_APART.join(re.escape(token) for token in tokens)
    else:
        body = r"\s+".join(re.escape(token) for token in tokens)
    return rf"(?<!\w){body}(?!\w)"


@cache
def _first_words() -> frozenset[str]:
    """First word of every alias: a cheap test before the full regex runs over a text."""
    table = _table()
    return frozenset(words(normalize(a).lower())[0] for entry in table.values() for a in entry["aliases"])


def might_name_agency(normalized: str) -> bool:
    return not _first_words().isdisjoint(normalized.lower().split())


@cache
def _table() -> dict[str, dict[str, list[str]]]:
    text = resources.files("marsad.segment").joinpath("agencies.toml").read_text("utf-8")
    return tomllib.loads(text)


@cache
def _matcher() -> tuple[re.Pattern[str], dict[str, str]]:
    table = _table()
    groups: list[str] = []
    canonical_of_group: dict[str, str] = {}
    for index, (canonical, entry) in enumerate(table.items()):
        # Longest aliases first so "وكالة الأنباء السعودية" wins over a shorter overlapping alias.
        aliases = sorted(entry["aliases"], key=len, reverse=True)
        group = f"a{index}"
        canonical_of_group[group] = canonical
        groups.append(f"(?P<{group}>{'|'.join(_alias_pattern(a) for a in aliases)})")
    return re.compile("|".join(groups), re.IGNORECASE), canonical_of_group


@cache
def agency_by_form() -> dict[str, str]:
    """Every alias by its form (`form_key`: "أ.ف.ب", "أ ف ب" and "ا ف ب" are one) → the agency:
    to tell whether a whole short part names an agency with a dict look-up, not the regex."""
    return {form_key(alias): canonical for canonical, entry in _table().items() for alias in entry["aliases"]}


def find_agencies(text: str) -> list[str]:
    """Canonical names of the agencies a text names, in order of first mention, without repeats."""
    pattern, canonical_of_group = _matcher()
    found: list[str] = []
    for match in pattern.finditer(normalize(text)):
        name = canonical_of_group[match.lastgroup or ""]
        if name not in found:
            found.append(name)
    return found


def agency_spans(normalized: str) -> list[tuple[int, int, str]]:
    """(start, end, canonical) of each agency mention in already normalized text."""
    pattern, canonical_of_group = _matcher()
    return [(m.start(), m.end(), canonical_of_group[m.lastgroup or ""]) for m in pattern.finditer(normalized)]


def parse_source(value: str) -> SourceLine:
    """Split a source line's value into wire agencies and the publisher that remains, if any."""
    normalized = normalize(value)
    spans = agency_spans(normalized)
    if not spans:
        if all(w in _CONNECTORS for w in words(normalized)):
            return SourceLine((), None)  # "وكالات": agencies in general, neither wire nor publisher
        return SourceLine((), value.strip(_EDGE_PUNCTUATION) or None)
    wire = tuple(dict.fromkeys(name for _, _, name in spans))
    remainder = normalized
    for start, end, _ in reversed(spans):
        remainder = remainder[:start] + " " + remainder[end:]
    leftover = " ".join(w for w in words(remainder) if w not in _CONNECTORS)
    if not leftover:
        return SourceLine(wire, None)
    # The publisher is reported as written: cut the original value before the first agency's word
    # (counted in words, since normalization removed characters and offsets differ).
    words_before = len(words(normalized[: spans[0][0]]))
    original_spans = word_spans(value)
    if words_before == 0 or words_before > len(original_spans):
        return SourceLine(wire, None)
    publisher = value[: original_spans[words_before - 1][1]].strip(_EDGE_PUNCTUATION)
    return SourceLine(wire, publisher or None)

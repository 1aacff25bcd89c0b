"""Marker profiles: the boilerplate vocabulary of a site family, loaded from TOML data."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from enum import Enum
from functools import cache, lru_cache
from importlib import resources
from itertools import islice
from pathlib import Path

from marsad.text import normalize, words
from marsad.text.tokenize import WORD


class Marker(Enum):
    READ_ALSO = "read_also"
    SOURCE = "source"
    TAGS = "tags"
    RELATED = "related"
    SIMILAR = "similar"
    ADS = "ads"


@dataclass(frozen=True, slots=True)
class MarkerMatch:
    marker: Marker
    rest: str  # the line after the marker, as written (separator such as ":" removed)


@dataclass(frozen=True, slots=True)
class Profile:
    """Markers as tuples of normalized words, longest first, so matching is a word-prefix test."""

    name: str
    markers: tuple[tuple[Marker, tuple[str, ...]], ...]
    max_source_words: int
    max_ad_subheading_words: int
    max_title_words: int
    longest: int  # words in the longest marker
    first_words: frozenset[str]

    def match(self, line: str) -> MarkerMatch | None:
        """The marker a line starts with, if any, and the rest of the line as written."""
        first = WORD.search(line)
        if first is None or _matching_form(first.group()) not in self.first_words:
            return None  # most lines: one short lookup and done
        spans = _head_words(line, self.longest)
        line_words = tuple(word for word, _ in spans)
        for marker, marker_words in self.markers:
            size = len(marker_words)
            if line_words[:size] == marker_words:
                end = spans[size - 1][1][1]
                return MarkerMatch(marker, line[end:].lstrip(" \t:：-–—ـ|").strip())
        return None


@lru_cache(maxsize=1 << 16)
def _matching_form(word: str) -> str:
    """A word as markers are compared (memoized: lines start with the same few hundred words)."""
    return normalize(word).lower()


def _head_words(line: str, count: int) -> list[tuple[str, tuple[int, int]]]:
    """The first `count` words of the line, normalized, with their spans in the original line.

    Only the head matters: a marker must start the line, so a word that appears later
    ("وقال المصدر:") never matches, and long paragraphs cost no more than short lines.
    """
    return [(normalize(m.group()).lower(), m.span()) for m in islice(WORD.finditer(line), count)]


def _compile(name: str, table: dict[str, object]) -> Profile:
    raw_markers = table["markers"]
    limits = table.get("limits", {})
    assert isinstance(raw_markers, dict) and isinstance(limits, dict)
    compiled: list[tuple[Marker, tuple[str, ...]]] = []
    for marker in Marker:
        for phrase in raw_markers.get(marker.value, []):
            compiled.append((marker, tuple(words(normalize(phrase).lower()))))
    compiled.sort(key=lambda item: len(item[1]), reverse=True)
    return Profile(
        name=name,
        markers=tuple(compiled),
        max_source_words=int(limits.get("max_source_words", 10)),
        max_ad_subheading_words=int(limits.get("max_ad_subheading_words", 8)),
        max_title_words=int(limits.get("max_title_words", 25)),
        longest=max(len(words_) for _, words_ in compiled),
        first_words=frozenset(words_[0] for _, words_ in compiled),
    )


@cache
def load_profile(name_or_path: str = "default") -> Profile:
    """A bundled profile by name, or a TOML file by path."""
    path = Path(name_or_path)
    if path.suffix == ".toml" and path.exists():
        return _compile(path.stem, tomllib.loads(path.read_text("utf-8")))
    resource = resources.files("marsad.segment").joinpath("profiles", f"{name_or_path}.toml")
    if not resource.is_file():
        raise ValueError(f"unknown segmentation profile {name_or_path!r}")
    return _compile(name_or_path, tomllib.loads(resource.read_text("utf-8")))

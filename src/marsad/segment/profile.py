"""Marker profiles: the boilerplate vocabulary of a site family, loaded from TOML data."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from enum import Enum
from functools import cache
from importlib import resources
from pathlib import Path

from marsad.text import normalize, word_spans, words


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

    def match(self, line: str) -> MarkerMatch | None:
        """The marker a line starts with, if any, and the rest of the line as written."""
        spans = _word_spans_normalized(line)
        line_words = tuple(word for word, _ in spans)
        for marker, marker_words in self.markers:
            size = len(marker_words)
            if line_words[:size] == marker_words:
                end = spans[size - 1][1][1]
                return MarkerMatch(marker, line[end:].lstrip(" \t:：-–—ـ|").strip())
        return None


def _word_spans_normalized(line: str) -> list[tuple[str, tuple[int, int]]]:
    """Each word of the line, normalized, with its span in the original line.

    The line must start with the marker (after bullets or punctuation), so a word that appears
    only later ("وقال المصدر:") never matches.
    """
    return [(normalize(line[start:end]).lower(), (start, end)) for start, end in word_spans(line)]


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

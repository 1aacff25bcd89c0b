"""Marker profiles: the boilerplate vocabulary of a site family, loaded from TOML data."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
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
    separated: bool  # a separator (":", "|", "…") stood between the marker and the rest


@dataclass(frozen=True, slots=True)
class RuleSet:
    """Regular expressions over a normalized, lower-cased line, each tried only where it can
    match, so that the many lines no rule is about cost a dictionary look-up, not a
    normalization and a regex scan:
    - `^word …`: only on lines whose first word (normalized, memoized) is that word;
    - `^` then a mark or a class (separators, time stamps): only on lines that do not open
      with a letter;
    - unanchored `word …`: only on lines that hold `word` as written (it must read the same
      normalized), searched from there on.
    """

    by_first_word: dict[str, re.Pattern[str]]
    symbols: re.Pattern[str]
    anywhere: tuple[tuple[str, re.Pattern[str]], ...]
    always: re.Pattern[str]

    @classmethod
    def compile(cls, rules: Iterable[str]) -> RuleSet:
        by_word: dict[str, list[str]] = {}
        symbols, anywhere, always = [], [], []
        for rule in rules:
            word = re.match(r"\^?([^\W\d_]+)", rule)
            literal = word is not None and normalize(word.group(1)).lower() == word.group(1)
            if rule.startswith("^") and word is not None and word.start(1) == 1:
                by_word.setdefault(normalize(word.group(1)).lower(), []).append(rule[1:])
            elif rule.startswith("^"):
                symbols.append(rule[1:])
            elif word is not None and literal:
                anywhere.append((word.group(1), re.compile(rule)))
            else:
                always.append(rule)
        return cls(
            {w: _alternation(r) for w, r in by_word.items()},
            _alternation(symbols),
            tuple(anywhere),
            _alternation(always),
        )

    def find(self, line: str) -> re.Match[str] | None:
        """The first rule's match in the line (on its normalized form, spaces folded), if any.

        Rules anchored at the start only see the line's head (`_HEAD_CHARS`), so a paragraph
        that happens to open with a rule's first word costs the normalization of its start only;
        unanchored rules are for short lines (`_ANYWHERE_CHARS`)."""
        short = len(line) <= _ANYWHERE_CHARS
        candidates = [pattern for word, pattern in self.anywhere if word in line] if short else []
        anchored, symbols = None, None
        if self.by_first_word or self.symbols.pattern != _NEVER:
            first = WORD.match(line)
            if first is not None and line[0].isalpha():
                anchored = self.by_first_word.get(matching_form(first.group()))
            elif self.symbols.pattern != _NEVER:
                symbols = self.symbols
        if (
            anchored is None
            and symbols is None
            and not candidates
            and (not short or self.always.pattern == _NEVER)
        ):
            return None  # nothing here can match: no normalization, no regex
        if not candidates and not (short and self.always.pattern != _NEVER):
            line = line[:_HEAD_CHARS]
        key = rule_key(line)
        found = anchored.match(key) if anchored is not None else None
        found = found or (symbols.match(key) if symbols is not None else None)
        for pattern in candidates:
            found = found or pattern.search(key)
        return found or (self.always.search(key) if short else None)


_HEAD_CHARS = 200  # what an anchored rule reads of a line
_ANYWHERE_CHARS = 600  # the longest line an unanchored rule reads


@dataclass(frozen=True, slots=True)
class Profile:
    """Markers as tuples of normalized words, longest first, so matching is a word-prefix test."""

    name: str
    markers: tuple[tuple[Marker, tuple[str, ...]], ...]
    max_source_words: int
    max_ad_subheading_words: int
    max_title_words: int
    max_tag_line_words: int
    longest: int  # words in the longest marker
    first_words: frozenset[str]
    # "للمزيد", "قد يهمك": link markers only when a separator follows ("للمزيد: عنوان"), since
    # they also open sentences ("للمزيد سألنا الدكتور …")
    needs_separator: frozenset[tuple[str, ...]]
    boilerplate: RuleSet  # lines that are an outlet's furniture
    tails: RuleSet  # furniture glued after the last sentence of a paragraph
    heads: RuleSet  # furniture glued before the paragraph a line holds
    max_boilerplate_chars: int
    title_sections: frozenset[str] = frozenset()  # normalized section names that kick off a title
    title_parts: frozenset[str] = frozenset()  # normalized words that name a running item's part

    def match(self, line: str) -> MarkerMatch | None:
        """The marker a line starts with, if any, and the rest of the line as written."""
        first = WORD.search(line)
        if first is None or matching_form(first.group()) not in self.first_words:
            return None  # most lines: one short lookup and done
        spans = _head_words(line, self.longest)
        line_words = tuple(word for word, _ in spans)
        for marker, marker_words in self.markers:
            size = len(marker_words)
            if line_words[:size] == marker_words:
                end = spans[size - 1][1][1]
                rest = line[end:].lstrip(" \t:：-–—ـ|.…").strip()
                separated = bool(_SEPARATOR.match(line[end:]))
                if marker_words in self.needs_separator and rest and not separated:
                    return None
                return MarkerMatch(marker, rest, separated)
        return None

    def is_boilerplate(self, line: str) -> bool:
        """A line that is an outlet's furniture (an app promotion, a separator, a rights notice)."""
        if len(line) > self.max_boilerplate_chars:
            return False  # a paragraph: not worth normalizing to find that out
        return self.boilerplate.find(line) is not None

    def glued_head(self, line: str) -> int | None:
        """Where the text after furniture glued to the start of a line begins, if any (an offset
        in the line as written, mapped back word by word as `glued_tail` does)."""
        found = self.heads.find(line)
        if found is None:
            return None
        normalized = rule_key(line[:_HEAD_CHARS])
        words_in = len(WORD.findall(normalized[: found.end()]))
        spans = list(islice(WORD.finditer(line), words_in))
        return spans[-1].end() if len(spans) == words_in and spans else None

    def glued_tail(self, line: str) -> int | None:
        """Where furniture glued after a paragraph's last sentence starts, if any (an offset in
        the line as written: normalization drops marks, so the match is mapped back word by word)."""
        start = max(0, len(line) - _TAIL_CHARS)  # glued to the end: only the end is worth reading
        start = line.rfind(" ", 0, start) + 1 if start else 0
        found = self.tails.find(line[start:])
        if found is None:
            return None
        normalized = rule_key(line[start:])
        before = len(WORD.findall(normalized[: found.start()]))
        spans = list(WORD.finditer(line, start))
        return spans[before].start() if before < len(spans) else None


_TAIL_CHARS = 320
_SEPARATOR = re.compile(r"\s*(?:[:：|]|\.{2,}|…|-\s)")


@lru_cache(maxsize=1 << 16)
def matching_form(word: str) -> str:
    """A word as markers and title words are compared (memoized: lines start with the same few
    hundred words)."""
    return normalize(word).lower()


def rule_key(text: str) -> str:
    """A line as rules read it: normalized, lower-cased, white space folded (a match's words are
    mapped back to the line as written by counting them)."""
    return " ".join(normalize(text).lower().split())


def _head_words(line: str, count: int) -> list[tuple[str, tuple[int, int]]]:
    """The first `count` words of the line, normalized, with their spans in the original line.

    Only the head matters: a marker must start the line, so a word that appears later
    ("وقال المصدر:") never matches, and long paragraphs cost no more than short lines.
    """
    return [(normalize(m.group()).lower(), m.span()) for m in islice(WORD.finditer(line), count)]


def _compile(name: str, table: dict[str, object]) -> Profile:
    raw_markers = table["markers"]
    limits = table.get("limits", {})
    rules = table.get("boilerplate", {})
    titles = table.get("titles", {})
    assert isinstance(raw_markers, dict) and isinstance(limits, dict) and isinstance(rules, dict)
    assert isinstance(titles, dict)
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
        max_tag_line_words=int(limits.get("max_tag_line_words", 15)),
        longest=max(len(words_) for _, words_ in compiled),
        first_words=frozenset(words_[0] for _, words_ in compiled),
        needs_separator=frozenset(
            tuple(words(normalize(phrase).lower())) for phrase in raw_markers.get("needs_separator", [])
        ),
        boilerplate=RuleSet.compile(rules.get("lines", [])),
        tails=RuleSet.compile(rules.get("tails", [])),
        heads=RuleSet.compile(rules.get("heads", [])),
        max_boilerplate_chars=int(limits.get("max_boilerplate_chars", 240)),
        title_sections=frozenset(map(matching_form, titles.get("sections", []))),
        title_parts=frozenset(map(matching_form, titles.get("parts", []))),
    )


_NEVER = "(?!)"


def _alternation(rules: Iterable[str]) -> re.Pattern[str]:
    """One pattern for several rules (one that never matches for none)."""
    return re.compile("|".join(f"(?:{rule})" for rule in rules) or _NEVER)


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

"""Split a page into its ordered articles and its boilerplate into structured fields.

The page text arrives one block per line (readers guarantee the shape of the seed pages). A
single pass classifies each line with the profile's markers; boilerplate lines attach to the
article they follow, a lone "read also" marker starts the next article, and the "مقالات مشابهة"
list belongs to the page. What the outlet wrote is kept verbatim; only whole boilerplate lines
and advertisement markers are taken out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum, auto

from marsad.model import Article, Page, SegmentedPage
from marsad.segment.agencies import agency_spans, might_name_agency, parse_source
from marsad.segment.lists import split_headlines, split_tags
from marsad.segment.profile import Marker, Profile, load_profile
from marsad.text import matching_key, normalize, words

_BULLET = re.compile(r"^\s*[•·▪◦●■\-*–—]\s*")
_SENTENCE_END = (".", "،", ":", "!", "…", ".»", '."')
_DATELINE_WORDS = 14
_DATELINE_PUNCTUATION = re.compile(r"[():\-–]")
_PUNCTUATION = re.compile(r"[^\w\s]")


class _Mode(Enum):
    BODY = auto()
    RELATED_LIST = auto()
    SIMILAR_LIST = auto()
    TAGS_NEXT = auto()


@dataclass
class _Draft:
    """An article being assembled while the page is read line by line."""

    lines: list[str] = field(default_factory=list)
    title: str | None = None
    wire: list[str] = field(default_factory=list)
    publisher: str | None = None
    tag_values: list[str] = field(default_factory=list)
    related: list[str] = field(default_factory=list)
    has_boilerplate: bool = False

    def has_content(self) -> bool:
        return any(line for line in self.lines)

    def add_source(self, value: str) -> None:
        parsed = parse_source(value)
        self.wire.extend(name for name in parsed.wire if name not in self.wire)
        if parsed.publisher and not self.publisher:
            self.publisher = parsed.publisher
        self.has_boilerplate = True


def _looks_like_title(line: str, profile: Profile) -> bool:
    count = len(words(line))
    return 2 <= count <= profile.max_title_words and not line.rstrip().endswith(_SENTENCE_END)


def _source_splitter(profile: Profile) -> re.Pattern[str]:
    """Finds a source marker glued to the end of another line ("… الأوسط المصدر: آ ف ب")."""
    phrases = [r"\s+".join(ws) for marker, ws in profile.markers if marker is Marker.SOURCE]
    return re.compile(rf"(?<!\S)(?:{'|'.join(phrases)})\s*:", re.IGNORECASE)


class Segmenter:
    """Reusable, stateless between pages: `segment(page)` is a pure function of the page."""

    def __init__(self, profile: Profile | None = None) -> None:
        self.profile = profile or load_profile()
        self._embedded_source = _source_splitter(self.profile)

    def segment(self, page: Page) -> SegmentedPage:
        drafts = [_Draft()]
        similar: list[str] = []
        mode = _Mode.BODY
        expect_title = False
        for raw_line in page.text.split("\n"):
            line = raw_line.strip()
            current = drafts[-1]
            if not line:
                if mode is _Mode.BODY:
                    current.lines.append("")
                continue
            bullet = _BULLET.match(line)
            item = line[bullet.end() :].strip() if bullet else line
            match = self.profile.match(item)
            if match is None and bullet and mode is _Mode.SIMILAR_LIST:
                similar.append(item)
                continue
            if match is None and bullet and mode is _Mode.RELATED_LIST:
                drafts[0].related.append(item)
                continue
            if match is None and mode is _Mode.TAGS_NEXT:
                current.tag_values.append(item)
                mode = _Mode.BODY
                continue
            mode = _Mode.BODY
            if match is not None:
                handled, mode, expect_title = self._boilerplate(match.marker, match.rest, drafts, similar)
                if handled:
                    continue
            if expect_title:
                expect_title = False
                if _looks_like_title(line, self.profile):
                    current.title = line
                    continue
            current.lines.append(line)
        articles = self._finish(page, drafts)
        return SegmentedPage(page=page, articles=tuple(articles), similar=tuple(similar))

    def _boilerplate(
        self, marker: Marker, rest: str, drafts: list[_Draft], similar: list[str]
    ) -> tuple[bool, _Mode, bool]:
        """Apply one marker line; returns (line consumed, next mode, next line may be a title)."""
        current = drafts[-1]
        if marker is Marker.SIMILAR:
            similar.extend(split_headlines(rest) if rest else [])
            return True, _Mode.SIMILAR_LIST, False
        if marker is Marker.RELATED:
            # Related headlines belong to the page's main article, even where a site places the
            # list after the "read also" article.
            current.has_boilerplate = True
            if not rest:
                return True, _Mode.RELATED_LIST, False
            glued = self._embedded_source.search(rest)
            if glued:
                current.add_source(rest[glued.end() :])
                rest = rest[: glued.start()]
            drafts[0].related.extend(split_headlines(rest))
            return True, _Mode.BODY, False
        if marker is Marker.SOURCE:
            if not rest or len(words(rest)) > self.profile.max_source_words:
                return False, _Mode.BODY, False  # a sentence that starts with "المصدر", not a source line
            current.add_source(rest)
            return True, _Mode.BODY, False
        if marker is Marker.TAGS:
            current.has_boilerplate = True
            if not rest:
                return True, _Mode.TAGS_NEXT, False
            current.tag_values.append(rest)
            return True, _Mode.BODY, False
        if marker is Marker.READ_ALSO:
            if not rest:
                drafts.append(_Draft())
                return True, _Mode.BODY, True
            if current.has_boilerplate and current.has_content():
                drafts.append(_Draft(title=rest))  # the article above is closed: a titled article follows
            else:
                current.related.append(rest)  # a teaser link inside a running article
            return True, _Mode.BODY, False
        # Marker.ADS: drop a bare marker; keep the subheading it prefixes; keep real sentences.
        if not rest:
            return True, _Mode.BODY, False
        if len(words(rest)) <= self.profile.max_ad_subheading_words and not rest.endswith(_SENTENCE_END):
            current.lines.append(rest)
            return True, _Mode.BODY, False
        return False, _Mode.BODY, False

    def _finish(self, page: Page, drafts: list[_Draft]) -> list[Article]:
        if page.title and not drafts[0].title:
            drafts[0].title = page.title
            _drop_repeated_title(drafts[0])
        elif not drafts[0].title:
            _promote_first_line_to_title(drafts[0], self.profile)
        context = None  # the page's text, for splitting a tags line on phrases it uses (made when needed)
        articles: list[Article] = []
        for draft in drafts:
            text = _join_paragraphs(draft.lines)
            if not text:
                continue
            lead = text.split("\n", 1)[0]
            wire = draft.wire + [name for name in _dateline_agencies(lead) if name not in draft.wire]
            tags: list[str] = []
            for value in draft.tag_values:
                context = context if context is not None else "\n".join("\n".join(d.lines) for d in drafts)
                tags.extend(tag for tag in split_tags(value, context) if tag not in tags)
            articles.append(
                Article(
                    text=text,
                    title=draft.title,
                    lead=lead,
                    wire=tuple(wire),
                    publisher=draft.publisher,
                    tags=tuple(tags),
                    related=tuple(dict.fromkeys(draft.related)),
                    position=len(articles),
                )
            )
        return articles


def _join_paragraphs(lines: list[str]) -> str:
    """Lines as published, with runs of blank lines (left by removed boilerplate) folded to one."""
    kept = [line for i, line in enumerate(lines) if line or (i and lines[i - 1])]
    return "\n".join(kept).strip()


def _drop_repeated_title(draft: _Draft) -> None:
    """Records and HTML pages often repeat their headline as the first line of the body."""
    title = draft.title or ""
    for index, line in enumerate(draft.lines):
        if line:
            # Normalization changes a length by a few marks at most: a long paragraph is never
            # the title, and is not worth normalizing to find that out.
            close = abs(len(line) - len(title)) <= max(8, len(title) // 4)
            if close and matching_key(line) == matching_key(title):
                del draft.lines[index]
            return


def _promote_first_line_to_title(draft: _Draft, profile: Profile) -> None:
    """A short first line that does not end a sentence, followed by more text, is a headline."""
    filled = [i for i, line in enumerate(draft.lines) if line]
    if len(filled) >= 2 and _looks_like_title(draft.lines[filled[0]], profile):
        draft.title = draft.lines[filled[0]]
        del draft.lines[filled[0]]


def _dateline_agencies(lead: str) -> list[str]:
    """Agencies named in a dateline ("الرياض - واس:", "(أ ف ب) -") at the start of the lead."""
    head = " ".join(lead.split(maxsplit=_DATELINE_WORDS)[:_DATELINE_WORDS])
    if not _DATELINE_PUNCTUATION.search(head):
        return []
    head = normalize(head)
    if not might_name_agency(_PUNCTUATION.sub(" ", head)):
        return []
    found: list[str] = []
    for start, end, name in agency_spans(head):
        before, after = head[max(0, start - 3) : start], head[end : end + 3]
        if "(" in before or ")" in after or ":" in after or "-" in before or "–" in before:
            found.append(name)
    return found


def segment(page: Page, profile: Profile | None = None) -> SegmentedPage:
    """Segment one page with the given (default) profile."""
    return Segmenter(profile).segment(page)

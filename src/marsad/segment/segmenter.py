"""Split a page into its ordered articles and its boilerplate into structured fields.

The page text arrives one block per line (readers guarantee the shape of the seed pages). A
single pass classifies each line with the profile's markers; boilerplate lines attach to the
article they follow, a lone "read also" marker after a closed article starts the next article
(inside a running article it introduces links, and the article goes on), and the "مقالات مشابهة"
list belongs to the page. Credits (`credits.py`) are read at the edges of each article: the
dateline or byline it opens with, credit lines, the agency credit or end mark it closes with.
What the outlet wrote is kept verbatim; only whole boilerplate lines, datelines, credits and
advertisement markers are taken out, and each is kept in a field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum, auto

from marsad.model import Article, Page, SegmentedPage
from marsad.segment.agencies import parse_source
from marsad.segment.credits import (
    Credit,
    Credits,
    cut_end_mark,
    end_note_start,
    glued_end_note,
    is_end_mark,
    outlet_agency,
    read_credit,
    read_end,
    read_lead,
)
from marsad.segment.lists import split_headlines, split_tags
from marsad.segment.profile import Marker, Profile, load_profile
from marsad.segment.titles import split_title
from marsad.text import matching_key, unique_forms, words

_BULLET = re.compile(r"^\s*[•·▪◦●■\-*–—]\s*")
_SENTENCE_END = (".", "،", ":", "…", ".»", '."')
_CREDIT_WORDS = 16  # a line longer than this is never a dateline or a credit line
_CREDIT_CHARS = 160  # (nor one this long: a paragraph is not worth splitting into words to see it)
_CONTINUATION = ("و", "ف")  # an article's later paragraphs open with "and"; a lead never does
# 3alyoum glues its tags to the last sentence: "… “النظام نظام”. سمات الخدمة المدنية خالد العرج"
_GLUED_TAGS = re.compile(r"(?<=[.!؟?”\"»)])\s+سمات\s+(?P<tags>[^.!؟?\"“”]{3,120})$")


class _Mode(Enum):
    BODY = auto()
    RELATED_LIST = auto()
    SIMILAR_LIST = auto()
    TAGS_NEXT = auto()
    LINKS = auto()  # headlines after a lone "read also" inside a running article


@dataclass
class _Draft:
    """An article being assembled while the page is read line by line."""

    lines: list[str] = field(default_factory=list)
    title: str | None = None
    credits: Credits = field(default_factory=Credits)
    publisher: str | None = None
    tag_values: list[str] = field(default_factory=list)
    related: list[str] = field(default_factory=list)
    boilerplate: list[str] = field(default_factory=list)
    has_boilerplate: bool = False
    links: int = 0  # headlines taken into `related` by the current LINKS run
    filled: int = 0  # lines of text taken so far

    def has_content(self) -> bool:
        return any(line for line in self.lines)

    def at_start(self, profile: Profile) -> bool:
        """Nothing but (perhaps) a headline yet: where a dateline stands."""
        filled = [line for line in self.lines if line]
        return not filled or (
            len(filled) == 1 and self.title is None and _looks_like_title(filled[0], profile)
        )

    def add_source(self, value: str) -> None:
        parsed = parse_source(value)
        self.credits.add_agencies(parsed.wire)
        if parsed.publisher and not self.publisher:
            self.publisher = parsed.publisher
        self.has_boilerplate = True


_SLIDER = re.compile(r"(?:next\s+previous|previous\s+next)\s+", re.IGNORECASE)
_TITLE_CHARS = 300  # no headline is longer (25 words of 12 characters)
_HEAD_LINES = 3  # an article's first lines: where a dateline or a slider's controls stand
_TAIL_LINES = 8  # a page's last lines: where credit lines, promotions and sign-offs stand


def _tail_start(lines: list[str]) -> int:
    """Index of the first of the page's last `_TAIL_LINES` non-empty lines."""
    seen = 0
    for index in range(len(lines) - 1, -1, -1):
        if lines[index].strip():
            seen += 1
            if seen == _TAIL_LINES:
                return index
    return 0


def _looks_like_title(line: str, profile: Profile) -> bool:
    """A headline: a few words that do not end a sentence ("!", "؟", quotes and hashtags are fine)."""
    if len(line) > _TITLE_CHARS or line.rstrip().endswith(_SENTENCE_END):
        return False  # (a paragraph: not worth splitting into words to see it)
    count = len(words(line))
    return 2 <= count <= profile.max_title_words


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
        raw_lines = page.text.split("\n")
        tail = _tail_start(raw_lines)
        for index, raw_line in enumerate(raw_lines):
            line = raw_line.strip()
            current = drafts[-1]
            if not line:
                if mode is _Mode.BODY:
                    current.lines.append("")
                continue
            bullet = _BULLET.match(line)
            item = line[bullet.end() :].strip() if bullet else line
            match = self.profile.match(item)
            listed = match is None or match.marker is Marker.ADS  # "إعلان المرشحات …" is a headline
            if listed and bullet and mode is _Mode.SIMILAR_LIST:
                similar.append(item)
                continue
            if listed and bullet and mode is _Mode.RELATED_LIST:
                drafts[0].related.append(item)
                continue
            if match is None and mode is _Mode.TAGS_NEXT:
                current.tag_values.append(item)
                mode = _Mode.BODY
                continue
            if mode is _Mode.LINKS and match is None and self._link(line, current):
                continue
            mode = _Mode.BODY
            if match is not None:
                handled, mode, expect_title = self._boilerplate(match.marker, match.rest, drafts, similar)
                if handled:
                    continue
            # Furniture and credits stand at an article's edges, or open with a mark (a separator,
            # "//", a bracket): a paragraph in the middle of a story is not worth reading for them.
            promo = _SLIDER.match(line) if line[0] in "NnPp" else None
            if promo and line[promo.end() :].strip():
                current.boilerplate.append(promo.group().strip())  # a slider's controls, glued to a line
                line = line[promo.end() :].strip()
            head = self.profile.glued_head(line) if current.filled < _HEAD_LINES else None
            if head is not None:
                current.boilerplate.append(line[:head].strip())  # share buttons before the lead
                line = line[head:].strip(" :-–|")
                if not line:
                    continue
            at_edge = current.filled < _HEAD_LINES or index >= tail or not line[0].isalpha()
            if at_edge and self._furniture(line, current, page.outlet):
                continue
            if expect_title:
                expect_title = False
                if _looks_like_title(line, self.profile):
                    current.title = line
                    continue
            current.lines.append(line)
            current.filled += 1
        articles = self._finish(page, drafts)
        return SegmentedPage(page=page, articles=tuple(articles), similar=tuple(similar))

    def _link(self, line: str, current: _Draft) -> bool:
        """In a run of headlines after a lone "read also": take the line as one, or end the run.

        The run ends at the first paragraph. When several headlines came before a paragraph
        that opens afresh (not "و…"), the last of them was the paragraph's subheading.
        """
        if _looks_like_title(line, self.profile) and current.links < 8:
            current.related.append(line)
            current.links += 1
            return True
        if current.links >= 2 and not line.startswith(_CONTINUATION):
            current.lines.append(current.related.pop())
        current.links = 0
        return False

    def _furniture(self, line: str, current: _Draft, outlet: str | None) -> bool:
        """A line that is not the story: outlet furniture, an end mark, a dateline or a credit
        line. It leaves the text for its field (or `boilerplate`); returns whether it did."""
        if self.profile.is_boilerplate(line):
            current.boilerplate.append(line)
            return True
        if is_end_mark(line):  # "// انتهى //": the end of an SPA item
            current.credits.add_agencies(["SPA"])
            current.boilerplate.append(line)
            return True
        if len(line) > _CREDIT_CHARS or len(line.split()) > _CREDIT_WORDS:
            return False
        credit = read_credit(line, outlet)
        if credit is None:
            return False
        if current.at_start(self.profile):
            current.credits.add(credit)  # the dateline: kept as the article's dateline field
            return True
        # A credit line inside or after the text names agencies, an outlet or a source, nobody
        # else: "فرانس24/ أ ف ب", "(أ. ف. ب)", "*نقلاً عن …", "* خدمة «نيويورك تايمز»".
        if (credit.agencies or credit.publisher or credit.own) and not credit.writers:
            current.credits.add(credit)
            current.boilerplate.append(line)
            return True
        return False

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
            if len(words(rest)) > self.profile.max_tag_line_words or rest.endswith(_SENTENCE_END):
                return False, _Mode.BODY, False  # "سمات الشخصية القيادية …": a sentence
            current.has_boilerplate = True
            if not rest:
                return True, _Mode.TAGS_NEXT, False
            current.tag_values.append(rest)
            return True, _Mode.BODY, False
        if marker is Marker.READ_ALSO:
            closed = current.has_boilerplate and current.has_content()
            if not rest:
                if closed:
                    drafts.append(_Draft())  # the article above is closed: another follows
                    return True, _Mode.BODY, True
                current.links = 0
                return True, _Mode.LINKS, False  # links inside a running article, which goes on
            if closed:
                drafts.append(_Draft(title=rest))  # the article above is closed: a titled article follows
            else:
                current.related.append(rest)  # a link inside a running article
            return True, _Mode.BODY, False
        # Marker.ADS: drop a bare marker; keep the subheading it prefixes; keep real sentences.
        if not rest:
            return True, _Mode.BODY, False
        if len(words(rest)) <= self.profile.max_ad_subheading_words and not rest.endswith(_SENTENCE_END):
            current.lines.append(rest)
            return True, _Mode.BODY, False
        return False, _Mode.BODY, False

    def _finish(self, page: Page, drafts: list[_Draft]) -> list[Article]:
        byline = read_credit(page.byline, page.outlet, byline=True) if page.byline else None
        if page.title and not drafts[0].title:
            drafts[0].title = page.title
            _drop_repeated_title(drafts[0])
        own_agency = outlet_agency(page.outlet)
        context = None  # the page's text, for splitting a tags line on phrases it uses (made when needed)
        articles: list[Article] = []
        for index, draft in enumerate(drafts):
            if index == 0 and byline is not None:
                draft.credits.add_byline(byline)
            if not draft.title:
                _promote_first_line_to_title(draft, self.profile)
            if draft.title:
                draft.title, furniture = split_title(draft.title, self.profile)
                draft.boilerplate[:0] = furniture
            _without_code(draft)
            _read_edges(draft, page.outlet, self.profile)
            if own_agency:
                draft.credits.add_agencies([own_agency])  # the outlet is the agency: its own wire
            text = _join_paragraphs(draft.lines)
            if not text:
                continue
            tags: list[str] = []
            for value in draft.tag_values:
                context = context if context is not None else "\n".join("\n".join(d.lines) for d in drafts)
                tags.extend(split_tags(value, context))
            dateline = draft.credits.dateline()
            articles.append(
                Article(
                    text=text,
                    title=draft.title,
                    lead=text.split("\n", 1)[0],
                    wire=tuple(draft.credits.agencies),
                    publisher=draft.publisher or draft.credits.publisher(),
                    tags=tuple(unique_forms(tags)),
                    related=tuple(unique_forms(draft.related)),
                    position=len(articles),
                    dateline=dateline.text if dateline else None,
                    place=dateline.place if dateline else None,
                    dated=dateline.date if dateline else None,
                    authors=_authors(dateline),
                    boilerplate=tuple(draft.boilerplate),
                )
            )
        return articles


def _authors(dateline: Credit | None) -> tuple[str, ...]:
    return dateline.writers if dateline else ()


def _read_edges(draft: _Draft, outlet: str | None, profile: Profile) -> None:
    """The credits an article's first and last paragraphs carry: a dateline leading the first
    ("واس- جدة: …", or the second under a subheading, as a roundup's items do: "* بكين - (د.ب.أ):
    …"), tags or an agency credit closing the last ("… اليوم. (أ ف ب)")."""
    note = end_note_start(draft.lines)  # the writer's starred note closing an op-ed
    if note is not None:
        draft.boilerplate.extend(line.strip() for line in draft.lines[note:] if line.strip())
        del draft.lines[note:]
    filled = [i for i, line in enumerate(draft.lines) if line]
    if not filled:
        return
    last = filled[-1]
    glued_note = glued_end_note(draft.lines[last])
    if glued_note is not None:
        draft.boilerplate.append(draft.lines[last][glued_note:].strip())
        draft.lines[last] = draft.lines[last][:glued_note].rstrip()
    under_heading = len(filled) > 2 and _looks_like_title(draft.lines[filled[0]], profile)
    for first in filled[: 2 if under_heading else 1]:
        lead = read_lead(draft.lines[first], outlet)
        if lead is not None:
            credit, rest = lead
            draft.credits.add(credit)
            draft.lines[first] = rest
            break
    tail = profile.glued_tail(draft.lines[last])
    if tail:
        draft.boilerplate.append(draft.lines[last][tail:].strip())
        draft.lines[last] = draft.lines[last][:tail].rstrip()
    glued = _GLUED_TAGS.search(draft.lines[last]) if "سمات" in draft.lines[last] else None
    if glued:
        draft.tag_values.append(glued.group("tags").strip())
        draft.lines[last] = draft.lines[last][: glued.start()].rstrip()
    unmarked = cut_end_mark(draft.lines[last])
    if unmarked is not None:
        draft.boilerplate.append(draft.lines[last][len(unmarked) :].strip())
        draft.lines[last] = unmarked
        draft.credits.add_agencies(["SPA"])
    end = read_end(draft.lines[last])
    if end is not None:
        draft.lines[last], agencies = end
        draft.credits.add_agencies(agencies)


# A web widget's style sheet and script flattened into a paragraph (a poll's «#vote_area2 ul {
# padding: 0; } … jQuery(document).ready(function(){ … }); });» in 8 SaudiNewsNet articles): a run
# of words that each carry code punctuation or no Arabic letter, long and braced enough to be code.
_CODE_WORD = re.compile(r"[{}();=\[\]]|^[^\u0600-\u06ff]+$")
_CODE_MIN_WORDS = 25
_CODE_MIN_BRACES = 4


def code_runs(line: str) -> list[tuple[int, int]]:
    """The (start, end) character spans of a line that are style sheet or script: at least
    _CODE_MIN_WORDS words in a row that look like code, holding _CODE_MIN_BRACES braces, from a
    word with a brace or an opening selector to the run's last closing brace."""
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", line)]
    runs: list[tuple[int, int]] = []
    first = None
    for index, (start, end) in enumerate([*words, (len(line), len(line))]):
        codey = index < len(words) and bool(_CODE_WORD.search(line[start:end]))
        if codey and first is None:
            first = index
        if not codey and first is not None:
            run = words[first:index]
            text = line[run[0][0] : run[-1][1]]
            if len(run) >= _CODE_MIN_WORDS and text.count("{") + text.count("}") >= _CODE_MIN_BRACES:
                closing = text.rfind("}")
                tail = re.match(r"[);]*", text[closing + 1 :])
                stop = run[0][0] + closing + 1 + (tail.end() if tail else 0)
                begin = next(s for s, e in run if re.search(r"[{#.(]", line[s:e]))
                runs.append((begin, stop))
            first = None
    return runs


def _without_code(draft: _Draft) -> None:
    """Style sheets and scripts glued in a paragraph leave it for the article's boilerplate."""
    for index, line in enumerate(draft.lines):
        if "{" not in line:
            continue
        for start, end in reversed(code_runs(line)):
            draft.boilerplate.append(line[start:end])
            line = (line[:start].rstrip() + " " + line[end:].lstrip()).strip()
        draft.lines[index] = line


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


def segment(page: Page, profile: Profile | None = None) -> SegmentedPage:
    """Segment one page with the given (default) profile."""
    return Segmenter(profile).segment(page)

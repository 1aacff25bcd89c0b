"""Credits: datelines, bylines and credit lines, read into place, date, writers and wire agencies.

A wire credit is a *mark*, not a sentence: a dateline ("الرياض - واس", "واس (جدة)", SPA's own
"بريدة 25 شوال 1436 هـ الموافق 10 أغسطس 2015 م واس"), a lead ("واس- جدة: …", "* طوكيو -
«رويترز»: …", "(أ ف ب) - …"), an end credit ("… اليوم. (أ ف ب)", "// انتهى //") or a credit line
("فرانس24/ أ ف ب", "* خدمة «نيويورك تايمز»", "*نقلاً عن الرؤية الإماراتية"). An agency named
inside a sentence ("ذكرت وكالة الأنباء السعودية (واس) أن…", "قال لرويترز") is a citation and
credits nothing. So every rule here reads a credit the same way: cut it into its parts at the
separators a credit uses (dashes, colons, slashes, brackets, quotes) and accept it only when
*every* part is something a credit is made of — an agency, the outlet's own name, a place, a
date, a writer's name, a generic word ("متابعات", "وكالات") — and at least one part could not
be the opening of a sentence (an agency, the outlet, a date, a generic word, or a place with a
writer). A sentence always leaves a part that is none of these, and is left alone.

What the parts are comes from data: agencies (`agencies.toml`), outlets (`outlets.toml`), places
(`places.txt`, built by tools/build_places.py), and the month names below.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum, auto
from functools import cache, lru_cache
from importlib import resources

from marsad.segment.agencies import agency_by_form
from marsad.text import form_key, normalize, unique_forms
from marsad.text.tokenize import WORD

_VOCABULARY = tomllib.loads(
    resources.files("marsad.segment").joinpath("credit_words.toml").read_text("utf-8")
)
_MONTHS = [" ".join(normalize(month).lower().split()) for month in _VOCABULARY["months"]]
_MONTH = "|".join(re.escape(m).replace("\\ ", r"\s+") for m in sorted(_MONTHS, key=len, reverse=True))
# On normalized, lower-cased text: "25 شوال 1436 هـ الموافق 10 اغسطس 2015 م", "10/08/2015",
# "tuesday, 11 august 2015 - 10:33 pm", "الاثنين 10 اغسطس".
_DAY = (
    r"(?:(?:السبت|الاحد|الاثنين|الثلاثاء|الاربعاء|الخميس|الجمعه"
    r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday),?\s*)"
)
_ONE_DATE = (
    rf"{_DAY}?\d{{1,2}}\s*(?:(?:{_MONTH})(?:\s*/\s*(?:{_MONTH}))?)(?:\s+\d{{4}})?(?:\s*(?:هـ|ه|م)(?!\w))?"
    rf"|\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}(?:\s*(?:هـ|ه|م)(?!\w))?"
)
_TIME = r"\d{1,2}:\d{2}(?:\s*(?:am|pm|ص|م|ت\s*م))?"
_DIGIT = re.compile(r"[0-9٠-٩۰-۹]")
DATE = re.compile(rf"(?:{_ONE_DATE})(?:\s*(?:الموافق|-|،|,)?\s*(?:{_ONE_DATE}|{_TIME}))*", re.IGNORECASE)

# Separators between a credit's parts. A dash or tatweel counts only between words' spaces or
# punctuation ("الرياضي ـ جدة", "الرياض-الوئام:"), never inside a word ("أبهــا" keeps its tatweel).
_SEPARATORS = re.compile(r"\s*(?:[-–—−:：|/\\()«»\"“”„'‘’,،؛;*•]|(?<!\w)ـ+|ـ+(?!\w))\s*")
_EDGE = " \t.·:-–—ـ*•|/\\"
_NAME_WORDS = 5  # a writer's name or a place has at most this many words
_CREDIT_WORDS = 16  # a credit has at most this many words (SPA's dateline has twelve)
_LINE_NAME_WORDS = 3  # a writer named in a line of text (a byline field may give a longer name)
# A source line in the text is marked: "*نقلاً عن …", "* خدمة «نيويورك تايمز»", "خاص بـ«الشرق الأوسط»"
# ("خدمة الحاج والمعتمر" is a headline)
_QUOTED_OR_STARRED = re.compile(r"[*«»\"“”]")
_PARTICLES = frozenset(
    normalize(word)
    for line in resources.files("marsad.text").joinpath("particles.txt").read_text("utf-8").splitlines()
    if not line.startswith("#")
    for word in line.split()
)
# What a credit line carries, one of: a separator other than a comma, a date's number, or few words.
_MARKED = re.compile(r"[-–—−:：|/\\()«»\"“”*•0-9٠-٩]|(?<!\w)ـ|ـ(?!\w)")
_BARE_CREDIT_WORDS = 4
_SHORT_CREDIT_WORDS = 6  # "* خدمة «نيويورك تايمز»." may end with a period, a sentence is longer


def _is_sentence(value: str) -> bool:
    end = value.rstrip()[-1:]
    if end in ("؟", "?", "!"):
        return True
    return end in (".", "،") and len(value.split()) > _SHORT_CREDIT_WORDS


_LEADING_PROMO = re.compile(r"^(?:next\s+previous|previous\s+next)\s+", re.IGNORECASE)


class Part(Enum):
    AGENCY = auto()
    OUTLET = auto()  # the outlet's own name
    GENERIC = auto()
    DATE = auto()
    PLACE = auto()
    WRITER = auto()
    PUBLISHER = auto()  # "نقلا عن X", "خدمة «X»": another paper the piece comes from
    TEXT = auto()  # none of these: the words of a sentence


@dataclass(frozen=True, slots=True)
class Credit:
    """What a dateline, byline or credit line says."""

    text: str  # as written, trimmed
    agencies: tuple[str, ...] = ()
    place: str | None = None
    date: str | None = None
    writers: tuple[str, ...] = ()
    publisher: str | None = None
    own: bool = False  # names the outlet itself

    def merged(self, other: Credit | None) -> Credit:
        """This credit with what `other` adds (a byline field and the text's own dateline)."""
        if other is None:
            return self
        return Credit(
            self.text,
            tuple(dict.fromkeys(self.agencies + other.agencies)),
            self.place or other.place,
            self.date or other.date,
            tuple(unique_forms(self.writers + other.writers)),
            self.publisher or other.publisher,
            self.own or other.own,
        )


@dataclass(frozen=True, slots=True)
class _Outlets:
    names: dict[str, frozenset[str]]  # outlet id (lower-cased) → its normalized names
    agency: dict[str, str]  # outlet id (lower-cased) → the agency it is


@cache
def _outlets() -> _Outlets:
    table = tomllib.loads(resources.files("marsad.segment").joinpath("outlets.toml").read_text("utf-8"))
    names = {
        key.lower(): frozenset(form_key(n) for n in entry.get("names", [])) for key, entry in table.items()
    }
    agency = {key.lower(): entry["agency"] for key, entry in table.items() if "agency" in entry}
    return _Outlets(names, agency)


@dataclass(frozen=True, slots=True)
class _Words:
    generic: frozenset[str]
    not_names: frozenset[str]
    publisher_leads: tuple[tuple[str, ...], ...]
    lead_words: frozenset[str]  # the first word of each publisher lead


@cache
def _words() -> _Words:
    table = tomllib.loads(resources.files("marsad.segment").joinpath("credit_words.toml").read_text("utf-8"))
    return _Words(
        frozenset(form_key(w) for w in table["generic"]),
        frozenset(form_key(w) for w in table["not_names"]) | _PARTICLES,
        tuple(dict.fromkeys(tuple(form_key(lead).split()) for lead in table["publisher_leads"])),
        frozenset(form_key(lead).split()[0] for lead in table["publisher_leads"]),
    )


@lru_cache(maxsize=1 << 16)
def _word_form(word: str) -> str:
    return form_key(word)


@cache
def _places() -> frozenset[str]:
    text = resources.files("marsad.segment").joinpath("places.txt").read_text("utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


@cache
def outlet_names() -> frozenset[str]:
    """Every outlet's names as outlets.toml writes them, less a leading «صحيفة»/«جريدة» («جريدة
    الرياض» → «الرياض»): how the news quotes a newspaper («قال لـ«الرياض»»)."""
    table = tomllib.loads(resources.files("marsad.segment").joinpath("outlets.toml").read_text("utf-8"))
    names = (name for entry in table.values() for name in entry.get("names", []))
    return frozenset(re.sub(r"^(?:صحيفة|جريدة)\s+", "", name) for name in names)


def outlet_agency(outlet: str | None) -> str | None:
    """The agency an outlet is (SPA for SaudiNewsNet's `was`), if it is one."""
    return _outlets().agency.get((outlet or "").lower())


def _own_names(outlet: str | None) -> frozenset[str]:
    return _outlets().names.get((outlet or "").lower(), frozenset())


_AGENCY_WORDS = ("وكاله", "وكالات", "انباء")


def _agency(key: str) -> str | None:
    """The agency a whole part names ("رويترز", "وكالة رويترز", "أ. ف. ب"), else None."""
    aliases = agency_by_form()
    words = key.split()
    while words:
        found = aliases.get(" ".join(words))
        if found or words[0] not in _AGENCY_WORDS:
            return found
        words = words[1:]
    return None


@lru_cache(maxsize=1 << 16)
def classify(part: str, outlet: str | None) -> Part:
    """What one part of a credit is (memoized: the same places, agencies and outlet names come
    back on page after page)."""
    key = form_key(part)
    if not key:
        return Part.TEXT  # (pieces hold a word: a part that loses it all is nothing a credit holds)
    if _agency(key):
        return Part.AGENCY
    own, vocabulary = _own_names(outlet), _words()
    words = key.split()
    if key in own or (len(words) > 1 and words[0] in vocabulary.generic and " ".join(words[1:]) in own):
        return Part.OUTLET  # "عين اليوم", "مكتب الجزيرة"
    if key in vocabulary.generic:
        return Part.GENERIC
    if _DIGIT.search(part) and DATE.fullmatch(" ".join(normalize(part).lower().split())):
        return Part.DATE
    if key in _weekdays():
        return Part.DATE  # «الجمعة: واس»: the day it was filed, not a place (the gazetteer has a «الجمعة»)
    if key in _places() or (words[0] == "من" and " ".join(words[1:]) in _places()):
        return Part.PLACE  # "الرياض", "من الرياض" ("«الاقتصادية» من الرياض")
    if len(words) <= _NAME_WORDS and not any(
        _not_a_name(_word_form(w), vocabulary.not_names)
        for w in WORD.findall(part)
        if w not in _NAMES_LIKE_PARTICLES
    ):
        return Part.WRITER
    return Part.TEXT


@cache
def _weekdays() -> frozenset[str]:
    return frozenset(
        form_key(day)
        for day in ("السبت", "الأحد", "الاثنين", "الإثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة")
    )


# Names that normalize to a particle: «علي» (Ali) is «على» (on) once ى and ي are one letter; written
# with ي in a credit, it is the name («أحمد علي- سبق- القاهرة»).
_NAMES_LIKE_PARTICLES = frozenset({"علي"})
# An imperfect verb in the plural ("يكرمون", "تطالبان"): a sentence's, never a name's
_PLURAL_VERB = re.compile(r"^[يت]\w{2,}(?:ون|ان)$")


def _not_a_name(word: str, not_names: frozenset[str]) -> bool:
    """A word no name holds: a verb of saying, a press word, a particle, a number, or one of
    them behind a proclitic ("وأضافت", "لوكالة")."""
    if word in not_names or word.isdigit() or _PLURAL_VERB.match(word):
        return True
    return len(word) > 3 and word[0] in "وفلب" and word[1:] in not_names


def _without_from(place: str) -> str:
    return place[3:] if place.startswith("من ") else place


def _split_from_place(piece: str) -> list[str]:
    """ "عادل الخنين من الرياض" → the writer and "من الرياض" (a byline's "X from Y" form)."""
    if " من " not in piece:
        return [piece]
    head, sep, tail = piece.rpartition(" من ")
    if sep and head.strip() and form_key(tail) in _places():
        return [head, "من " + tail]
    return [piece]


def _pieces(value: str, byline: bool = False) -> list[str]:
    """A credit cut into its parts: dates first (they hold separators of their own: "10/08/2015",
    "Tuesday, 11 August 2015 - 10:33 pm", and SPA's dateline has none around its date: "بريدة 25
    شوال 1436 هـ الموافق 10 اغسطس 2015 م واس"), then the rest at the separators."""
    pieces: list[str] = []
    start = 0
    for begin, end in _date_spans(value):
        pieces.extend(_SEPARATORS.split(value[start:begin]))
        pieces.append(value[begin:end])
        start = end
    pieces.extend(_SEPARATORS.split(value[start:]))
    kept = [p.strip(_EDGE) for p in pieces if WORD.search(p)]
    # "X من Y" is a byline field's form; in a line of text it is a sentence ("الفيصلي يخسر من الجبيل")
    return [cut for p in kept for cut in _split_from_place(p)] if byline else kept


def _date_spans(value: str) -> list[tuple[int, int]]:
    """Where dates are in a text as written, found on its normalized form and mapped back word by
    word (normalization drops tatweel and tashkeel, so offsets differ, but words stay words)."""
    if not _DIGIT.search(value):
        return []  # every date form has a number: most credits have none
    normalized = normalize(value).lower()
    found = list(DATE.finditer(normalized))
    if not found:
        return []
    spans = [m.span() for m in WORD.finditer(value)]
    cuts = []
    for match in found:
        first = len(WORD.findall(normalized[: match.start()]))
        last = len(WORD.findall(normalized[: match.end()]))
        if first < last <= len(spans):
            cuts.append((spans[first][0], spans[last - 1][1]))
    return cuts


def _publisher_lead(pieces: list[str]) -> list[str] | None:
    """ "*نقلاً عن الرؤية الإماراتية", "* خدمة «نيويورك تايمز»": the lead words, then a source."""
    opening = WORD.match(pieces[0])
    if opening is None or _word_form(opening.group()) not in _words().lead_words:
        return None  # (one memoized look-up for the many credits that open otherwise)
    first = form_key(pieces[0]).split()
    for lead in _words().publisher_leads:
        if tuple(first[: len(lead)]) == lead:
            written = WORD.findall(pieces[0])
            return [" ".join(written[len(lead) :]), *pieces[1:]]
    return None


@lru_cache(maxsize=1 << 14)
def read_credit(value: str, outlet: str | None, byline: bool = False) -> Credit | None:
    """A dateline, byline or credit line read into its parts; None when it is not one.

    `byline`: the value comes from a byline field, so a writer's name alone is a credit too.
    (Memoized: an outlet's bylines and datelines come back on page after page.)
    """
    if not (byline or _MARKED.search(value) or len(value.split()) <= _BARE_CREDIT_WORDS):
        return None  # a credit is short or marked (a dash, a colon, a bracket, a date's number)
    if not byline and _is_sentence(value):
        return None  # a question, an exclamation, a long sentence
    dated = bool(_date_spans(value))
    if not dated and any(len(part.split()) > _NAME_WORDS for part in _SEPARATORS.split(value)):
        return None  # a stretch of words longer than any name: a sentence (a date's part may be)
    text = " ".join(_LEADING_PROMO.sub("", value.replace("\xa0", " ")).split()).strip(_EDGE)
    pieces = _pieces(text, byline)
    if not pieces or len(text.split()) > _CREDIT_WORDS:
        return None
    sourced = _publisher_lead(pieces) if byline or _QUOTED_OR_STARRED.search(value) else None
    if sourced is not None:
        return _sourced(text, sourced, outlet)
    kinds = _towns_of_countries(text, pieces, [classify(piece, outlet) for piece in pieces], outlet)
    if Part.TEXT in kinds:
        return None
    if (
        len(kinds) >= 2
        and kinds[-2] is Part.OUTLET
        and kinds[-1] is Part.WRITER
        and Part.PLACE not in kinds
        and len(pieces[-1].split()) == 1
    ):
        # "عوض الفهمي- سبق- أضم": after the outlet's name, a town the gazetteer does not know
        kinds[-1] = Part.PLACE
    # What a credit needs besides names: an agency, the outlet, a generic word ("متابعات"), or a
    # place with a writer or a date ("بريدة 25 شوال … واس" has all three). A date alone opens
    # headlines ("26 فبراير موعد انتخابات الفيفا").
    strong = bool({Part.AGENCY, Part.OUTLET, Part.GENERIC} & set(kinds))
    located = Part.PLACE in kinds and (Part.WRITER in kinds or Part.DATE in kinds or len(pieces) == 1)
    if not (strong or located or (byline and Part.WRITER in kinds)):
        return None
    own = Part.OUTLET in kinds
    if own and not byline:
        pieces, kinds = _writers_apart(pieces, kinds)
    writers_here = [p for p, k in zip(pieces, kinds, strict=True) if k is Part.WRITER]
    # a team signs before the outlet's name («بدر العتيبي، عبدالله البرقاوي- سبق- الرياض»); after it
    # stands a place at most («… - سبق- ظفار: افتُتح -مؤخراً- …» has no third writer)
    team = own and all(k is not Part.WRITER for k in kinds[kinds.index(Part.OUTLET) :])
    most = _OWN_WRITERS if team else 1
    if not byline and (
        len(writers_here) > most or any(len(p.split()) > _LINE_NAME_WORDS for p in writers_here)
    ):
        return None  # "العراق: داعش يدمر ملعب الرمادي", '"إيجاب" تكرِّم "سبق" بوصفها…': headlines
    agencies = [_agency(form_key(p)) for p, k in zip(pieces, kinds, strict=True) if k is Part.AGENCY]
    places = [_without_from(p) for p, k in zip(pieces, kinds, strict=True) if k is Part.PLACE]
    writers = [p for p, k in zip(pieces, kinds, strict=True) if k is Part.WRITER]
    dates = [p for p, k in zip(pieces, kinds, strict=True) if k is Part.DATE]
    if places and len(writers) > 1 and not byline and not own:
        return None  # "السعودية - مصر - قطر": a list, not a dateline
    return Credit(
        text,
        tuple(dict.fromkeys(a for a in agencies if a)),
        "، ".join(places) or None,
        " ".join(dates) or None,
        tuple(unique_forms(writers)) if len(writers) > 1 else tuple(writers),
        None,
        Part.OUTLET in kinds,
    )


def _towns_of_countries(text: str, pieces: list[str], kinds: list[Part], outlet: str | None) -> list[Part]:
    """A piece right before a bracketed place, with more credit after them, is a town of that
    place whatever its words read as: "علي آغا (تركيا) - رويترز" (Aliağa, not a writer Ali),
    "ماونتن فيو (كاليفورنيا) - منى الشقاقي" — the wires' dateline form. Not at the credit's end:
    okaz signs "أحمد الشميري (صنعاء)", a writer and where he writes from, and its teams "خالد
    الحميدي (مكة المكرمة)، سعاد الشمراني (الرياض)": the town's bracket is followed by a dash or a
    colon, as a dateline's place is. Before a wire's name, a bracketed name is a place too
    ("وستفيلد (نيوجيرزي) - رويترز": the wires name no writers). What signs after such a dateline
    is its source: a name the outlet's own paper bears («جريدة الرياض») is the outlet, not the
    city ("كامبريدج (المملكة المتحدة) - الرياض" in alriyadh)."""
    wire = kinds[-1] is Part.AGENCY
    dated = False
    for k in range(len(kinds) - 2):
        region = kinds[k + 1] is Part.PLACE or (wire and kinds[k + 1] is Part.WRITER)
        if region and kinds[k] in (Part.WRITER, Part.TEXT):
            bracketed = rf"{re.escape(pieces[k])}\s*\(\s*{re.escape(pieces[k + 1])}\s*\)\s*[-–—:ـ]"
            if re.search(bracketed, text):
                kinds[k] = kinds[k + 1] = Part.PLACE
                dated = dated or k + 2 == len(kinds) - 1
    if dated and kinds[-1] is Part.PLACE:
        own, key = _own_names(outlet), form_key(pieces[-1])
        if any(f"{paper} {key}" in own for paper in ("جريده", "صحيفه")):
            kinds[-1] = Part.OUTLET
    return kinds


_OWN_WRITERS = 3


def _writers_apart(pieces: list[str], kinds: list[Part]) -> tuple[list[str], list[Part]]:
    """Writers joined by «و» in one piece, apart: «محمد السيد ومحمود الحمد» → «محمد السيد»,
    «محمود الحمد». Only where both sides have two words or more: «خالد وليد» is one man."""
    out_pieces: list[str] = []
    out_kinds: list[Part] = []
    for piece, kind in zip(pieces, kinds, strict=True):
        words = piece.split()
        cut = next(
            (
                k
                for k in range(2, len(words) - 1)
                if kind is Part.WRITER and words[k].startswith("و") and len(words[k]) > 2
            ),
            None,
        )
        if cut is None:
            out_pieces.append(piece)
            out_kinds.append(kind)
            continue
        out_pieces += [" ".join(words[:cut]), " ".join([words[cut][1:], *words[cut + 1 :]])]
        out_kinds += [Part.WRITER, Part.WRITER]
    return out_pieces, out_kinds


def _sourced(text: str, pieces: list[str], outlet: str | None) -> Credit | None:
    """A "from X" credit: X is an agency (wire) or another publisher."""
    named = " ".join(pieces).strip(_EDGE)
    if not named or len(WORD.findall(named)) > 6:
        return None
    agency = _agency(form_key(named))
    if agency:
        return Credit(text, (agency,))
    if form_key(named) in _own_names(outlet):
        return Credit(text, own=True)
    return Credit(text, publisher=named)


_LEAD_CUT = re.compile(r"\)?\s*[-–—−:：]+\s*|(?<=\S)ـ+\s+|\s+ـ+\s*")
_LEAD_MARK = re.compile(r"[-–—−:：ـ]")
_LEAD_CHARS = 90  # a lead credit is within the first ninety characters of the paragraph


def read_lead(paragraph: str, outlet: str | None) -> tuple[Credit, str] | None:
    """A dateline the first paragraph opens with ("واس- جدة: …", "الرياض (رويترز) - …",
    "دبي، الإمارات العربية المتحدة (CNN)— …"): the credit and the paragraph without it.

    The longest opening that reads as a credit, ending at a dash or colon, wins; the paragraph
    must go on after it.
    """
    head = paragraph[: _LEAD_CHARS + 10]
    if not _LEAD_MARK.search(head):
        return None  # no dash, colon or tatweel to end a dateline at: most leads
    best: tuple[Credit, int] | None = None
    for cut in _LEAD_CUT.finditer(head):
        if cut.start() == 0 or cut.start() > _LEAD_CHARS:
            continue
        credit = read_credit(paragraph[: cut.start() + (1 if cut.group().startswith(")") else 0)], outlet)
        if credit is not None and (credit.agencies or credit.own or credit.place or credit.date):
            best = (credit, cut.end())
    if best is None:
        return None
    rest = paragraph[best[1] :].lstrip()
    if len(rest.split()) < 3:
        return None
    return best[0], rest


_APPOSITION = frozenset({"وكاله", "الانباء", "انباء", "للانباء"})
_END_CREDIT = re.compile(r"\s*[-–—]?\s*\(([^()]{1,30})\)\s*[.،]?\s*$")
_END_MARK = re.compile(r"^\s*/{1,2}\s*(?:انتهي|يتبع)\s*/{0,2}")
_GLUED_END_MARK = re.compile(r"\s*/{1,2}\s*(?:انتهى|انتهي|يتبع)\s*/{1,2}\s*$")


def cut_end_mark(paragraph: str) -> str | None:
    """The paragraph without SPA's end mark glued to its end ("… الدولي. // انتهى //"), if any."""
    if not paragraph.endswith("//"):
        return None
    found = _GLUED_END_MARK.search(paragraph)
    return paragraph[: found.start()].rstrip() if found and found.start() else None


def read_end(paragraph: str) -> tuple[str, tuple[str, ...]] | None:
    """An agency credit closing the last paragraph ("… الاثنين. (أ ف ب)"): the paragraph without
    it and the agencies. A bracketed name that is not an agency ("(المصدر)") is left alone."""
    tail = paragraph.rstrip(" .،")
    if not tail.endswith(")"):
        return None  # most paragraphs: one look at the last character
    offset = max(0, len(paragraph) - 48)  # the credit is at the end: never scan a whole paragraph
    found = _END_CREDIT.search(paragraph, offset)
    if not found or not found.start():
        return None
    before = form_key(paragraph[: found.start()]).split()[-4:]
    if _APPOSITION & {w[1:] if w[:1] == "ل" else w for w in before}:
        return None  # "… وكالة الأنباء الإيرانية (إرنا)": the agency's name, cited
    names = [_agency(form_key(part)) for part in _SEPARATORS.split(found.group(1)) if part.strip(_EDGE)]
    if not names or not all(names):
        return None
    return paragraph[: found.start()].rstrip(), tuple(dict.fromkeys(n for n in names if n))


# An op-ed or report closes with a starred note on who wrote it, the star answering one after the
# byline ("عزيز مشواط *" … "*أكاديمي مغربي", "* الوحدة الاقتصادية / بـ«الشرق الأوسط»"): a short
# phrase, no sentence, on its own line or glued after the last sentence. A bullet list ends with
# a starred line too, after another one; a starred sentence ("* تأهلت روسيا …") or a field
# ("* العنوان: …") is text.
_NOTE_WORDS = 16  # the note's words, over at most two lines
_NOTE_GLUED_WORDS = 8  # fewer when glued: nothing but the star sets it apart
_NOTE_CONTINUED_WORDS = 6  # a second line continuing the note ("بـ«الشرق الأوسط»")
_SENTENCE_CLOSE = re.compile(r"[.!?؟…]\s*$")
_GLUED_NOTE = re.compile(r"(?<=[.!?؟»\"”])\s*\*\s*(?P<note>[^*.!?؟:\n]{2,80})$")


def _is_note(lines: list[str]) -> bool:
    return (
        lines[0].startswith("*")
        and not lines[0].startswith("**")  # a columnist's starred paragraphs
        and sum(len(line.split()) for line in lines) <= _NOTE_WORDS
        and not any(_SENTENCE_CLOSE.search(line) or ":" in line for line in lines)
    )


def end_note_start(lines: list[str]) -> int | None:
    """Where a starred note on the writer closes the article's paragraphs (its own line, perhaps
    continued on one more short line): the index of its first line, or None."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    for size in (1, 2):
        if len(filled) <= size:
            break
        note = [lines[i].strip() for i in filled[-size:]]
        if size == 2 and (len(note[1].split()) > _NOTE_CONTINUED_WORDS or note[1].startswith("*")):
            continue
        if _is_note(note) and not lines[filled[-size - 1]].lstrip().startswith("*"):
            return filled[-size]
    return None


def glued_end_note(paragraph: str) -> int | None:
    """Where a starred note glued after the paragraph's last sentence starts ("… في المائة.
    * وحدة التقارير الاقتصادية"), or None."""
    if "*" not in paragraph[-90:]:
        return None
    found = _GLUED_NOTE.search(paragraph, max(0, len(paragraph) - 90))
    if found is None or len(found.group("note").split()) > _NOTE_GLUED_WORDS:
        return None
    return found.start()


def is_end_mark(line: str) -> bool:
    """A line that opens with SPA's end mark: "// انتهى //" (the item ends), "// يتبع //" (it
    continues), perhaps with the time stamp or tags after it."""
    return "/" in line[:4] and bool(_END_MARK.match(normalize(line)))


@dataclass
class Credits:
    """Everything an article's credits said, gathered while it is segmented."""

    found: list[Credit] = field(default_factory=list)
    agencies: list[str] = field(default_factory=list)

    def add(self, credit: Credit | None) -> None:
        if credit is not None:
            self.found.append(credit)
            self.agencies.extend(a for a in credit.agencies if a not in self.agencies)

    def add_byline(self, credit: Credit) -> None:
        """The page's byline field: ahead of what the text says, so it is the dateline shown."""
        self.found.insert(0, credit)
        self.add_agencies(credit.agencies)

    def add_agencies(self, names: Iterable[str]) -> None:
        self.agencies.extend(a for a in names if a not in self.agencies)

    def dateline(self) -> Credit | None:
        """The first credit that says where or by whom (a dateline or byline), with what the
        others add."""
        located = [c for c in self.found if c.place or c.writers or c.date or c.own]
        if not located:
            return None
        first = located[0]
        for other in located[1:]:
            first = first.merged(other)
        return first

    def publisher(self) -> str | None:
        return next((c.publisher for c in self.found if c.publisher), None)

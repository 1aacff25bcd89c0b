"""Dates in Arabic news text: explicit (Gregorian and Hijri, any digits, every month naming) and
relative ("أمس", "اليوم الجمعة"), each resolved to a Gregorian date against the page's date.

Why not a library: dateparser reads Arabic months but neither Hijri dates, Levantine month names
("كانون الثاني"), "الموافق" pairs nor Arabic relative forms with a weekday; it is also heavy to
import. The Hijri arithmetic itself is hijridate's (Umm al-Qura, the calendar Saudi outlets use).

`find_dates` returns every mention with its character span in the text as written; `event_date`
picks the date an article's event happened: its dateline's date, else the first date of its
lead that falls near the page's date, else none (the caller keeps the first-seen time beside it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

# Length-preserving folds, so spans found on the folded text are spans of the text as written.
_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ة": "ه",
        **{chr(0x0660 + i): str(i) for i in range(10)},  # Arabic-Indic digits
        **{chr(0x06F0 + i): str(i) for i in range(10)},  # Persian digits
    }
)

_GREGORIAN = {
    1: ["يناير", "كانون الثاني", "جانفي", "january", "jan"],
    2: ["فبراير", "شباط", "فيفري", "february", "feb"],
    3: ["مارس", "اذار", "march"],
    4: ["ابريل", "ابريل", "نيسان", "افريل", "april"],
    5: ["مايو", "ايار", "ماي", "may"],
    6: ["يونيو", "يونيه", "حزيران", "جوان", "june"],
    7: ["يوليو", "يوليه", "تموز", "جويليه", "july"],
    8: ["اغسطس", "اغسطس", "اب", "اوت", "august"],
    9: ["سبتمبر", "ايلول", "september"],
    10: ["اكتوبر", "تشرين الاول", "october"],
    11: ["نوفمبر", "تشرين الثاني", "november"],
    12: ["ديسمبر", "كانون الاول", "december"],
}
_HIJRI = {
    1: ["محرم"],
    2: ["صفر"],
    3: ["ربيع الاول"],
    4: ["ربيع الاخر", "ربيع الثاني"],
    5: ["جمادي الاولي", "جمادي الاول"],
    6: ["جمادي الاخره", "جمادي الاخر", "جمادي الثانيه"],
    7: ["رجب"],
    8: ["شعبان"],
    9: ["رمضان"],
    10: ["شوال"],
    11: ["ذو القعده", "ذي القعده"],
    12: ["ذو الحجه", "ذي الحجه"],
}
_WEEKDAYS = {
    "الاثنين": 0,
    "الإثنين": 0,
    "الثلاثاء": 1,
    "الاربعاء": 2,
    "الخميس": 3,
    "الجمعه": 4,
    "السبت": 5,
    "الاحد": 6,
}

_MONTH_OF: dict[str, tuple[str, int]] = {
    **{name: ("gregorian", month) for month, names in _GREGORIAN.items() for name in names},
    **{name: ("hijri", month) for month, names in _HIJRI.items() for name in names},
}


def _alternation(names: list[str]) -> str:
    # longest first ("كانون الثاني" before "كانون"); a name is a whole word (no letter after it)
    return "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in sorted(set(names), key=len, reverse=True))


_MONTH = _alternation(list(_MONTH_OF))
_SECOND_NAME = rf"\s*(?:/|\(|-)\s*(?:{_MONTH})\)?"  # the month's other name: آب/أغسطس, أبريل (نيسان)
_DAY = r"(?P<day>[0-3]?\d)"
_YEAR = r"(?P<year>(?:1[34]|20|19)\d\d)"
_ERA = r"(?:\s*(?P<era>هـ|ه|م)(?![\w]))?"
# 10 أغسطس 2015 م ; 25 شوال 1436 هـ ; 12 آب/أغسطس 2015 ; 3 تموز (يوليو) 2015
_NAMED = re.compile(
    rf"(?<![\w]){_DAY}\s*(?:من\s+)?(?:شهر\s+)?(?P<month>{_MONTH})(?![\w])"
    rf"(?:{_SECOND_NAME})?(?:\s*(?:عام|سنه)?\s*,?\s*{_YEAR}{_ERA})?",
    re.IGNORECASE,
)
# 2015-08-10, 10/08/2015, 1436/10/25هـ, 25-10-1436 هـ
_NUMERIC = re.compile(
    r"(?<![\d/.-])(?:(?P<y1>(?:1[34]|20|19)\d\d)[/.-](?P<m1>[01]?\d)[/.-](?P<d1>[0-3]?\d)"
    r"|(?P<d2>[0-3]?\d)[/.-](?P<m2>[01]?\d)[/.-](?P<y2>(?:1[34]|20|19)\d\d))(?![\d/.-])"
    r"(?:\s*(?P<era>هـ|ه|م)(?![\w]))?"
)
_WEEKDAY = "|".join(sorted({w.translate(_FOLD) for w in _WEEKDAYS}, key=len, reverse=True))
_RELATIVE = re.compile(
    r"(?<![\w])(?:"
    r"(?P<before>اول\s+(?:من\s+)?امس|امس\s+الاول)(?:\s+(?P<bday>" + _WEEKDAY + r"))?"  # «أول من أمس» too
    r"|(?P<after>بعد\s+غد)(?:\s+(?:" + _WEEKDAY + r"))?"
    r"|(?P<anchor>امس|البارحه|اليوم|غدا|غدًا|غدٍ|الليله)(?:\s+(?P<aday>" + _WEEKDAY + r"))?"
    r"|(?:يوم|صباح|مساء|ليله|فجر|ظهر|عصر|نهار)\s+(?:(?P<near>امس|اليوم|غد)\s+)?(?P<day>" + _WEEKDAY + r")"
    r"(?:\s+(?P<dir>الماضي|المقبل|القادم))?"
    r"|(?P<bare>" + _WEEKDAY + r")\s+(?P<bdir>الماضي|المقبل|القادم)"
    # a weekday alone, as the wires date an item («أعلنت الوكالة الجمعة»); not God's name «الأحد»,
    # not Friday's prayer or sermon (صلاة الجمعة is a rite, not a date)
    r"|(?<!الواحد )(?<!صلاه )(?<!خطبه )(?P<lone>" + _WEEKDAY + r")"
    r"(?!(?:\s+و\S+)?\s+(?:بعد|المقبل\w*|القادم\w*|الموافق|امس|اليوم|البارحه)(?![\w]))"
    r")(?![\w])"
)
# Words before a lone weekday that put it ahead: a future verb (سيزور، ستعقد، سنعلن), «سوف», «المقرر».
_AHEAD = re.compile(r"(?<![\w])[وف]?(?:سوف|المقرر\w?|المنتظر\w?|يعتزم|تعتزم|س[يتن]\w{3,})(?![\w])")
_AHEAD_CHARS = 60  # looked for this far before the weekday (a clause)
_ANCHOR_DAYS = {"امس": -1, "البارحه": -1, "اليوم": 0, "الليله": 0, "غدا": 1, "غدًا": 1, "غدٍ": 1}


@dataclass(frozen=True, slots=True)
class DateMention:
    """One date in a text: where it is (`start`/`end` in the text as written), what it says,
    and the Gregorian day it names."""

    start: int
    end: int
    text: str
    value: date
    calendar: str  # "gregorian", "hijri" or "relative"


def fold(text: str) -> str:
    """Alef forms, alef maqsura, ta marbuta and every digit folded, one character for one."""
    return text.translate(_FOLD).lower()


@cache
def _hijri_to_gregorian(year: int, month: int, day: int) -> date | None:
    from hijridate import Hijri  # imported where used: most texts hold no Hijri date

    try:
        return Hijri(year, month, day).to_gregorian()
    except (ValueError, OverflowError):
        return None


def _gregorian_to_hijri_year(day: date) -> int | None:
    from hijridate import Gregorian

    try:
        return int(Gregorian(day.year, day.month, day.day).to_hijri().year)
    except (ValueError, OverflowError):
        return None


def _make(calendar: str, year: int, month: int, day: int) -> date | None:
    if calendar == "hijri":
        return _hijri_to_gregorian(year, month, day)
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _without_year(calendar: str, month: int, day: int, reference: date | None) -> date | None:
    """A day and month with no year: the one nearest the reference date (news dates are close)."""
    if reference is None:
        return None
    if calendar == "hijri":
        base = _gregorian_to_hijri_year(reference)
        if base is None:
            return None
        years = [base - 1, base, base + 1]
    else:
        years = [reference.year - 1, reference.year, reference.year + 1]
    found = [d for d in (_make(calendar, y, month, day) for y in years) if d is not None]
    return min(found, key=lambda d: abs((d - reference).days), default=None)


def _calendar_of_year(year: int, era: str | None, named: str) -> str:
    if era in ("هـ", "ه"):
        return "hijri"
    if era == "م":
        return "gregorian"
    return "hijri" if 1300 <= year < 1600 else named


def _named(match: re.Match[str], reference: date | None) -> date | None:
    calendar, month = _MONTH_OF[" ".join(match["month"].lower().split())]
    day = int(match["day"])
    if match["year"]:
        year = int(match["year"])
        if _calendar_of_year(year, match["era"], calendar) != calendar:
            return None  # "25 شوال 2015": a Hijri month with a Gregorian year is not a date
        return _make(calendar, year, month, day)
    return _without_year(calendar, month, day, reference)


def _numeric(match: re.Match[str]) -> tuple[str, date | None]:
    year = int(match["y1"] or match["y2"])
    month = int(match["m1"] or match["m2"])
    day = int(match["d1"] or match["d2"])
    calendar = _calendar_of_year(year, match["era"], "gregorian")
    return calendar, _make(calendar, year, month, day)


def _weekday_near(reference: date, weekday: int, direction: str | None) -> date:
    """The day of that weekday: the reference itself or the latest before it (news tells what
    happened), or the next one when the text says المقبل/القادم."""
    if direction in ("المقبل", "القادم"):
        return reference + timedelta(days=(weekday - reference.weekday()) % 7 or 7)
    back = (reference.weekday() - weekday) % 7
    if direction == "الماضي" and back == 0:
        back = 7
    return reference - timedelta(days=back)


def _weekday(name: str) -> int:
    return {fold(k): v for k, v in _WEEKDAYS.items()}[name]


# Titles before a family name: «الدكتور الجمعة» is Dr. Al-Jumaa, not Friday.
_TITLES = frozenset({"الدكتور", "د", "الشيخ", "المهندس", "الاستاذ", "السيد", "اللواء", "العميد", "الامير"})


def _is_surname(before: str) -> bool:
    """Whether a lone weekday reads as a family name: after a title or a given name (the entity
    tagger's gazetteer: «عبدالله الجمعة», «محمد الخميس» are families)."""
    from marsad.enrich.features import given_names

    words = before.split()
    if not words:
        return False
    last = words[-1].strip(".")
    return last in _TITLES or last in given_names() or (len(words) > 1 and words[-2] in ("عبد", "ابو"))


def _relative(match: re.Match[str], reference: date) -> date | None:
    if match["before"]:
        day = reference - timedelta(days=2)
        if match["bday"] and _weekday(match["bday"]) != day.weekday():  # (as "أمس الخميس" below)
            return _weekday_near(reference, _weekday(match["bday"]), None)
        return day
    if match["after"]:
        return reference + timedelta(days=2)
    if match["anchor"]:
        day = reference + timedelta(days=_ANCHOR_DAYS[match["anchor"]])
        if match["aday"] and _weekday(match["aday"]) != day.weekday():
            # "أمس الخميس" written on a page dated a day later than it was filed: the weekday wins
            return _weekday_near(reference, _weekday(match["aday"]), None)
        return day
    if match["lone"]:  # the latest such day (news tells what happened), unless a future verb leads to it
        clause = match.string[max(0, match.start() - _AHEAD_CHARS) : match.start()]
        if _is_surname(clause):
            return None
        future = _AHEAD.search(clause.split(".")[-1].split("،")[-1]) is not None
        return _weekday_near(reference, _weekday(match["lone"]), "المقبل" if future else None)
    name, direction = (match["day"], match["dir"]) if match["day"] else (match["bare"], match["bdir"])
    if match["near"] == "غد":  # "يوم غد الخميس": tomorrow's weekday, ahead
        direction = "المقبل"
    elif match["near"] == "امس":  # "يوم أمس الخميس": the latest before the page's day
        return _weekday_near(reference - timedelta(days=1), _weekday(name), None)
    return _weekday_near(reference, _weekday(name), direction)


def find_dates(text: str, reference: date | None = None) -> list[DateMention]:
    """Every date in the text, in order; relative ones only when a reference date is given."""
    folded = fold(text)
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []

    def add(start: int, end: int, value: date | None, calendar: str) -> None:
        if value is None or any(start < e and s < end for s, e in taken):
            return
        taken.append((start, end))
        found.append(DateMention(start, end, text[start:end], value, calendar))

    for match in _NAMED.finditer(folded):
        calendar = _MONTH_OF[" ".join(match["month"].lower().split())][0]
        add(match.start(), match.end(), _named(match, reference), calendar)
    for match in _NUMERIC.finditer(folded):
        calendar, value = _numeric(match)
        add(match.start(), match.end(), value, calendar)
    if reference is not None:
        for match in _RELATIVE.finditer(folded):
            add(match.start(), match.end(), _relative(match, reference), "relative")
    return sorted(found, key=lambda mention: mention.start)


# two names of one month side by side, as Levantine and Egyptian/Gulf news write them: أبريل
# (نيسان), آب/أغسطس — a month even with no day before it
_PAIRED_MONTHS = re.compile(rf"(?<![\w])(?:{_MONTH}){_SECOND_NAME}(?![\w])", re.IGNORECASE)


def date_spans(text: str) -> list[tuple[int, int]]:
    """Where the text names a date or a month (start, end): the dates `find_dates` reads, a day
    and month with no year included, and paired month names. What the tagger must not take for
    a name (the Levantine نيسان is April, not Nissan)."""
    spans = [(d.start, d.end) for d in find_dates(text, reference=date(2000, 1, 1))]
    spans += [match.span() for match in _PAIRED_MONTHS.finditer(fold(text))]
    return spans


LEAD_CHARS = 400  # where a news article says when its event happened: the dateline and lead
WINDOW = timedelta(days=45)  # a lead date further from the page's date is background, not the event


def event_date(text: str, dated: str | None = None, reference: date | None = None) -> date | None:
    """When the article's event happened: the dateline's own date, else the first date in the
    lead that lies within WINDOW before (or a day after) the reference, else None."""
    if dated:
        for mention in find_dates(dated, reference):
            return mention.value
    for mention in find_dates(text[:LEAD_CHARS], reference):
        if reference is None or -WINDOW <= mention.value - reference <= timedelta(days=1):
            return mention.value
    return None

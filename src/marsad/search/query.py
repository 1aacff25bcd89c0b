"""The query language, parsed into a store-neutral query of analyzed terms.

    بوتين ماسك              both words (every spelling, clitic and inflection of each)
    "الرئيس الروسي"          the words next to each other
    -ترامب                  not this word (or -"a phrase")
    بوتين OR ماسك           either
    outlet:okaz  wire:واس  tag:"إيلون ماسك"  date:2015-07-21..2015-07-31  (date:2015-07, date:..2015-08-01)
    -outlet:okaz            filters can be negated too

Queries are never pasted into SQL: the store turns this structure into its own syntax and
binds every value. A malformed query raises `QueryError` with a message meant for the user.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date

from marsad.search.analyzer import Analyzer
from marsad.segment.agencies import find_agencies

FILTERS = ("outlet", "wire", "tag", "date")
_TOKEN = re.compile(
    r"""\s*(?:
        (?P<neg>-)?(?P<field>[A-Za-z]+):(?:"(?P<fquoted>[^"]*)"|(?P<fvalue>[^\s"]+))
      | (?P<pneg>-)?"(?P<phrase>[^"]*)"
      | (?P<or>OR|\|)(?=\s|$)
      | (?P<wneg>-)?(?P<word>[^\s"]+)
      | (?P<open>")
    )""",
    re.VERBOSE,
)
_DAY = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


class QueryError(ValueError):
    """A query that cannot be understood; the message says what to fix."""


@dataclass(frozen=True, slots=True)
class Phrase:
    """Terms that must appear in this order (one term for a single word), and the same words'
    exact forms (for ranking: a hit with the very words typed ranks higher)."""

    terms: tuple[str, ...]
    exact: tuple[str, ...] = ()
    surface: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Clause:
    """At least one of these must match (one alternative unless OR was used)."""

    alternatives: tuple[Phrase, ...]


@dataclass(frozen=True, slots=True)
class ValueFilter:
    value: str
    negated: bool = False


@dataclass(frozen=True, slots=True)
class TagFilter:
    terms: tuple[str, ...]
    negated: bool = False


@dataclass(frozen=True, slots=True)
class Query:
    required: tuple[Clause, ...] = ()
    excluded: tuple[Phrase, ...] = ()
    outlets: tuple[ValueFilter, ...] = ()
    wires: tuple[ValueFilter, ...] = ()
    tags: tuple[TagFilter, ...] = ()
    date_from: str | None = None  # inclusive, YYYY-MM-DD
    date_to: str | None = None  # inclusive
    highlight: frozenset[str] = field(default_factory=frozenset)
    # hits with a query word in the title first (see marsad.store.sqlite_search.tiers); off for
    # more-like-this, whose many OR'ed terms would put any shared title word first
    title_first: bool = True


def _day(text: str, last: bool) -> str:
    match = _DAY.match(text)
    if not match:
        raise QueryError(f"date:{text} is not a date; write YYYY-MM-DD, YYYY-MM or YYYY")
    year, month, day = int(match[1]), int(match[2] or (12 if last else 1)), match[3]
    try:
        if day is None:
            return date(year, month, calendar.monthrange(year, month)[1] if last else 1).isoformat()
        return date(year, month, int(day)).isoformat()
    except ValueError:
        raise QueryError(f"date:{text} is not a real date") from None


def _date_range(value: str) -> tuple[str | None, str | None]:
    if ".." in value:
        start, _, end = value.partition("..")
        if not start and not end:
            raise QueryError("date:.. needs a date on at least one side")
        return (_day(start, False) if start else None), (_day(end, True) if end else None)
    return _day(value, False), _day(value, True)


class _Builder:
    def __init__(self, analyzer: Analyzer) -> None:
        self.analyzer = analyzer
        self.clauses: list[list[Phrase]] = []
        self.excluded: list[Phrase] = []
        self.outlets: list[ValueFilter] = []
        self.wires: list[ValueFilter] = []
        self.tags: list[TagFilter] = []
        self.dates: tuple[str | None, str | None] = (None, None)
        self.highlight: set[str] = set()
        self.pending_or = False
        self.dropped: list[str] = []

    def phrase(self, text: str) -> Phrase | None:
        terms = tuple(self.analyzer.terms(text))
        if not terms:
            self.dropped.append(text)
            return None
        return Phrase(terms, tuple(self.analyzer.exact_terms(text)), tuple(self.analyzer.surface_terms(text)))

    def positive(self, text: str) -> None:
        phrase = self.phrase(text)
        if phrase and not self.pending_or:
            readings = [Phrase((term,), (exact,)) for term, exact in self.analyzer.alternatives(text)]
            if readings:  # a word read two ways: either reading matches
                self.clauses.append([phrase, *readings])
                self.highlight.update(phrase.terms + tuple(r.terms[0] for r in readings))
                return
        if self.pending_or:
            self.pending_or = False
            if not self.clauses:
                raise QueryError("OR needs a word on each side")
            if phrase:
                self.clauses[-1].append(phrase)
        elif phrase:
            self.clauses.append([phrase])
        elif text.strip():
            self.clauses.append([])  # a stopword: keeps "a OR من" from joining a to the next word
        if phrase:
            self.highlight.update(phrase.terms)

    def filter(self, name: str, value: str, negated: bool) -> None:
        name = name.lower()
        if name not in FILTERS:
            known = ", ".join(f"{f}:" for f in FILTERS)
            raise QueryError(f"unknown filter {name}: (known filters: {known})")
        if not value.strip():
            raise QueryError(f"{name}: needs a value, e.g. {name}:{_EXAMPLES[name]}")
        if name == "outlet":
            self.outlets.append(ValueFilter(value.strip().lower(), negated))
        elif name == "wire":
            names = find_agencies(value) or [value.strip()]
            self.wires.append(ValueFilter(names[0], negated))
        elif name == "tag":
            terms = tuple(self.analyzer.terms(value))
            if not terms:
                raise QueryError(f"tag:{value} has no searchable word")
            self.tags.append(TagFilter(terms, negated))
        else:
            if negated:
                raise QueryError("a date range cannot be negated; give the range you want")
            self.dates = _date_range(value)

    def query(self) -> Query:
        if self.pending_or:
            raise QueryError("OR needs a word on each side")
        required = tuple(Clause(tuple(c)) for c in self.clauses if c)
        query = Query(
            required=required,
            excluded=tuple(self.excluded),
            outlets=tuple(self.outlets),
            wires=tuple(self.wires),
            tags=tuple(self.tags),
            date_from=self.dates[0],
            date_to=self.dates[1],
            highlight=frozenset(self.highlight),
        )
        filtered = query.outlets or query.wires or query.tags or query.date_from or query.date_to
        if not query.required and not filtered:
            if self.excluded:
                raise QueryError("a query cannot only exclude: say what to look for as well")
            if self.dropped:
                raise QueryError("only very common words (like في، من، على): add a word to look for")
            raise QueryError("empty query: type words to look for, or a filter such as outlet:")
        return query


_EXAMPLES = {"outlet": "okaz", "wire": "واس", "tag": "الحج", "date": "2015-07-21..2015-07-31"}


def parse_query(text: str, analyzer: Analyzer) -> Query:
    """Parse what a user typed; raises QueryError with a readable message when it is malformed."""
    builder = _Builder(analyzer)
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            break
        position = match.end()
        if match["open"]:
            raise QueryError('a quotation mark is not closed: close the phrase with another "')
        if match["field"]:
            value = match["fquoted"] if match["fquoted"] is not None else match["fvalue"]
            builder.filter(match["field"], value, bool(match["neg"]))
        elif match["or"]:
            if builder.pending_or or not builder.clauses:
                raise QueryError("OR needs a word on each side")
            builder.pending_or = True
        elif match["phrase"] is not None or match["word"] is not None:
            content = match["phrase"] if match["phrase"] is not None else match["word"]
            if match["pneg"] or match["wneg"]:
                phrase = builder.phrase(content)
                if phrase:
                    builder.excluded.append(phrase)
            else:
                builder.positive(content)
    return builder.query()

"""A parsed `Query` as tantivy queries: built from objects, never from a query string, so nothing
a user types is parsed twice or can change the query's structure.

Each word or phrase matches its stemmed terms in title (×4), body and tags (×2), and its exact
forms (clitics off) or surface forms (clitics on) in the title's `title_exact` field (×4): those
alternatives add nothing to what matches (their stem is the stem), only to the score of titles
holding the very words typed. Filters match without scoring.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime

from tantivy import FieldType, Occur, Schema
from tantivy import Query as Q

from marsad.search.query import Phrase, Query

TITLE_WEIGHT = 4.0  # a word in the title counts four times one in the body
BODY_WEIGHT = 1.0
TAGS_WEIGHT = 2.0
EXACT_WEIGHT = 4.0  # the title's exact word forms: the same weight again for the very words typed
STEMMED = {"title": TITLE_WEIGHT, "body": BODY_WEIGHT, "tags": TAGS_WEIGHT}
# characters the regex engine behind tantivy's RegexQuery treats as syntax (regex-syntax's escape set)
_REGEX_META = frozenset("\\.+*?()|[]{}^$#&-~")


def seconds(moment: str | None) -> int:
    """An ISO time as seconds since 1970 of its own wall clock (the offset ignored), so a day
    filter means the day the time was written in, as the stored text reads; 0 for none."""
    if not moment:
        return 0
    parsed = datetime.fromisoformat(moment).replace(tzinfo=None)
    return calendar.timegm(parsed.timetuple())


def _day_start(day: str) -> int:
    return calendar.timegm(date.fromisoformat(day).timetuple())


def _escaped(text: str) -> str:
    return "".join("\\" + c if c in _REGEX_META else c for c in text)


def _terms(schema: Schema, field: str, terms: tuple[str, ...], boost: float = 1.0) -> Q:
    found = (
        Q.term_query(schema, field, terms[0])
        if len(terms) == 1
        else Q.phrase_query(schema, field, list(terms))
    )
    return Q.boost_query(found, boost) if boost != 1.0 else found


def _any(parts: list[Q]) -> Q:
    return parts[0] if len(parts) == 1 else Q.boolean_query([(Occur.Should, part) for part in parts])


def _phrase(schema: Schema, phrase: Phrase) -> Q:
    parts = [_terms(schema, field, phrase.terms, weight) for field, weight in STEMMED.items()]
    forms = [f for f in (phrase.exact, phrase.surface) if f and len(f) == len(phrase.terms)]
    parts += [_terms(schema, "title_exact", f, EXACT_WEIGHT) for f in dict.fromkeys(forms)]
    return _any(parts)


def _anywhere(schema: Schema, phrase: Phrase) -> Q:
    return _any([_terms(schema, field, phrase.terms) for field in STEMMED])


def _filter(query: Q) -> Q:
    return Q.const_score_query(query, 0.0)


@dataclass(frozen=True, slots=True)
class Translated:
    """What the index runs for one query: every match (`base`), the tiers it is ranked in, best
    first, and whether the tiers are in date order (filters alone) rather than by relevance."""

    base: Q
    tiers: tuple[Q, ...]
    by_date: bool


def translate(query: Query, schema: Schema) -> Translated:
    clauses: list[tuple[Occur, Q]] = []
    for clause in query.required:
        clauses.append((Occur.Must, _any([_phrase(schema, p) for p in clause.alternatives])))
    for tag in query.tags:
        tagged = _terms(schema, "tags", tag.terms, TAGS_WEIGHT)
        clauses.append((Occur.MustNot, tagged) if tag.negated else (Occur.Must, tagged))
    scored = any(occur == Occur.Must for occur, _ in clauses)
    clauses += [(Occur.MustNot, _anywhere(schema, p)) for p in query.excluded]
    for outlet in query.outlets:  # outlets whose name starts with the value
        prefix = _filter(Q.regex_query(schema, "outlet", _escaped(outlet.value) + ".*"))
        clauses.append((Occur.MustNot if outlet.negated else Occur.Must, prefix))
    for wire in query.wires:
        wired = _filter(Q.term_query(schema, "wire", wire.value.lower()))
        clauses.append((Occur.MustNot if wire.negated else Occur.Must, wired))
    if query.date_from or query.date_to:
        start = _day_start(query.date_from) if query.date_from else 1  # 0: no date at all
        end = _day_start(query.date_to) + 86_400 if query.date_to else None
        dated = Q.range_query(schema, "seen", FieldType.Integer, start, end, include_upper=end is None)
        clauses.append((Occur.Must, _filter(dated)))
    if not scored:
        clauses.append((Occur.Must, Q.all_query()))
    base = Q.boolean_query(clauses)
    if not query.required or not query.title_first:
        return Translated(base, (base,), by_date=not scored)
    in_title = _any(
        [_terms(schema, "title", p.terms) for clause in query.required for p in clause.alternatives]
    )
    first = Q.boolean_query([(Occur.Must, base), (Occur.Must, _filter(in_title))])
    second = Q.boolean_query([(Occur.Must, base), (Occur.MustNot, in_title)])
    return Translated(base, (first, second), by_date=False)

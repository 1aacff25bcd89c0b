"""SQLite FTS5 side of search: a parsed `Query` becomes an FTS5 MATCH expression and a
parameterized SQL statement. Terms come out of the analyzer (word characters only) and are
still quoted as FTS5 strings, and every value is a bound parameter: nothing a user types is
pasted into SQL.
"""

from __future__ import annotations

from typing import Any

from marsad.search.query import Phrase, Query

TITLE_WEIGHT = 4.0  # bm25 column weights: a word in the title counts four times one in the body
BODY_WEIGHT = 1.0
TAGS_WEIGHT = 2.0
EXACT_WEIGHT = 4.0  # the title's exact word forms: the same weight again for the very words typed
STEMMED = "{title body tags}"
RECENCY_BOOST = 0.1  # the newest articles score up to 10% higher, decaying over ~a month
RECENCY_DAYS = 30.0


def _string(phrase: Phrase) -> str:
    return _quoted(phrase.terms)


def _quoted(terms: tuple[str, ...]) -> str:
    return '"' + " ".join(term.replace('"', '""') for term in terms) + '"'


def _matching(phrase: Phrase) -> str:
    """A phrase on the stemmed columns, or its exact forms (clitics off) or its surface forms
    (clitics on) in the title: those alternatives add nothing to what matches (their stem is the
    stem), only to the bm25 score of titles holding the very words typed."""
    stemmed = f"{STEMMED} : {_string(phrase)}"
    forms = [f for f in (phrase.exact, phrase.surface) if f and len(f) == len(phrase.terms)]
    if not forms:
        return stemmed
    titled = " OR ".join(_quoted(f) for f in dict.fromkeys(forms))
    return f"({stemmed} OR {{title_exact}} : ({titled}))"


def fts_match(query: Query) -> str | None:
    """The FTS5 expression for the query's words, or None when only filters were given."""
    positive = []
    for clause in query.required:
        alternatives = [_matching(p) for p in clause.alternatives]
        positive.append(alternatives[0] if len(alternatives) == 1 else "(" + " OR ".join(alternatives) + ")")
    negative = [f"{STEMMED} : {_string(p)}" for p in query.excluded]
    for tag in query.tags:
        expression = "{tags} : " + _string(Phrase(tag.terms))
        (negative if tag.negated else positive).append(expression)
    if not positive:
        return None
    match = " AND ".join(positive)
    if negative:
        match = f"({match}) NOT ({' OR '.join(negative)})"
    return match


# The articles of the outlets whose name starts with a value (okaz → okaz, okaz.com.sa): a range
# on the pages_outlet index, so a big archive reads that outlet's pages, not every match's.
_OUTLET_SEQS = (
    "SELECT x.seq FROM pages p JOIN occurrences o ON o.page_id = p.page_id"
    " JOIN articles x ON x.article_id = o.article_id WHERE lower(p.outlet) >= ? AND lower(p.outlet) < ?"
)


def _outlet_range(value: str) -> list[str]:
    return [value, value + "\U0010ffff"]


def filter_sql(query: Query) -> tuple[list[str], list[Any]]:
    """WHERE conditions on `articles a` for the query's non-word filters, with their parameters.
    (An outlet is not pushed into the FTS5 scan as `rowid IN (…)`: FTS5 then seeks every term's
    postings once per article, measured 38 s for a large outlet at 1M articles.)"""
    conditions: list[str] = []
    params: list[Any] = []
    for outlet in query.outlets:
        conditions.append(("NOT " if outlet.negated else "") + f"a.seq IN ({_OUTLET_SEQS})")
        params += _outlet_range(outlet.value)
    for wire in query.wires:
        conditions.append(
            ("NOT " if wire.negated else "")
            + "EXISTS (SELECT 1 FROM json_each(a.wire) WHERE lower(json_each.value) = lower(?))"
        )
        params.append(wire.value)
    if query.date_from:
        conditions.append("a.first_seen >= ?")
        params.append(query.date_from)
    if query.date_to:
        conditions.append("a.first_seen < date(?, '+1 day')")
        params.append(query.date_to)
    return conditions, params


def _in_title(query: Query) -> str:
    """Any of the query's words or phrases in the title: exactly the rows whose bm25 with the
    title column alone weighted is non-zero (TITLE_TIER), so both ways of telling the first tier
    agree. (Measured and not kept: *every* clause in the title first gains 0.7 points of
    success@1 on known-item search, but the first tier is then often too small to fill a page,
    and p95 at 1M articles went from 252 to 437 ms.)"""
    phrases = sorted({_string(p) for clause in query.required for p in clause.alternatives})
    return "{title} : (" + " OR ".join(phrases) + ")"


TITLE_TIER = "bm25(search_terms, 1.0, 0.0, 0.0, 0.0) < 0"


def tiers(query: Query) -> tuple[str, str, str] | None:
    """(whole match, first tier, second tier): hits with a query word in their title rank above
    hits without one, each tier by score. Ranking the first tier alone is what lets a broad
    query ("الرئيس" matches a tenth of a news archive) be answered without scoring every match:
    bm25 costs microseconds per matching row, and most rows of a broad query are second tier."""
    match = fts_match(query)
    if match is None:
        return None
    if not query.required:  # tags and filters only: no title tier
        return match, match, f"({match}) NOT ({match})"
    title = _in_title(query)
    return match, f"({match}) AND {title}", f"({match}) NOT {title}"


def _filtered(source: str, where: str) -> str:
    return (
        f"SELECT h.seq, h.relevance, h.tier, a.first_seen, COALESCE(g.group_seq, h.seq) AS grp"
        f" FROM ({source}) h"
        f" JOIN articles a ON a.seq = h.seq LEFT JOIN article_groups g ON g.seq = h.seq{where}"
    )


def search_sql(
    query: Query,
    match: str | None,
    newest: str | None,
    exclude_group: int | None,
    skip_groups_matching: str | None = None,
    title_first: bool = False,
) -> tuple[str, list[Any]]:
    """One statement: match (`match`, or every article for filters alone), filter, score (bm25
    with a mild recency boost), keep the best hit of each duplicate group, count the groups,
    and page through them (two trailing params: LIMIT and OFFSET). Groups with a member that
    matches `skip_groups_matching` (and the filters) are left out: they were in an earlier tier.
    With `title_first`, hits with a query word or phrase in the title rank above the others
    (both tiers in one statement, told apart by a title-only bm25 in the same scan)."""
    conditions, filter_params = filter_sql(query)
    if exclude_group is not None:
        conditions.append("COALESCE(g.group_seq, h.seq) != ?")
        filter_params.append(exclude_group)
    where = (" WHERE " + " AND ".join(conditions)) if conditions else ""
    fts = (
        "SELECT rowid AS seq, {score} AS relevance, {tier} AS tier"
        " FROM search_terms WHERE search_terms MATCH ?"
    )
    params: list[Any] = []
    ctes = []
    if skip_groups_matching is not None:
        ctes.append(f"earlier AS ({_filtered(fts.format(score='0', tier='0'), where)})")
        params += [skip_groups_matching, *filter_params]
    if match is not None:
        tier = TITLE_TIER if title_first else "0"
        source = fts.format(score="-bm25(search_terms, ?, ?, ?, ?)", tier=tier)
        params += [TITLE_WEIGHT, BODY_WEIGHT, TAGS_WEIGHT, EXACT_WEIGHT, match]
    else:
        source = "SELECT seq, 1.0 AS relevance, 0 AS tier FROM articles"
    ctes.append(f"hits AS ({_filtered(source, where)})")
    params += filter_params
    skip = " WHERE grp NOT IN (SELECT grp FROM earlier)" if skip_groups_matching is not None else ""
    sql = (
        f"WITH {', '.join(ctes)},"
        " scored AS (SELECT seq, grp, tier, relevance * (1.0 + COALESCE("
        "   ? / (1.0 + MAX(0.0, julianday(?) - julianday(first_seen)) / ?), 0)) AS score"
        f"  FROM hits{skip}),"
        " best AS (SELECT seq, grp, tier, score,"
        "  ROW_NUMBER() OVER (PARTITION BY grp ORDER BY tier DESC, score DESC, seq) AS rank FROM scored)"
        " SELECT seq, grp, score, COUNT(*) OVER () FROM best WHERE rank = 1"
        " ORDER BY tier DESC, score DESC, seq LIMIT ? OFFSET ?"
    )
    return sql, [*params, RECENCY_BOOST, newest, RECENCY_DAYS]

"""Search and "similar articles": plain functions over a store, used by the CLI and the web app."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from marsad.defaults import MAX_LIMIT
from marsad.search.analyzer import Analyzer, default_analyzer
from marsad.search.index import analyzed, needs_rebuild, search_index
from marsad.search.port import SearchArchive
from marsad.search.query import Clause, Phrase, Query, parse_query
from marsad.search.ranking import Groups
from marsad.search.snippet import Snippet, make_snippet

SIMILAR_TERMS = 25  # salient terms a "more like this" query is made of
SIMILAR_MAX_SHARE = 0.1  # terms in more than this share of articles say little about a story
FACET_CAP = 3000  # matching articles a search's facets are counted over (its best, when more match)
FACET_TOP = 12  # outlets and agencies a facet lists
FACET_DAYS = 31  # more distinct days than this: dates are counted by month


@dataclass(frozen=True, slots=True)
class Hit:
    article_id: str
    title: str | None
    score: float
    snippet: Snippet
    outlets: list[str]
    group: list[str]
    pages: int
    first_seen: str | None
    contains: list[str] = field(default_factory=list)
    contained_in: list[str] = field(default_factory=list)
    story: int | None = None  # the story it tells, once clustered (`marsad story ID`)

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.article_id,
            "title": self.title,
            "score": round(self.score, 4),
            "snippet": self.snippet.text,
            "highlights": [list(mark) for mark in self.snippet.marks],
            "outlets": self.outlets,
            "outlet_count": len(self.outlets),
            "duplicates": self.group[1:],
            "pages": self.pages,
            "first_seen": self.first_seen,
            "contains": self.contains,
            "contained_in": self.contained_in,
            "story": self.story,
        }


@dataclass(frozen=True, slots=True)
class SearchPage:
    query: str
    total: int
    offset: int
    limit: int
    hits: list[Hit] = field(default_factory=list)
    total_exact: bool = True  # False: `total` counts matching articles, before duplicates fold
    unindexed: int = 0  # articles of the archive the index does not hold yet (`marsad reindex`)

    def to_json(self) -> dict[str, object]:
        return {
            "query": self.query,
            "total": self.total,
            "total_exact": self.total_exact,
            "unindexed": self.unindexed,
            "offset": self.offset,
            "limit": self.limit,
            "hits": [hit.to_json() for hit in self.hits],
        }


class NotFound(LookupError):
    pass


def _checked(limit: int, offset: int) -> None:
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be between 1 and {MAX_LIMIT}, not {limit}")
    if offset < 0:
        raise ValueError(f"offset cannot be negative ({offset})")


def _page(
    store: SearchArchive,
    text: str,
    query: Query,
    limit: int,
    offset: int,
    analyzer: Analyzer,
    exclude_group_of: str | None = None,
    by_story: bool = False,
) -> SearchPage:
    skip = store.group_of(exclude_group_of) if exclude_group_of is not None else None
    fold = _stories_then_groups(store) if by_story else store.groups
    results = search_index(store).search(query, limit, offset, fold, skip)
    ranked = results.hits
    if by_story:  # each hit's details are its duplicate group's
        group_of = store.groups([key for key, _, _ in ranked])
        ranked = [(key, group_of.get(key, key), score) for key, _, score in ranked]
    hits = []
    for r in store.hits(ranked):
        snippet = make_snippet(r.text, query.highlight, analyzer)
        hits.append(
            Hit(
                r.article_id,
                r.title,
                r.score,
                snippet,
                r.outlets,
                r.group,
                r.pages,
                r.first_seen,
                r.contains,
                r.contained_in,
                r.story,
            )
        )
    unindexed = store.changed_since(search_index(store).cursor)
    return SearchPage(text, results.total, offset, limit, hits, results.exact, unindexed)


STORY_UNITS = 1 << 64  # story units start beyond every article key (signed 64 bits)


def _stories_then_groups(store: SearchArchive) -> Groups:
    """Folding by story: an article in a story stands for the story; one not clustered yet
    for its duplicate group, as usual."""

    def fold(keys: Sequence[int]) -> dict[int, int]:
        units = store.groups(keys)
        units.update({key: STORY_UNITS + story for key, story in store.stories_of(keys).items()})
        return units

    return fold


class IndexNotReady(LookupError):
    """The archive's search index is missing or was built for something else: a search would
    answer wrongly until `marsad reindex` (or an ingest) rebuilds it."""


def _ready(store: SearchArchive, analyzer: Analyzer) -> None:
    """Searches only read: they never index (that is ingest's and `reindex`'s job), and never
    query an index made for another archive or by another analyzer."""
    if needs_rebuild(store, analyzer):
        folder = search_index(store).folder
        raise IndexNotReady(f"the search index {folder} must be built for this archive: run `marsad reindex`")


def search(
    store: SearchArchive,
    text: str,
    limit: int = 10,
    offset: int = 0,
    analyzer: Analyzer | None = None,
    by_story: bool = False,
) -> SearchPage:
    """Hits for a query (see marsad.search.query for the language), one per duplicate group
    (`by_story`: one per story, its best article; `total` then counts stories), best first.
    Raises QueryError for a malformed query, ValueError for a bad limit/offset."""
    _checked(limit, offset)
    analyzer = analyzer or default_analyzer()
    query = parse_query(text, analyzer)
    _ready(store, analyzer)
    return _page(store, text, query, limit, offset, analyzer, by_story=by_story)


@dataclass(frozen=True, slots=True)
class FacetValue:
    value: str  # what a filter takes: an outlet, an agency, YYYY-MM-DD or YYYY-MM
    count: int  # matching duplicate groups with it


@dataclass(frozen=True, slots=True)
class Facets:
    """How a search's matches spread over outlets, agencies and dates, each counted in
    duplicate groups (as hits are), over the best `counted` of `matching` articles."""

    outlets: list[FacetValue]
    wires: list[FacetValue]
    dates: list[FacetValue]
    by_month: bool
    counted: int
    matching: int

    def to_json(self) -> dict[str, object]:
        def values(found: list[FacetValue]) -> list[dict[str, object]]:
            return [{"value": f.value, "count": f.count} for f in found]

        return {
            "outlet": values(self.outlets),
            "wire": values(self.wires),
            "date": values(self.dates),
            "date_unit": "month" if self.by_month else "day",
            "counted": self.counted,
            "matching": self.matching,
        }


def _top(groups: dict[str, set[int]], top: int | None) -> list[FacetValue]:
    ranked = sorted(groups.items(), key=lambda item: (-len(item[1]), item[0]))
    return [FacetValue(value, len(members)) for value, members in ranked[:top]]


def facets(
    store: SearchArchive,
    text: str,
    analyzer: Analyzer | None = None,
    cap: int = FACET_CAP,
    top: int = FACET_TOP,
) -> Facets:
    """The outlets, wire agencies and dates of a query's matches, each with the number of
    matching duplicate groups: a front end offers them as filters (`outlet:`, `wire:`, `date:`)."""
    analyzer = analyzer or default_analyzer()
    query = parse_query(text, analyzer)
    _ready(store, analyzer)
    matching, keys = search_index(store).matching(query, cap)
    group_of = store.groups(keys)
    outlets: dict[str, set[int]] = {}
    wires: dict[str, set[int]] = {}
    days: dict[str, set[int]] = {}
    for key, outlet, agencies, seen in store.facet_labels(keys):
        group = group_of.get(key, key)
        if outlet:
            outlets.setdefault(outlet, set()).add(group)
        for agency in agencies:
            wires.setdefault(agency, set()).add(group)
        if seen:
            days.setdefault(seen[:10], set()).add(group)
    by_month = len(days) > FACET_DAYS
    if by_month:
        months: dict[str, set[int]] = {}
        for day, members in days.items():
            months.setdefault(day[:7], set()).update(members)
        days = months
    dates = [FacetValue(value, len(members)) for value, members in sorted(days.items())]
    return Facets(_top(outlets, top), _top(wires, top), dates, by_month, len(keys), matching)


def salient_terms(
    store: SearchArchive, article_id: str, count: int = SIMILAR_TERMS, analyzer: Analyzer | None = None
) -> list[str]:
    """The article's most telling terms: frequent in it (title words count double), rare in the
    archive (tf·idf), leaving out terms so common they would match a tenth of everything."""
    source = store.search_source(article_id)
    if source is None:
        raise NotFound(f"no article with id {article_id}")
    title, body, tags, _ = analyzed(source, analyzer or default_analyzer())
    frequency = Counter(body.split())
    for term in title.split() + " ".join(tags).split():
        frequency[term] += 2
    total, documents = search_index(store).document_frequencies(list(frequency))
    # in a small archive a tenth is a handful of articles: there, only drop terms in half of them
    most = SIMILAR_MAX_SHARE * total if total >= 200 else total / 2
    scored = []
    for term, tf in frequency.items():
        df = documents.get(term, 0)
        if df and df <= most and not term.isdigit():  # numbers (1.2 مليار) say little about a story
            scored.append((tf * math.log(1 + total / df), term))
    return [term for _, term in sorted(scored, reverse=True)[:count]]


def similar(
    store: SearchArchive, article_id: str, limit: int = 10, analyzer: Analyzer | None = None
) -> SearchPage:
    """The most similar distinct articles (its own duplicate group left out), more-like-this:
    an OR query of its salient terms, ranked by BM25."""
    _checked(limit, 0)
    analyzer = analyzer or default_analyzer()
    _ready(store, analyzer)
    terms = salient_terms(store, article_id, analyzer=analyzer)
    if not terms:
        return SearchPage(f"similar:{article_id}", 0, 0, limit)
    query = Query(
        required=(Clause(tuple(Phrase((t,)) for t in terms)),), highlight=frozenset(terms), title_first=False
    )
    return _page(store, f"similar:{article_id}", query, limit, 0, analyzer, exclude_group_of=article_id)

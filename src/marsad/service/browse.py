"""Browsing the archive: groups of copies, outlets, an article's copies and how they differ,
a search's facets. Read use cases like those of `queries`, for the web app and its API.

Home lists duplicate groups (the most outlets first, then the latest) until stories (issue 12)
take that place; an outlet's page shows what it published, how much of it is wire copy and the
lines most often taken out of its articles (its template and furniture).
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass, field

from marsad.defaults import MAX_LIMIT
from marsad.model import ArticleBrief, GroupSummary, OutletSummary
from marsad.search import engine
from marsad.search.engine import Facets, NotFound
from marsad.store.base import Store

RECURRING_MIN = 2  # articles of an outlet a taken-out line must recur in to be shown
RECURRING_TOP = 20
_WORDS = re.compile(r"\S+|\s+")


def _checked(limit: int, offset: int) -> None:
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be between 1 and {MAX_LIMIT}, not {limit}")
    if offset < 0:
        raise ValueError(f"offset cannot be negative ({offset})")


def copy_groups(store: Store, limit: int = 20, offset: int = 0) -> list[GroupSummary]:
    """Duplicate groups carried by more than one page: the most outlets first, then the latest."""
    _checked(limit, offset)
    return store.copy_groups(limit, offset)


def outlets(store: Store) -> list[OutletSummary]:
    """Every outlet with what it published, the busiest first."""
    return store.outlets()


@dataclass(frozen=True, slots=True)
class OutletView:
    summary: OutletSummary
    articles: list[ArticleBrief]  # a page of them, the latest first
    recurring: list[tuple[str, int]]  # lines taken out of its articles, with how many articles

    @property
    def wire_share(self) -> float:
        """The share of its articles that are credited to a wire agency."""
        return self.summary.wire_articles / self.summary.articles if self.summary.articles else 0.0


def outlet(store: Store, name: str, limit: int = 20, offset: int = 0) -> OutletView:
    """One outlet: what it published (a page of it), its share of wire copy, and the lines most
    often taken out of its articles (learnt template lines and known furniture)."""
    _checked(limit, offset)
    found = store.outlets(name)
    if not found:
        raise NotFound(f"no outlet named {name}")
    counted: Counter[str] = Counter()
    for lines in store.outlet_boilerplate(name):
        counted.update(set(lines))
    recurring = [(line, n) for line, n in counted.most_common(RECURRING_TOP) if n >= RECURRING_MIN]
    return OutletView(found[0], store.outlet_articles(name, limit, offset), recurring)


def facets(store: Store, query: str) -> Facets:
    """A query's matches counted by outlet, wire agency and date (in duplicate groups)."""
    return engine.facets(store, query)


@dataclass(frozen=True, slots=True)
class Copies:
    """The other texts of an article's story: near copies in its duplicate group, the wire
    stories it contains and the longer pieces containing it."""

    group: list[ArticleBrief] = field(default_factory=list)
    contains: list[ArticleBrief] = field(default_factory=list)
    contained_in: list[ArticleBrief] = field(default_factory=list)

    def ids(self) -> set[str]:
        return {brief.article_id for brief in [*self.group, *self.contains, *self.contained_in]}


def copies(store: Store, article_id: str) -> Copies:
    """The other texts an article can be compared with (its exact copies are itself)."""
    members = [i for i in store.group_members(article_id) if i != article_id]
    contains, inside = store.containment_of(article_id)
    briefs = {
        record.article_id: ArticleBrief(
            record.article_id,
            record.title,
            record.lead,
            record.wire,
            record.first_seen,
            list(dict.fromkeys(ref.outlet for ref in record.pages if ref.outlet)),
        )
        for record in store.articles([*members, *contains, *inside])
    }
    return Copies(
        [briefs[i] for i in members if i in briefs],
        [briefs[i] for i in contains if i in briefs],
        [briefs[i] for i in inside if i in briefs],
    )


def text_of(store: Store, article_id: str) -> str:
    """An article's text (to compare it with another)."""
    found = list(store.articles([article_id]))
    if not found:
        raise NotFound(f"no article with id {article_id}")
    return found[0].text


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """The words of `new` against `old`, as runs of ("same" | "removed" | "added", text); the
    spaces and line breaks between words go with the words, so the runs joined (without the
    removed ones) give `new` back."""
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    runs: list[tuple[str, str]] = []

    def add(kind: str, text: str) -> None:
        if not text:
            return
        if runs and runs[-1][0] == kind:
            runs[-1] = (kind, runs[-1][1] + text)
        else:
            runs.append((kind, text))

    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            add("same", "".join(b[j1:j2]))
            continue
        add("removed", "".join(a[i1:i2]))
        add("added", "".join(b[j1:j2]))
    return runs

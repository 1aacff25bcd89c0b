"""The pages: home, search, article, story, entity, outlets, quarantine, rendered on the server (Jinja2,
every value escaped), right to left, with Arabic interface text and no script."""

from __future__ import annotations

import math
from typing import Annotated, Any
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Depends, Request
from fastapi import Query as QueryParam
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined

from marsad import service
from marsad.search.engine import Facets, SearchPage
from marsad.search.query import QueryError
from marsad.search.snippet import Snippet
from marsad.store.base import Store
from marsad.web.api import (
    ARTICLE_ID,
    MAX_QUERY_CHARS,
    ArticleId,
    EntityId,
    OutletName,
    StoryId,
    copies_json,
    store_of,
)
from marsad.web.app import kept
from marsad.web.errors import WebError

PER_PAGE = 10
MAX_PAGE = 1_000
GROUPS_PER_PAGE = 20
STORIES_ON_HOME = 10
router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)
StoreDep = Annotated[Store, Depends(store_of)]
PageNumber = Annotated[int, QueryParam(ge=1, le=MAX_PAGE)]


def marked(snippet: Snippet) -> list[tuple[str, bool]]:
    """A snippet cut into runs of (text, matched), for the template to mark the matches."""
    runs: list[tuple[str, bool]] = []
    at = 0
    for start, end in snippet.marks:
        if start > at:
            runs.append((snippet.text[at:start], False))
        runs.append((snippet.text[start:end], True))
        at = end
    if at < len(snippet.text):
        runs.append((snippet.text[at:], False))
    return runs


def moment(value: str | None) -> str:
    """An ISO time as a person reads it: date and minutes."""
    return value[:16].replace("T", " ") if value else "—"


def web_link(url: str | None) -> str | None:
    """A page's address to link to, only when it is http(s) (never javascript: or data:)."""
    return url if url and urlsplit(url).scheme in ("http", "https") else None


def with_filter(query: str, name: str, value: str) -> str:
    """The query narrowed by a filter (`outlet:x`), the value quoted when it holds a space."""
    value = value.replace('"', "")  # the query language has no escaped quote
    shown = f'"{value}"' if any(c.isspace() for c in value) else value
    return f"{query} {name}:{shown}".strip()


def percent(share: float) -> str:
    return f"{share * 100:.0f}٪"


templates = Environment(
    loader=PackageLoader("marsad.web", "templates"), autoescape=True, undefined=StrictUndefined
)
templates.filters.update(
    path=lambda value: quote(str(value), safe=""),
    q=lambda value: quote(str(value), safe=""),
    moment=moment,
    web_link=web_link,
    percent=percent,
)
templates.globals.update(marked=marked, with_filter=with_filter, max_query=MAX_QUERY_CHARS)


def render(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    context.setdefault("query", "")
    return HTMLResponse(templates.get_template(name).render(**context), status_code=status)


def pages_of(total: int, per_page: int) -> int:
    return max(1, min(MAX_PAGE, math.ceil(total / per_page)))


@router.get("/")
def home(request: Request, store: StoreDep, page: PageNumber = 1) -> HTMLResponse:
    """The stories of the moment (the latest told by several articles), then the groups of
    copies the most outlets carried, the latest first among equals."""
    offset = (page - 1) * GROUPS_PER_PAGE
    groups = kept(
        request,
        store,
        ("groups", GROUPS_PER_PAGE + 1, offset),
        lambda: service.copy_groups(store, GROUPS_PER_PAGE + 1, offset),
    )
    return render(
        "home.html",
        stats=kept(request, store, ("stats",), lambda: service.stats(store)),
        stories=service.stories(store, STORIES_ON_HOME) if page == 1 else [],
        groups=groups[:GROUPS_PER_PAGE],
        page=page,
        more=len(groups) > GROUPS_PER_PAGE,
        offset=offset,
    )


@router.get("/search")
def search(
    request: Request,
    store: StoreDep,
    q: Annotated[str, QueryParam(max_length=MAX_QUERY_CHARS)] = "",
    page: PageNumber = 1,
    stories: bool = False,
) -> HTMLResponse:
    """Results with highlighted snippets, facets and pages, one per duplicate group or one per
    story (`stories=1`); a malformed query says why."""
    query = q.strip()
    if not query:
        return render("search.html", result=None, facets=None, problem=None, page=1, pages=1, stories=stories)

    def answer() -> tuple[SearchPage, Facets]:
        offset = (page - 1) * PER_PAGE
        found = service.search(store, query, limit=PER_PAGE, offset=offset, by_story=stories)
        return found, service.facets(store, query)

    key = ("page", query, page, stories)
    try:
        result, facets = kept(request, store, key, answer)
    except QueryError as error:
        shown = {"result": None, "facets": None, "problem": str(error), "page": 1, "pages": 1}
        return render("search.html", 400, query=query, stories=stories, **shown)
    return render(
        "search.html",
        query=query,
        result=result,
        facets=facets,
        problem=None,
        page=page,
        pages=pages_of(result.total, PER_PAGE),
        stories=stories,
    )


@router.get("/article/{article_id}")
def article(
    store: StoreDep,
    article_id: ArticleId,
    diff: Annotated[str | None, QueryParam(pattern=ARTICLE_ID)] = None,
) -> HTMLResponse:
    """The article, every page and outlet that carried it, its copies (and the words that
    differ from one of them), and the similar stories."""
    found = service.article(store, article_id)
    copies = service.copies(store, article_id)
    compared = None
    if diff is not None:
        if diff not in copies.ids():
            raise WebError(404, "not_found", f"{diff} is not a copy of {article_id}")
        compared = service.word_diff(service.text_of(store, diff), found["text"])
    return render(
        "article.html",
        article=found,
        copies=copies,
        copies_json=copies_json(copies),
        similar=service.similar(store, article_id, limit=5),
        diff_with=diff,
        compared=compared,
    )


@router.get("/story/{story_id}")
def story(store: StoreDep, story_id: StoryId) -> HTMLResponse:
    """A story's timeline: its articles as they arrived, with outlets and event dates."""
    return render("story.html", story=service.story(store, story_id))


@router.get("/entity/{entity_id}")
def entity(store: StoreDep, entity_id: EntityId, page: PageNumber = 1) -> HTMLResponse:
    """An entity and the articles that mention it, the latest first."""
    found = service.entity(store, entity_id, PER_PAGE * 2, (page - 1) * PER_PAGE * 2)
    return render("entity.html", entity=found, page=page, pages=pages_of(found["articles"], PER_PAGE * 2))


@router.get("/outlets")
def outlets(request: Request, store: StoreDep) -> HTMLResponse:
    return render("outlets.html", outlets=kept(request, store, ("outlets",), lambda: service.outlets(store)))


@router.get("/outlet/{name}")
def outlet(request: Request, store: StoreDep, name: OutletName, page: PageNumber = 1) -> HTMLResponse:
    """What an outlet published, its share of wire copy, the lines taken out of its articles."""
    limit, offset = PER_PAGE * 2, (page - 1) * PER_PAGE * 2
    view = kept(
        request, store, ("outlet", name, limit, offset), lambda: service.outlet(store, name, limit, offset)
    )
    return render("outlet.html", view=view, page=page, pages=pages_of(view.summary.articles, PER_PAGE * 2))


@router.get("/quarantine")
def quarantine(store: StoreDep, page: PageNumber = 1) -> HTMLResponse:
    """What could not be read, and why."""
    records = service.quarantine(store)
    per_page = PER_PAGE * 5
    shown = records[(page - 1) * per_page : page * per_page]
    return render(
        "quarantine.html",
        records=shown,
        total=len(records),
        page=page,
        pages=pages_of(len(records), per_page),
    )

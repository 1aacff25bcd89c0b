"""The JSON API under /api/: search (with facets, and as JSONL or CSV), article, similar,
duplicate groups, stories, entities, outlets, stats, quarantine, and ingest by upload when a token is set.

Lists page with `limit` (at most `MAX_LIMIT`) and `offset`; every error has the one shape of
`marsad.web.errors`.
"""

from __future__ import annotations

import csv
import io
import secrets
import tempfile
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any, Literal

import anyio
import anyio.to_thread
import orjson
from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi import Path as PathParam
from fastapi import Query as QueryParam
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from marsad import service
from marsad.defaults import MAX_LIMIT
from marsad.enrich.port import EntityType
from marsad.search.engine import Hit
from marsad.store.base import Store
from marsad.web.app import MAX_BODY_BYTES, answers_of, kept, pool_of, searches_of, token_of, version_of
from marsad.web.errors import ERROR_RESPONSES, WebError

MAX_QUERY_CHARS = 500
MAX_OFFSET = 10_000  # deeper pages cost the index more than anyone reads
MAX_EXPORT = 1_000  # hits a search export holds
ARTICLE_ID = r"^[0-9a-f]{32}$"
UPLOAD_CHUNK = 1 << 20

router = APIRouter(prefix="/api", tags=["api"], responses=ERROR_RESPONSES)

QueryText = Annotated[
    str, QueryParam(min_length=1, max_length=MAX_QUERY_CHARS, description="The query language (see README).")
]
Limit = Annotated[int, QueryParam(ge=1, le=MAX_LIMIT)]
Offset = Annotated[int, QueryParam(ge=0, le=MAX_OFFSET)]
ArticleId = Annotated[str, PathParam(pattern=ARTICLE_ID, description="An article id (32 hex digits).")]
OutletName = Annotated[str, PathParam(min_length=1, max_length=200)]


def store_of(request: Request) -> Any:
    """A store borrowed from the pool for the length of the request."""
    with pool_of(request).store() as store:
        yield store


StoreDep = Annotated[Store, Depends(store_of)]
Json = dict[str, Any]


@router.get("/search", responses={200: {"content": {"application/json": {}}}})
async def search(
    request: Request,
    q: QueryText,
    limit: Limit = 10,
    offset: Offset = 0,
    facets: bool = False,
    by_story: bool = False,
) -> Response:
    """Hits for a query, one per duplicate group (`by_story=true`: one per story, its best
    article); `facets=true` adds the matches counted by outlet, wire agency and date. (A kept
    answer is served here, on the event loop; the rest runs in a worker thread with a store
    from the pool.)"""

    def answer(store: Store) -> bytes:
        page = service.search(store, q, limit=limit, offset=offset, by_story=by_story).to_json()
        if facets:
            page["facets"] = service.facets(store, q).to_json()
        return orjson.dumps(page)

    return await _kept(request, ("api", q, limit, offset, facets, by_story), answer)


async def _kept(request: Request, key: tuple[Any, ...], answer: Callable[[Store], bytes]) -> Response:
    """A JSON answer kept while the archive's version stays the same: served from the event
    loop when kept, otherwise made in a worker thread with a store from the pool."""
    version = await version_of(request)
    answers = answers_of(request)
    body = answers.peek(key, version)
    if body is None:

        def made() -> bytes:
            with pool_of(request).store() as store:
                return answer(store)

        body = await anyio.to_thread.run_sync(answers.get, key, version, made, limiter=searches_of(request))
    return Response(body, media_type="application/json")


def _export_hits(store: Store, q: str, limit: int) -> list[Hit]:
    hits: list[Hit] = []
    while len(hits) < limit:
        page = service.search(store, q, limit=min(MAX_LIMIT, limit - len(hits)), offset=len(hits))
        hits.extend(page.hits)
        if len(page.hits) < page.limit:
            break
    return hits


CSV_COLUMNS = ("id", "title", "score", "snippet", "outlets", "outlet_count", "pages", "first_seen")


def _cell(value: Any) -> str:
    """A CSV cell a spreadsheet shows as text: a leading = + - @ would make it a formula."""
    text = "، ".join(value) if isinstance(value, list) else "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@router.get(
    "/search/export",
    responses={200: {"content": {"application/x-ndjson": {}, "text/csv": {}}}},
)
def search_export(
    store: StoreDep,
    q: QueryText,
    format: Literal["jsonl", "csv"] = "jsonl",
    limit: Annotated[int, QueryParam(ge=1, le=MAX_EXPORT)] = 100,
) -> Response:
    """The best `limit` hits of a query as JSON Lines or CSV (UTF-8), to download."""
    hits = [hit.to_json() for hit in _export_hits(store, q, limit)]
    if format == "jsonl":
        body = b"".join(orjson.dumps(hit) + b"\n" for hit in hits)
        media, suffix = "application/x-ndjson", "jsonl"
    else:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        for hit in hits:
            writer.writerow([_cell(hit[column]) for column in CSV_COLUMNS])
        body = ("\ufeff" + out.getvalue()).encode()  # the BOM: spreadsheets then read UTF-8
        media, suffix = "text/csv; charset=utf-8", "csv"
    disposition = f'attachment; filename="marsad-search.{suffix}"'
    return Response(body, media_type=media, headers={"Content-Disposition": disposition})


def copies_json(copies: service.Copies) -> Json:
    return {
        "group": [asdict(brief) for brief in copies.group],
        "contains": [asdict(brief) for brief in copies.contains],
        "contained_in": [asdict(brief) for brief in copies.contained_in],
    }


@router.get("/articles/{article_id}")
def article(store: StoreDep, article_id: ArticleId) -> Json:
    """One article as the export shows it, with its copies (near copies in its group, and the
    articles it contains or is contained in)."""
    found = service.article(store, article_id)
    found["copies"] = copies_json(service.copies(store, article_id))
    return found


@router.get("/articles/{article_id}/similar")
def similar(store: StoreDep, article_id: ArticleId, limit: Limit = 10) -> Json:
    """The most similar other stories (its own duplicate group left out)."""
    return service.similar(store, article_id, limit=limit).to_json()


@router.get("/duplicates")
def duplicates(request: Request, store: StoreDep, limit: Limit = 20, offset: Offset = 0) -> Json:
    """Duplicate groups carried by more than one page: the most outlets first, then the latest."""
    groups = kept(
        request, store, ("groups", limit, offset), lambda: service.copy_groups(store, limit, offset)
    )
    return {"limit": limit, "offset": offset, "groups": [asdict(group) for group in groups]}


@router.get("/outlets")
def outlets(request: Request, store: StoreDep) -> Json:
    """Every outlet with its pages, articles and wire-credited articles."""
    found = kept(request, store, ("outlets",), lambda: service.outlets(store))
    return {"outlets": [asdict(summary) for summary in found]}


def outlet_json(view: service.OutletView) -> Json:
    return {
        **asdict(view.summary),
        "wire_share": round(view.wire_share, 4),
        "recurring_lines": [{"line": line, "articles": n} for line, n in view.recurring],
        "articles_page": [asdict(brief) for brief in view.articles],
    }


@router.get("/outlets/{name}")
def outlet(
    request: Request, store: StoreDep, name: OutletName, limit: Limit = 20, offset: Offset = 0
) -> Json:
    """One outlet: what it published (a page of it, latest first), its share of wire copy and
    the lines most often taken out of its articles."""
    view = kept(
        request, store, ("outlet", name, limit, offset), lambda: service.outlet(store, name, limit, offset)
    )
    return {"limit": limit, "offset": offset, **outlet_json(view)}


StoryId = Annotated[int, PathParam(ge=1, le=2**62, description="A story id.")]


@router.get("/stories")
def stories(store: StoreDep, limit: Limit = 20, offset: Offset = 0, min_articles: Limit = 2) -> Json:
    """Stories (articles that tell one event in any words), the latest and largest first."""
    return {"limit": limit, "offset": offset, "stories": service.stories(store, limit, offset, min_articles)}


@router.get("/stories/{story_id}")
def story(store: StoreDep, story_id: StoryId) -> Json:
    """One story: its articles in arrival order with outlets and event dates, and its outlets."""
    return service.story(store, story_id)


EntityId = Annotated[str, PathParam(pattern=r"^[0-9a-f]{16}$", description="An entity id (16 hex digits).")]


@router.get("/entities")
def entities(store: StoreDep, type: EntityType | None = None, limit: Limit = 20, offset: Offset = 0) -> Json:
    """Named entities (once `marsad enrich` has tagged the archive), in the most articles first."""
    return {"limit": limit, "offset": offset, "entities": service.entities(store, type, limit, offset)}


@router.get("/entities/{entity_id}")
def entity(store: StoreDep, entity_id: EntityId, limit: Limit = 20, offset: Offset = 0) -> Json:
    """One entity and the articles that mention it, the latest first."""
    return service.entity(store, entity_id, limit, offset)


@router.get("/stats", responses={200: {"content": {"application/json": {}}}})
async def stats(request: Request) -> Response:
    """What the archive holds, counted (counting is kept while the archive stays the same)."""
    return await _kept(request, ("api-stats",), lambda store: orjson.dumps(service.stats(store)))


@router.get("/quarantine")
def quarantine(store: StoreDep, limit: Limit = 20, offset: Offset = 0) -> Json:
    """Input that could not be read, with the reason."""
    records = service.quarantine(store)
    return {
        "total": len(records),
        "limit": limit,
        "offset": offset,
        "items": records[offset : offset + limit],
    }


def _authorized(request: Request) -> None:
    token = token_of(request)
    if token is None:
        raise WebError(404, "ingest_off", "ingest over HTTP is off (the server has no MARSAD_TOKEN)")
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secrets.compare_digest(given.strip().encode(), token.encode()):
        raise WebError(
            401, "unauthorized", "a valid bearer token is required", headers={"WWW-Authenticate": "Bearer"}
        )


def _safe_name(name: str | None) -> str:
    """The upload's file name without any folder part (its extension tells its format)."""
    base = Path((name or "upload.txt").replace("\\", "/")).name.strip(". ")
    return base[:120] or "upload.txt"


@router.post("/ingest", status_code=200)
async def ingest(
    request: Request,
    file: Annotated[UploadFile, File(description="A page file: text, HTML, JSON(L), gz, zip, WARC, feed.")],
    outlet: Annotated[str | None, Form(max_length=200)] = None,
) -> Json:
    """Ingest one uploaded file (only with the server's MARSAD_TOKEN as a bearer token)."""
    _authorized(request)
    address = pool_of(request).address
    with tempfile.TemporaryDirectory(prefix="marsad-upload-") as folder:
        path = Path(folder) / _safe_name(file.filename)
        size = 0
        with path.open("wb") as out:
            while chunk := await file.read(UPLOAD_CHUNK):
                size += len(chunk)
                if size > MAX_BODY_BYTES:
                    raise WebError(413, "too_large", f"upload larger than {MAX_BODY_BYTES:,} bytes")
                out.write(chunk)
        summary = await run_in_threadpool(_ingest_file, address, path, outlet)
    request.app.state.versions.expire()  # searches see the new pages at once
    return asdict(summary)


def _ingest_file(address: str, path: Path, outlet: str | None) -> Any:
    from marsad.read.options import ReadOptions

    with service.writing(address, wait=10), service.open_archive(address) as store:
        return service.ingest([str(path)], store, ReadOptions(outlet=outlet or None))

"""The FastAPI application: security headers, the one error shape, static files, the pages
(`pages.py`) and the JSON API under /api/ (`api.py`), over a pool of open archives."""

from __future__ import annotations

import base64
import hashlib
import os
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from importlib import resources
from typing import Any, TypeVar

import anyio
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from marsad.search.engine import IndexNotReady, NotFound
from marsad.search.query import QueryError
from marsad.search.tantivy_index import IndexBusy
from marsad.service import ArchiveBusy, version
from marsad.store.base import Store
from marsad.web.cache import AnswerCache, VersionClock
from marsad.web.errors import ARABIC, HTTP_CODES, WebError, log, validation_error
from marsad.web.pool import POOL_SIZE, StorePool

T = TypeVar("T")

MAX_BODY_BYTES = 50 * 1024 * 1024  # the largest request body (an upload to /api/ingest)
# Pages load nothing but this site's own style sheet and fonts, run no script, post forms only
# here, and are never framed.
CSP = (
    "default-src 'none'; style-src 'self'; font-src 'self'; img-src 'self'; form-action 'self';"
    " base-uri 'none'; frame-ancestors 'none'"
)
HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
# Swagger UI's own files (the current Swagger UI 5, which reads OpenAPI 3.1), served from the
# installed `fastapi-offline` package: /docs works on a machine with no internet (FastAPI's
# default page loads them from a CDN). Only its files are used: its app class would replace ours.
DOCS_ASSETS = "/docs-assets"


class SecurityHeaders:
    """Adds the security headers to every response; /docs gets its own policy (see `_docs`)."""

    def __init__(self, app: ASGIApp, docs_csp: str) -> None:
        self.app, self.docs_csp = app, docs_csp.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        csp = self.docs_csp if scope["path"] == "/docs" else CSP.encode()

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [
                    *message.get("headers", []),
                    *HEADERS,
                    (b"content-security-policy", csp),
                ]
            await send(message)

        await self.app(scope, receive, with_headers)


class BodyLimit:
    """Refuses a request whose declared body is larger than `limit` before reading it (an
    upload without a length is counted as it is read, by the route)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            declared = dict(scope["headers"]).get(b"content-length", b"0")
            if not declared.isdigit() or int(declared) > self.limit:
                error = WebError(413, "too_large", f"request body larger than {self.limit:,} bytes")
                if not declared.isdigit():
                    error = WebError(400, "invalid_request", "malformed Content-Length")
                await error_response(scope, error)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def is_api(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")


def error_response(scope: Scope, error: WebError) -> Response:
    """The error as JSON under /api/ (and for the OpenAPI schema), as a page elsewhere."""
    path = scope.get("path", "")
    if is_api(path) or path == "/openapi.json":
        return JSONResponse(error.body(), status_code=error.status, headers=error.headers)
    from marsad.web.pages import templates

    html = templates.get_template("error.html").render(
        error=error, arabic=ARABIC.get(error.code, ARABIC["internal"]), query=""
    )
    return HTMLResponse(html, status_code=error.status, headers=error.headers)


EXPECTED = (QueryError, NotFound, IndexNotReady, IndexBusy, ArchiveBusy)


def _as_web_error(error: Exception) -> WebError:
    """The service's exceptions as the answers they call for."""
    if isinstance(error, WebError):
        return error
    if isinstance(error, QueryError):
        return WebError(400, "bad_query", str(error))
    if isinstance(error, NotFound):
        return WebError(404, "not_found", str(error))
    if isinstance(error, IndexNotReady | IndexBusy):
        return WebError(503, "index_not_ready", str(error))
    if isinstance(error, ArchiveBusy):
        return WebError(503, "busy", str(error), headers={"Retry-After": "10"})
    if isinstance(error, RequestValidationError):
        return validation_error(list(error.errors()))
    if isinstance(error, StarletteHTTPException):
        code = HTTP_CODES.get(error.status_code, "invalid_request")
        message = str(error.detail) if error.detail else code.replace("_", " ")
        return WebError(error.status_code, code, message, headers=dict(error.headers or {}))
    log.exception("unexpected error", exc_info=error)
    return WebError(500, "internal", "unexpected server error")


def _inline_hashes(html: str) -> str:
    """CSP sources for the inline scripts of a page we did not write (Swagger UI's)."""
    scripts = re.findall(r"<script>(.*?)</script>", html, flags=re.DOTALL)
    return " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'" for s in scripts
    )


def create_app(address: str, token: str | None = None, pool_size: int = POOL_SIZE) -> FastAPI:
    """The web app over the archive at `address`. `token` turns on `POST /api/ingest` for
    requests that carry it (`Authorization: Bearer …`); without one that route is off."""
    from marsad.web import api, pages

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        app.state.pool.close()

    app = FastAPI(
        title="Marsad — مرصد",
        summary="Search and browse a deduplicated archive of Arabic news.",
        version="1",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.pool = StorePool(address, pool_size)
    app.state.token = token or None
    app.state.answers = AnswerCache()
    app.state.versions = VersionClock(lambda: app.state.pool.version())

    docs_page = bytes(
        get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="Marsad API",
            swagger_js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{DOCS_ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{DOCS_ASSETS}/favicon.png",
        ).body
    ).decode()
    docs_csp = (
        f"default-src 'none'; script-src 'self' {_inline_hashes(docs_page)}; style-src 'self';"
        " img-src 'self' data:; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'"
    )

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(docs_page)

    async def handle(request: Request, error: Exception) -> Response:
        return error_response(request.scope, _as_web_error(error))

    # the service's own exceptions are answers (4xx, 503); `Exception` is the last resort (500),
    # which Starlette answers and then re-raises for the server to log
    for kind in (*EXPECTED, StarletteHTTPException, RequestValidationError, WebError, Exception):
        app.add_exception_handler(kind, handle)
    static = resources.files("marsad.web").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    docs_assets = resources.files("fastapi_offline").joinpath("static")
    app.mount(DOCS_ASSETS, StaticFiles(directory=str(docs_assets)), name="docs-assets")
    app.include_router(api.router)
    app.include_router(pages.router)
    app.add_middleware(BodyLimit, limit=MAX_BODY_BYTES)
    app.add_middleware(SecurityHeaders, docs_csp=docs_csp)
    return app


def app_from_env() -> FastAPI:
    """The app `marsad serve --workers N` starts in each worker process (uvicorn imports a
    factory by name): the archive's address and the token come from the environment."""
    return create_app(os.environ["MARSAD_SERVE_DB"], os.environ.get("MARSAD_TOKEN"))


def pool_of(request: Request) -> StorePool:
    pool: StorePool = request.app.state.pool
    return pool


def answers_of(request: Request) -> AnswerCache:
    answers: AnswerCache = request.app.state.answers
    return answers


def kept(request: Request, store: Store, key: tuple[Any, ...], make: Callable[[], T]) -> T:
    """A read made once and kept while the archive's version stays the same: a search page, or
    one that aggregates over the whole archive (the groups of copies, the outlets, the counts:
    hundreds of milliseconds on SaudiNewsNet); pages and API routes that show the same read
    share it. (`api._kept` is its twin for answers served from the event loop.)"""
    answer: T = answers_of(request).get(key, version(store), make)
    return answer


async def version_of(request: Request) -> Any:
    """The archive's version as last read (see `VersionClock`)."""
    versions: VersionClock = request.app.state.versions
    return await versions.current()


SEARCHES_AT_ONCE = 1  # per server process


def searches_of(request: Request) -> anyio.CapacityLimiter:
    """Searches made in this process run one at a time, in arrival order: they are CPU work
    under one GIL, so running several at once only shares the core among them (processor
    sharing: a long search then slows every other, and the latency tail grows with it); in
    turn, a search waits for the queue ahead of it and nothing else. (Made on first use: a
    limiter belongs to the running event loop.)"""
    state = request.app.state
    if getattr(state, "searches", None) is None:
        state.searches = anyio.CapacityLimiter(SEARCHES_AT_ONCE)
    limiter: anyio.CapacityLimiter = state.searches
    return limiter


def token_of(request: Request) -> str | None:
    token: str | None = request.app.state.token
    return token


Json = dict[str, Any]

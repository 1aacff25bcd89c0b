"""`marsad` command line: a thin Typer shell over `marsad.service` (it parses and formats; the
service opens archives and runs every use case).

Exit codes:
  0    done (ingest: every page ingested)
  1    failed: the archive is busy (another ingest is writing it), its search index is locked by
       another process, a file cannot be read or written, or an unexpected error
  2    usage error: an unknown option or a missing argument, a malformed query, an unknown
       article id, a --db that is missing (commands that read it), is a folder, is in a folder
       that does not exist or is not a SQLite file, a Dask --scheduler that does not answer
  3    ingest: some input was quarantined (kept with its reason: `marsad quarantine` lists it)
  130  ingest interrupted (Ctrl-C): every batch written stays; the same command resumes

Every error is one line on stderr, `error: …`, naming the file it is about; an unexpected one
adds a hint that `MARSAD_DEBUG=1` shows the traceback. The heavy libraries (NumPy, tantivy,
pyarrow, Dask; the store, the search engine, the readers) are imported inside the commands that
use them, so `marsad --help` answers at once (tested: importing this module loads none of them).
"""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from marsad.defaults import BATCH_PAGES, MAX_LIMIT, NEAR_THRESHOLD

if TYPE_CHECKING:
    from typer._click.exceptions import UsageError  # Typer's own Click (the version is pinned)

    from marsad.model import IngestSummary
    from marsad.read.options import ReadOptions
    from marsad.runner import Runner
    from marsad.search.engine import SearchPage
    from marsad.store.base import Store

app = typer.Typer(
    help="Marsad (مرصد): read, segment, normalize and deduplicate syndicated Arabic news.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console(stderr=True)
T = TypeVar("T")
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_QUARANTINED = 3
EXIT_INTERRUPTED = 130  # 128 + SIGINT, what a shell reports for a command stopped by Ctrl-C
WRITER_WAIT = 10.0  # seconds an ingest waits for another one writing the same archive

DbOption = Annotated[
    str,
    typer.Option("--db", help="The archive: an SQLite file, or a postgresql://user@host:port/dbname URL."),
]
DEFAULT_DB = "marsad.db"
StoriesEncoderOption = Annotated[
    bool,
    typer.Option(
        "--stories-encoder",
        help="From now on place articles in stories with a sentence encoder too (better stories, "
        "~4x the ingest's time; kept by the archive; needs marsad[encoder]).",
    ),
]
DaskOption = Annotated[
    bool, typer.Option("--dask", help="Run the --workers on a Dask cluster started on this machine.")
]
SchedulerOption = Annotated[
    str | None,
    typer.Option(
        metavar="tcp://HOST:PORT",
        help="Run on the existing Dask cluster of this scheduler (implies --dask; its workers"
        " get the input's bytes, not its paths).",
    ),
]


def _say(label: str, style: str, message: str) -> None:
    """One line on stderr, never wrapped (a script or a person reads it whole) nor marked up
    (file names may hold brackets)."""
    one_line = " ".join(message.splitlines())
    console.print(Text.assemble((label, style), " ", one_line), soft_wrap=True, highlight=False)


def _fail(message: str, code: int = EXIT_FAILED) -> NoReturn:
    _say("error:", "red", message)
    raise typer.Exit(code)


@contextmanager
def _archive_errors() -> Iterator[None]:
    """The service's one-sentence errors as one line and an exit code: a request that was wrong
    (a --db that is a folder, not an archive) is a usage error, the rest failures."""
    from marsad.search.engine import IndexNotReady
    from marsad.search.tantivy_index import IndexBusy
    from marsad.service import ArchiveError
    from marsad.stories.encoder import EncoderMissing

    try:
        yield
    except ArchiveError as error:
        _fail(str(error), EXIT_USAGE if error.usage else EXIT_FAILED)
    except (IndexBusy, IndexNotReady, EncoderMissing) as error:
        _fail(str(error))


@contextmanager
def _open_store(db: str | Path, must_exist: bool = True) -> Iterator[Store]:
    """The archive at `db`, opened by the service; what is wrong with it ends the command with
    one line naming the file."""
    from marsad.service import open_archive

    with _archive_errors(), open_archive(db, must_exist) as store:
        yield store


def _look_up(db: str | Path, lookup: Callable[[Store], T]) -> T:
    """One thing the archive holds (an article, a story, an entity): an unknown id ends the
    command with one line and the usage exit code."""
    from marsad.search.engine import NotFound

    with _open_store(db) as store:
        try:
            return lookup(store)
        except NotFound as error:
            _fail(str(error), EXIT_USAGE)


def _shown(db: str | Path) -> str:
    """An archive's address as shown (a PostgreSQL URL without its password)."""
    from marsad.service import shown_address

    return shown_address(db)


@contextmanager
def _interruptible(stop: threading.Event) -> Iterator[None]:
    """Ctrl-C sets `stop` instead of raising, so the ingest ends after the batch in hand,
    everything before it committed; a second Ctrl-C raises KeyboardInterrupt at once (the batch
    being written rolls back)."""

    def interrupted(signum: int, frame: object) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()

    previous = signal.signal(signal.SIGINT, interrupted)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _parse_fields(fields: list[str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for item in fields:
        key, sep, value = item.partition("=")
        if not sep or key not in {"text", "title", "url", "published", "fetched", "outlet", "byline"}:
            raise typer.BadParameter(
                f"{item!r}: expected KEY=FIELD with KEY one of text, title, url, published, fetched,"
                " outlet, byline",
                param_hint="--field",
            )
        mapping[key] = value
    return mapping


def _run_ingest(
    paths: list[str],
    db: str | Path,
    options: ReadOptions,
    batch_pages: int = BATCH_PAGES,
    workers: int = 1,
    near_threshold: float | None = NEAR_THRESHOLD,
    search: bool = True,
    wait: float = WRITER_WAIT,
    dask: bool = False,
    scheduler: str | None = None,
    stories: bool = True,
    entities: bool = False,
    story_encoder: bool = False,
) -> tuple[IngestSummary, list[str]]:
    """Ingest under the archive's writer lock, with a progress line; returns the summary and
    the files the directory walks skipped. Ctrl-C ends it with one line and exit 130."""
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from marsad import service
    from marsad.dedup.near import Thresholds
    from marsad.model import IngestSummary

    columns = (
        SpinnerColumn(),
        TextColumn("[bold]ingesting[/bold]"),
        BarColumn(),
        TextColumn("{task.fields[status]}"),
        TimeElapsedColumn(),
    )
    near = None if near_threshold is None else Thresholds(near=near_threshold)
    skipped: list[str] = []
    latest = IngestSummary()
    summary: IngestSummary | None = None
    stop = threading.Event()
    with _archive_errors():
        service.check_address(db, must_exist=False)
    try:
        with (
            closing(_start_runner(workers, dask, scheduler)) as runner,  # first: no worker inherits the lock
            _archive_errors(),
            service.writing(db, wait),
            _interruptible(stop),
            _open_store(db, must_exist=False) as store,
            Progress(*columns, console=console, transient=True, disable=not console.is_terminal) as progress,
        ):
            task = progress.add_task("ingest", total=None, status="")

            def report(done: IngestSummary) -> None:
                nonlocal latest
                latest = done
                status = f"{done.pages_read} pages, {done.articles_new} new articles"
                progress.update(task, status=status + (" (stopping…)" if stop.is_set() else ""))

            summary = service.ingest(
                paths,
                store,
                options,
                batch_pages=batch_pages,
                progress=report,
                runner=runner,
                near=near,
                search=search,
                stop=stop.is_set,
                skipped=skipped.append,
                stories=stories,
                entities=entities,
                story_encoder=story_encoder,
            )
    except KeyboardInterrupt:
        pass  # Ctrl-C before the ingest began, or a second one: what was being written rolled back
    if summary is None or stop.is_set():
        stored = (summary or latest).pages_new
        _say("interrupted:", "yellow", f"{stored:,} new pages stored; run the same command again to resume")
        raise typer.Exit(EXIT_INTERRUPTED)
    return summary, skipped


def _start_runner(workers: int, dask: bool, scheduler: str | None) -> Runner:
    """The runner asked for; a Dask scheduler that cannot be reached is a usage error."""
    from marsad.runner import ClusterError, make_runner

    try:
        return make_runner(workers, dask, scheduler)
    except ClusterError as error:
        _fail(str(error), EXIT_USAGE)


def _skipped_line(skipped: list[str]) -> str:
    """How many files the directory walks left out, by extension, in one line."""
    from collections import Counter

    kinds = Counter(os.path.splitext(path)[1].lower() or "no extension" for path in skipped)
    listed = ", ".join(f"{count} {kind}" for kind, count in kinds.most_common(5))
    more = ", …" if len(kinds) > 5 else ""
    return (
        f"{len(skipped)} file{'s' if len(skipped) > 1 else ''} in folders, not of a known input type"
        f" ({listed}{more}); name a file on the command line to read it anyway"
    )


def _print_summary(summary: IngestSummary, db: str | Path, skipped: list[str]) -> None:
    table = Table(title=f"ingest → {_shown(db)}", show_header=False)
    for label, value in [
        ("pages read", summary.pages_read),
        ("pages new", summary.pages_new),
        ("pages already stored", summary.pages_already_stored),
        ("articles found", summary.articles_seen),
        ("distinct new articles", summary.articles_new),
        ("exact duplicates", summary.exact_duplicates),
        ("near-duplicate links", summary.near_links),
        ("articles placed in stories", summary.articles_clustered),
        ("articles tagged with entities", summary.articles_tagged),
        ("quarantined", summary.quarantined),
    ]:
        table.add_row(label, str(value))
    Console().print(table)
    if skipped:
        _say("skipped:", "yellow", _skipped_line(skipped))
    for problem in summary.problems[:50]:
        _say("quarantined:", "yellow", problem)
    if len(summary.problems) > 50:
        console.print(f"… and {len(summary.problems) - 50} more (see `marsad quarantine`)")


@app.command()
def ingest(
    paths: Annotated[list[str], typer.Argument(help="Files, directories, globs or feed URLs.")],
    db: DbOption = DEFAULT_DB,
    outlet: Annotated[str | None, typer.Option(help="Outlet name for every page read.")] = None,
    field: Annotated[
        list[str] | None,
        typer.Option("--field", help="JSON field override, e.g. --field text=body (repeatable)."),
    ] = None,
    max_page_mb: Annotated[float, typer.Option(help="Pages larger than this are quarantined.")] = 20.0,
    batch_pages: Annotated[
        int, typer.Option(min=1, help="Pages per transaction (commit interval).")
    ] = BATCH_PAGES,
    workers: Annotated[
        int, typer.Option(min=1, help="Processes that read and segment pages (default: all cores).")
    ] = (os.cpu_count() or 1),
    dask: DaskOption = False,
    scheduler: SchedulerOption = None,
    near_threshold: Annotated[
        float,
        typer.Option(min=0.5, max=1.0, help="Jaccard at or above which two articles are near-duplicates."),
    ] = NEAR_THRESHOLD,
    no_near: Annotated[bool, typer.Option("--no-near", help="Skip near-duplicate detection.")] = False,
    no_search: Annotated[
        bool, typer.Option("--no-search", help="Leave search indexing to `marsad reindex`.")
    ] = False,
    no_stories: Annotated[
        bool, typer.Option("--no-stories", help="Leave placing articles in stories to `marsad reindex`.")
    ] = False,
    stories_encoder: StoriesEncoderOption = False,
    entities: Annotated[
        bool,
        typer.Option(
            "--entities", help="Also tag named entities (else `marsad enrich`: ~100 articles/s/core)."
        ),
    ] = False,
    wait: Annotated[
        float, typer.Option(min=0, help="Seconds to wait while another ingest writes the same archive.")
    ] = WRITER_WAIT,
) -> None:
    """Read pages, segment them into articles, deduplicate (exact and near), and store them.

    Files in directories are read when their extension is an input type (.txt .html .htm .json
    .jsonl .gz .zip .warc .xml .rss .atom …); files named on the command line always are."""
    from marsad.read.options import ReadOptions

    options = ReadOptions(
        outlet=outlet, fields=_parse_fields(field or []), max_page_bytes=int(max_page_mb * 1024 * 1024)
    )
    threshold = None if no_near else near_threshold
    summary, skipped = _run_ingest(
        paths,
        db,
        options,
        batch_pages,
        workers,
        threshold,
        not no_search,
        wait,
        dask,
        scheduler,
        not no_stories,
        entities,
        stories_encoder,
    )
    _print_summary(summary, db, skipped)
    if summary.quarantined:
        raise typer.Exit(EXIT_QUARANTINED)


def _check_format(fmt: str, out: Path | None) -> None:
    if fmt not in {"jsonl", "parquet"}:
        raise typer.BadParameter(f"unknown format {fmt!r}: use jsonl or parquet", param_hint="--format")
    if fmt == "parquet" and out is None:
        raise typer.BadParameter("parquet needs --out FILE", param_hint="--out")


def _write_objects(objects: Iterator[dict[str, Any]], fmt: str, out: Path | None, kind: str) -> int:
    """JSONL to a file or stdout, or Parquet to a file; the format was checked by `_check_format`."""
    from marsad import export as exporting

    if fmt == "parquet":
        assert out is not None
        return exporting.write_parquet(objects, out, kind)
    if out is None:
        count = exporting.write_jsonl(objects, sys.stdout.buffer)
        sys.stdout.buffer.flush()
        return count
    with out.open("wb") as handle:
        return exporting.write_jsonl(objects, handle)


@app.command("export")
def export_command(
    db: DbOption = DEFAULT_DB,
    fmt: Annotated[str, typer.Option("--format", help="jsonl or parquet.")] = "jsonl",
    out: Annotated[Path | None, typer.Option(help="Output file (default: stdout for jsonl).")] = None,
    pages: Annotated[
        bool, typer.Option("--pages", help="One object per page instead of per article.")
    ] = False,
) -> None:
    """Export the deduplicated corpus, one object per distinct article (or per page)."""
    from marsad import service

    _check_format(fmt, out)
    with _open_store(db) as store:
        objects = service.pages(store) if pages else service.articles(store)
        count = _write_objects(objects, fmt, out, "pages" if pages else "articles")
    console.print(f"exported {count} {'pages' if pages else 'articles'}")


JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _print_json(value: object) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=1) + "\n")


@app.command()
def duplicates(
    db: DbOption = DEFAULT_DB,
    fmt: Annotated[str, typer.Option("--format", help="jsonl or parquet.")] = "jsonl",
    out: Annotated[Path | None, typer.Option(help="Output file (default: stdout for jsonl).")] = None,
) -> None:
    """Duplicate groups: one object per group, its canonical article and every member page."""
    from marsad import service

    _check_format(fmt, out)
    with _open_store(db) as store:
        count = _write_objects(service.duplicates(store), fmt, out, "groups")
    console.print(f"{count} duplicate groups")


@app.command()
def stats(db: DbOption = DEFAULT_DB, as_json: JsonOption = False) -> None:
    """Counts of what the database holds."""
    from marsad import service

    with _open_store(db) as store:
        counts = service.stats(store)
    if as_json:
        _print_json(counts)
        return
    table = Table(title=_shown(db), show_header=False)
    for key, value in counts.items():
        table.add_row(key.replace("_", " "), "none" if value is None else str(value))
    Console().print(table)


@app.command()
def quarantine(db: DbOption = DEFAULT_DB, as_json: JsonOption = False) -> None:
    """Input that could not be read or parsed, with the reason (raw bytes are kept in the database)."""
    from marsad import service

    with _open_store(db) as store:
        records = service.quarantine(store)
    if as_json:
        _print_json(records)
        return
    table = Table("source", "reason", "bytes", "when", title=f"quarantine: {len(records)}")
    for record in records:
        table.add_row(record["source"], record["reason"], str(record["size"]), record["quarantined_at"])
    Console().print(table)


@app.command()
def demo(
    keep: Annotated[Path | None, typer.Option(help="Keep the demo database at this path.")] = None,
    serve_it: Annotated[
        bool, typer.Option("--serve", help="End by serving the archive in the browser (until Ctrl-C).")
    ] = False,
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port to serve on (with --serve).")] = 8000,
) -> None:
    """Ingest the bundled sample corpus into a temporary database and show what Marsad found
    (`--serve`: then browse it at http://127.0.0.1:8000/)."""
    import tempfile
    from importlib import resources

    from marsad import service
    from marsad.read.options import ReadOptions
    from marsad.store.sqlite import copy_archive

    sample = resources.files("marsad.sample").joinpath("pages")
    with tempfile.TemporaryDirectory(prefix="marsad-demo-") as tmp, resources.as_file(sample) as folder:
        db = Path(tmp) / "demo.db"
        # (the sample is small: its named entities are tagged at once, `ingest --entities`)
        summary, skipped = _run_ingest([str(folder)], db, ReadOptions(), entities=True)
        _print_summary(summary, db, skipped)
        with _open_store(db) as store:
            _print_syndication(store)
            # spelling and clitic variants of words the sample's water-fund story uses
            console.print(f"\n[bold]marsad search[/bold] {DEMO_QUERY!r}  (written unlike any page)")
            found = service.search(store, DEMO_QUERY, limit=3)
            _print_hits(found, as_json=False)
            if found.hits:
                console.print(f"[bold]marsad similar[/bold] {found.hits[0].article_id}")
                _print_hits(service.similar(store, found.hits[0].article_id, limit=3), as_json=False)
        if keep:
            copy_archive(db, keep)
            console.print(f"demo database kept at {keep}")
        if serve_it:
            serve(str(db), port=port)
        elif keep:
            console.print(f"browse it: marsad serve --db {keep}  (then open http://127.0.0.1:8000/)")
        else:
            console.print("to browse it: marsad demo --serve  (or keep it: marsad demo --keep demo.db)")


DEMO_QUERY = "ومسقط بتحليه المياه"
LimitOption = Annotated[int, typer.Option("--limit", min=1, max=MAX_LIMIT, help="Hits per page.")]


def _print_hits(page: SearchPage, as_json: bool) -> None:
    if as_json:
        _print_json(page.to_json())
        return
    shown = f"{page.offset + 1}–{page.offset + len(page.hits)}" if page.hits else "none"
    title = f"{page.query}: {page.total} hits ({shown} shown)"
    table = Table("#", "article", "outlets", "score", title=title)
    for rank, hit in enumerate(page.hits, page.offset + 1):
        cell = Text()
        if hit.title:
            cell.append(hit.title + "\n", style="bold")
        start = len(cell)
        cell.append(hit.snippet.text)
        for begin, end in hit.snippet.marks:
            cell.stylize("bold yellow", start + begin, start + end)
        cell.append(
            "\n" + hit.article_id + (f"  story {hit.story}" if hit.story is not None else ""), style="dim"
        )
        outlets = f"{len(hit.outlets)}: " + "، ".join(hit.outlets[:3]) + ("…" if len(hit.outlets) > 3 else "")
        table.add_row(str(rank), cell, outlets, f"{hit.score:.2f}")
    Console().print(table)


def _note_unindexed(page: SearchPage) -> None:
    """Searches only read the index: say when it does not hold every article yet."""
    if page.unindexed:
        _say(
            "note:",
            "yellow",
            f"{page.unindexed:,} articles are not in the search index yet: run `marsad reindex`",
        )


@app.command("search")
def search_command(
    query: Annotated[
        str,
        typer.Argument(
            help='Words, "phrases", -excluded, OR, outlet: wire: tag: date:'
            " (a query that starts with - goes after --)"
        ),
    ],
    db: DbOption = DEFAULT_DB,
    limit: LimitOption = 10,
    page: Annotated[int, typer.Option("--page", min=1, help="Which page of hits.")] = 1,
    by_story: Annotated[
        bool, typer.Option("--by-story", help="One hit per story, not per duplicate group.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Search the archive: one hit per duplicate group, with every spelling and clitic form matched."""
    from marsad import service
    from marsad.search.query import QueryError

    with _open_store(db) as store:
        try:
            result = service.search(store, query, limit=limit, offset=(page - 1) * limit, by_story=by_story)
        except QueryError as error:
            _fail(str(error), EXIT_USAGE)
    _note_unindexed(result)
    _print_hits(result, as_json)


@app.command()
def similar(
    article_id: Annotated[str, typer.Argument(help="Article id (from search, export or duplicates).")],
    db: DbOption = DEFAULT_DB,
    limit: LimitOption = 10,
    as_json: JsonOption = False,
) -> None:
    """Articles most like this one (more-like-this on its salient terms), its own copies left out."""
    from marsad import service

    result = _look_up(db, lambda store: service.similar(store, article_id, limit=limit))
    _note_unindexed(result)
    _print_hits(result, as_json)


@app.command()
def article(
    article_id: Annotated[str, typer.Argument(help="Article id (from search, export or duplicates).")],
    db: DbOption = DEFAULT_DB,
    as_json: JsonOption = False,
) -> None:
    """One article: its text and fields, every page that carried it, its copies and containment."""
    from marsad import service

    found = _look_up(db, lambda store: service.article(store, article_id))
    if as_json:
        _print_json(found)
        return
    console_out = Console()
    console_out.print(Text(found["title"] or "(no title)", style="bold"))
    for label in ("dateline", "wire", "publisher", "tags", "authors"):
        value = found[label]
        if value:
            shown = "، ".join(value) if isinstance(value, list) else str(value)
            console_out.print(Text.assemble((f"{label}: ", "dim"), shown))
    console_out.print(found["text"])
    console_out.print(Text(f"pages ({found['duplicates']} in its group):", style="dim"))
    for ref in found["pages"]:
        console_out.print(f"  {ref['outlet'] or '?'}  {ref['source']}")


@app.command()
def serve(
    db: DbOption = DEFAULT_DB,
    host: Annotated[
        str, typer.Option(help="Address to listen on (loopback by default: nothing outside this machine).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Server processes (each opens the archive).")] = 1,
) -> None:
    """Serve the web app and its JSON API (OpenAPI at /docs) over an archive. `POST /api/ingest`
    is on only when the environment sets MARSAD_TOKEN (requests must carry it as a bearer token)."""
    import uvicorn

    from marsad.service import check_address

    with _archive_errors():
        check_address(db)
    console.print(f"serving {_shown(db)} at http://{host}:{port}/ (API docs: /docs); Ctrl-C stops")
    if workers == 1:
        from marsad.web import create_app

        with _archive_errors():
            web_app = create_app(str(db), os.environ.get("MARSAD_TOKEN"))
        uvicorn.run(web_app, host=host, port=port, log_level="warning", server_header=False)
        return
    os.environ["MARSAD_SERVE_DB"] = str(db)  # each worker process builds the app from it
    uvicorn.run(
        "marsad.web.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        server_header=False,
    )


@app.command()
def reindex(
    db: DbOption = DEFAULT_DB,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Rebuild the whole index.")] = False,
    stories_encoder: StoriesEncoderOption = False,
) -> None:
    """Bring the search index up to date with the archive (searches only read it)."""
    from marsad import service

    with _open_store(db) as store:
        done = service.reindex(store, rebuild=rebuild)
        if stories_encoder:
            service.use_story_encoder(store)
        clustered = service.update_stories(store)
    console.print(f"indexed {done:,} articles; placed {clustered:,} in stories")


@app.command("stories")
def stories_command(
    db: DbOption = DEFAULT_DB,
    limit: Annotated[int, typer.Option(min=1, max=100, help="Stories to show.")] = 20,
    offset: Annotated[int, typer.Option(min=0, help="Stories to skip.")] = 0,
    min_articles: Annotated[
        int, typer.Option(min=1, help="Only stories of at least this many articles.")
    ] = 2,
    as_json: JsonOption = False,
) -> None:
    """Stories: articles that tell one event in any words, the latest and largest first."""
    from marsad import service

    with _open_store(db) as store:
        found = service.stories(store, limit, offset, min_articles)
    if as_json:
        _print_json(found)
        return
    table = Table("id", "articles", "days", "title", title=f"stories: {_shown(db)}")
    for item in found:
        days = (
            item["first_day"]
            if item["first_day"] == item["last_day"]
            else f"{item['first_day']} → {item['last_day']}"
        )
        table.add_row(str(item["id"]), str(item["articles"]), days, item["title"] or "")
    Console().print(table)


@app.command()
def enrich(
    db: DbOption = DEFAULT_DB,
    workers: Annotated[int, typer.Option(min=1, help="Processes that tag articles (default: all cores).")] = (
        os.cpu_count() or 1
    ),
    dask: DaskOption = False,
    scheduler: SchedulerOption = None,
    again: Annotated[
        bool, typer.Option("--again", help="Tag every article anew (after train-ner or an upgrade).")
    ] = False,
) -> None:
    """Tag named entities in every article not tagged yet (about 100 articles a second per
    core: a step of its own, not part of the default ingest)."""
    from marsad import service

    with closing(_start_runner(workers, dask, scheduler)) as runner, _open_store(db) as store:
        done = service.update_entities(store, runner=runner, again=again)
    console.print(f"tagged {done:,} articles")


@app.command("entities")
def entities_command(
    db: DbOption = DEFAULT_DB,
    kind: Annotated[str | None, typer.Option("--type", help="PERS, ORG, LOC or MISC.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=100, help="Entities to show.")] = 20,
    offset: Annotated[int, typer.Option(min=0, help="Entities to skip.")] = 0,
    as_json: JsonOption = False,
) -> None:
    """Named entities (after `marsad enrich`), those in the most articles first."""
    from marsad import service

    with _open_store(db) as store:
        try:
            found = service.entities(store, kind, limit, offset)
        except ValueError as error:
            raise typer.BadParameter(str(error), param_hint="--type") from None
    if as_json:
        _print_json(found)
        return
    table = Table("id", "type", "articles", "name", title=f"entities: {_shown(db)}")
    for item in found:
        table.add_row(item["id"], item["type"], str(item["articles"]), item["name"])
    Console().print(table)


@app.command("entity")
def entity_command(
    entity_id: Annotated[str, typer.Argument(help="An entity id (from `marsad entities`).")],
    db: DbOption = DEFAULT_DB,
    limit: Annotated[int, typer.Option(min=1, max=100, help="Articles to show.")] = 20,
    as_json: JsonOption = False,
) -> None:
    """One entity and the articles that mention it, the latest first."""
    from marsad import service

    found = _look_up(db, lambda store: service.entity(store, entity_id, limit))
    if as_json:
        _print_json(found)
        return
    table = Table(
        "article", "title", title=f"{found['name']} ({found['type']}): {found['articles']} articles"
    )
    for member in found["members"]:
        table.add_row(member["id"], member["title"] or "")
    Console().print(table)


@app.command("story")
def story_command(
    story_id: Annotated[int, typer.Argument(help="A story id (from `marsad stories`).")],
    db: DbOption = DEFAULT_DB,
    as_json: JsonOption = False,
) -> None:
    """One story: its articles in the order they arrived, with outlets and event dates."""
    from marsad import service

    found = _look_up(db, lambda store: service.story(store, story_id))
    if as_json:
        _print_json(found)
        return
    table = Table("event date", "first seen", "outlets", "title", title=f"story {story_id}: {found['title']}")
    for member in found["members"]:
        table.add_row(
            member["event_date"] or "",
            (member["first_seen"] or "")[:16],
            ", ".join(member["outlets"]),
            member["title"] or "",
        )
    Console().print(table)


@app.command()
def migrate(
    source: Annotated[str, typer.Option("--from", help="The archive to copy (a file or a URL).")],
    target: Annotated[str, typer.Option("--to", help="An empty archive to copy it into.")],
    as_json: JsonOption = False,
) -> None:
    """Move an archive to another store (a file to PostgreSQL, or back) without loss: every
    table's rows and checksum are compared on both sides."""
    from marsad import service

    with _archive_errors():
        moved = service.migrate(source, target)
    if as_json:
        _print_json([dataclasses.asdict(m) for m in moved])
        return
    table = Table("table", "rows", "checksum", "same", title=f"{_shown(source)} → {_shown(target)}")
    for m in moved:
        table.add_row(m.table, f"{m.rows:,}", m.checksum, "yes" if m.same else "NO")
    Console().print(table)


@app.command("train-ner")
def train_ner(
    data: Annotated[
        Path,
        typer.Option(help="Folder with train.txt (and test.txt, scored when present), `token TAG` lines."),
    ] = Path("../shared/data/anercorp"),
    out: Annotated[
        Path | None,
        typer.Option(help="Model file to write (default: the one the package ships and tags with)."),
    ] = None,
) -> None:
    """Train the named-entity tagger (a CRF) on DATA/train.txt and score it on DATA/test.txt."""
    from marsad.enrich.port import ENTITY_TYPES
    from marsad.enrich.tagger import shipped_model_path
    from marsad.enrich.train import CorpusStats, read_conll, train_and_write

    train_file = data / "train.txt"
    if not train_file.is_file():
        _fail(f"{train_file}: no training file (token TAG lines, a blank line between sentences)", EXIT_USAGE)
    stats = CorpusStats()
    read_conll(train_file, stats)
    console.print(
        f"training on {stats.sentences:,} sentences, {stats.tokens:,} tokens"
        + (f" ({stats.malformed} malformed lines read as O)" if stats.malformed else "")
    )
    target = out or shipped_model_path()
    written, result = train_and_write(data, target)
    console.print(f"wrote {written} ({written.stat().st_size / 1e6:.1f} MB)")
    if not result.gold:
        return
    table = Table(
        "type", "precision", "recall", "F1", "entities", title=f"{data / 'test.txt'} (CoNLL, entity level)"
    )
    for kind in (*ENTITY_TYPES, None):
        precision, recall, f1 = result.prf(kind)
        gold = result.gold[kind] if kind else sum(result.gold.values())
        table.add_row(kind or "micro", f"{precision:.3f}", f"{recall:.3f}", f"{f1:.3f}", f"{gold:,}")
    Console().print(table)


def _print_syndication(store: Store) -> None:
    table = Table("article", "outlets", "wire", "copies", title="most syndicated articles")
    records = sorted(store.articles(), key=lambda r: len(r.pages), reverse=True)
    for record in records[:10]:
        outlets = sorted({ref.outlet or "?" for ref in record.pages})
        title = record.title or record.text[:60] + "…"
        table.add_row(title, "، ".join(outlets), ", ".join(record.wire), str(len(record.pages)))
    Console().print(table)


def _usage_error(error: UsageError) -> str:
    """A usage error in one line; a query that starts with "-", taken for an option (`-outlet:x`
    reads as the options -o -u -t…), says where it goes."""
    from typer._click.exceptions import NoSuchOption

    ctx = error.ctx
    if ctx is None:
        return error.format_message()
    message = f"{ctx.command_path}: {error.format_message()}"
    short = isinstance(error, NoSuchOption) and not error.option_name.startswith("--")
    if short and any(param.name == "query" for param in ctx.command.params):
        return (
            f"{message} (a query that starts with '-' goes after '--': {ctx.command_path} [OPTIONS] -- QUERY)"
        )
    return f"{message} (see {ctx.command_path} --help)"


def main(args: list[str] | None = None) -> None:
    """The console entry point. The commands run with Typer's standalone mode off so that every
    way out is decided here: usage errors and failures as one line each, any unexpected
    exception as one line with a hint (MARSAD_DEBUG=1 lets it through with its traceback)."""
    from typer._click.exceptions import NoArgsIsHelpError, UsageError
    from typer.main import get_command

    try:
        code = get_command(app).main(args, prog_name="marsad", standalone_mode=False)
    except NoArgsIsHelpError:
        code = EXIT_USAGE  # the help was printed
    except UsageError as error:
        _say("error:", "red", _usage_error(error))
        code = EXIT_USAGE
    except typer.TyperException as error:  # Click's other errors (a file it could not open…)
        _say("error:", "red", error.format_message())
        code = error.exit_code
    except typer.Abort:
        _say("error:", "red", "aborted")
        code = EXIT_FAILED
    except Exception as error:
        if os.environ.get("MARSAD_DEBUG"):
            raise
        if isinstance(error, OSError) and error.filename is not None:
            _say("error:", "red", f"{error.filename}: {error.strerror or error}")
        else:
            hint = "set MARSAD_DEBUG=1 to see the traceback"
            _say("error:", "red", f"{type(error).__name__}: {error} ({hint})")
        code = EXIT_FAILED
    sys.exit(code if isinstance(code, int) else 0)

"""`marsad` command line: a thin Typer shell over `marsad.service`.

Exit codes: 0 all input ingested, 3 some input quarantined, 2 usage errors (Typer's default).
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from marsad import export as exporting
from marsad import service
from marsad.dedup.groups import build_groups, group_sizes
from marsad.dedup.near import NEAR_THRESHOLD, Thresholds
from marsad.model import IngestSummary
from marsad.read import ReadOptions
from marsad.runner import make_runner
from marsad.search import engine
from marsad.search.analyzer import default_analyzer
from marsad.search.index import backlog, search_index
from marsad.search.query import QueryError
from marsad.search.tantivy_index import IndexBusy
from marsad.store.sqlite import SqliteStore, copy_archive

app = typer.Typer(
    help="Marsad (مرصد): read, segment, normalize and deduplicate syndicated Arabic news.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console(stderr=True)
EXIT_QUARANTINED = 3

DbOption = Annotated[Path, typer.Option("--db", help="SQLite database file.")]
DEFAULT_DB = Path("marsad.db")


@contextmanager
def _open_store(db: Path, must_exist: bool = True) -> Iterator[SqliteStore]:
    if must_exist and not db.exists():
        console.print(f"[red]error:[/red] database {db} does not exist (run `marsad ingest` first)")
        raise typer.Exit(2)
    store = SqliteStore(db)
    try:
        yield store
    finally:
        store.close()


def _parse_fields(fields: list[str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for item in fields:
        key, sep, value = item.partition("=")
        if not sep or key not in {"text", "title", "url", "published", "fetched", "outlet"}:
            raise typer.BadParameter(
                f"{item!r}: expected KEY=FIELD with KEY one of text, title, url, published, fetched, outlet",
                param_hint="--field",
            )
        mapping[key] = value
    return mapping


def _run_ingest(
    paths: list[str],
    db: Path,
    options: ReadOptions,
    batch_pages: int = service.BATCH_PAGES,
    workers: int = 1,
    near: Thresholds | None = service.DEFAULT_NEAR,
    search: bool = True,
) -> IngestSummary:
    columns = (
        SpinnerColumn(),
        TextColumn("[bold]ingesting[/bold]"),
        BarColumn(),
        TextColumn("{task.fields[status]}"),
        TimeElapsedColumn(),
    )
    with (
        _open_store(db, must_exist=False) as store,
        Progress(*columns, console=console, transient=True) as progress,
    ):
        task = progress.add_task("ingest", total=None, status="")

        def report(summary: IngestSummary) -> None:
            progress.update(task, status=f"{summary.pages_read} pages, {summary.articles_new} new articles")

        runner = make_runner(workers)
        try:
            return service.ingest(
                paths,
                store,
                options,
                batch_pages=batch_pages,
                progress=report,
                runner=runner,
                near=near,
                search=search,
            )
        finally:
            runner.close()


def _print_summary(summary: IngestSummary, db: Path) -> None:
    table = Table(title=f"ingest → {db}", show_header=False)
    for label, value in [
        ("pages read", summary.pages_read),
        ("pages new", summary.pages_new),
        ("pages already stored", summary.pages_already_stored),
        ("articles found", summary.articles_seen),
        ("distinct new articles", summary.articles_new),
        ("exact duplicates", summary.exact_duplicates),
        ("near-duplicate links", summary.near_links),
        ("quarantined", summary.quarantined),
    ]:
        table.add_row(label, str(value))
    Console().print(table)
    for problem in summary.problems[:50]:
        console.print(f"[yellow]quarantined:[/yellow] {problem}", highlight=False, soft_wrap=True)
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
    batch_pages: Annotated[int, typer.Option(min=1, help="Pages per transaction (commit interval).")] = (
        service.BATCH_PAGES
    ),
    workers: Annotated[
        int, typer.Option(min=1, help="Processes that read and segment pages (default: all cores).")
    ] = (os.cpu_count() or 1),
    near_threshold: Annotated[
        float,
        typer.Option(min=0.5, max=1.0, help="Jaccard at or above which two articles are near-duplicates."),
    ] = NEAR_THRESHOLD,
    no_near: Annotated[bool, typer.Option("--no-near", help="Skip near-duplicate detection.")] = False,
    no_search: Annotated[
        bool, typer.Option("--no-search", help="Leave search indexing to the first search.")
    ] = False,
) -> None:
    """Read pages, segment them into articles, deduplicate (exact and near), and store them."""
    options = ReadOptions(
        outlet=outlet, fields=_parse_fields(field or []), max_page_bytes=int(max_page_mb * 1024 * 1024)
    )
    near = None if no_near else Thresholds(near=near_threshold)
    summary = _run_ingest(paths, db, options, batch_pages, workers, near, not no_search)
    _print_summary(summary, db)
    if summary.quarantined:
        raise typer.Exit(EXIT_QUARANTINED)


def _check_format(fmt: str, out: Path | None) -> None:
    if fmt not in {"jsonl", "parquet"}:
        raise typer.BadParameter(f"unknown format {fmt!r}: use jsonl or parquet", param_hint="--format")
    if fmt == "parquet" and out is None:
        raise typer.BadParameter("parquet needs --out FILE", param_hint="--out")


def _write_objects(objects: Iterator[dict[str, Any]], fmt: str, out: Path | None, kind: str) -> int:
    """JSONL to a file or stdout, or Parquet to a file; the format was checked by `_check_format`."""
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
    _check_format(fmt, out)
    with _open_store(db) as store:
        if pages:
            objects: Iterator[dict[str, Any]] = (exporting.page_object(r) for r in store.pages())
        else:
            sizes = group_sizes(store.page_counts(), store.near_links())
            objects = (exporting.article_object(r, sizes.get(r.article_id)) for r in store.articles())
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
    _check_format(fmt, out)
    with _open_store(db) as store:
        groups = build_groups(store.articles(), store.near_links())
    count = _write_objects((exporting.group_object(g) for g in groups), fmt, out, "groups")
    console.print(f"{count} duplicate groups")


@app.command()
def stats(db: DbOption = DEFAULT_DB, as_json: JsonOption = False) -> None:
    """Counts of what the database holds."""
    with _open_store(db) as store:
        counts = store.counts()
    if as_json:
        _print_json(counts)
        return
    table = Table(title=str(db), show_header=False)
    for key, value in counts.items():
        table.add_row(key.replace("_", " "), str(value))
    Console().print(table)


@app.command()
def quarantine(db: DbOption = DEFAULT_DB, as_json: JsonOption = False) -> None:
    """Input that could not be read or parsed, with the reason (raw bytes are kept in the database)."""
    with _open_store(db) as store:
        records = list(store.quarantined())
    if as_json:
        _print_json([dataclasses.asdict(record) for record in records])
        return
    table = Table("source", "reason", "bytes", "when", title=f"quarantine: {len(records)}")
    for record in records:
        table.add_row(record.source, record.reason, str(record.size), record.quarantined_at)
    Console().print(table)


@app.command()
def demo(
    keep: Annotated[Path | None, typer.Option(help="Keep the demo database at this path.")] = None,
) -> None:
    """Ingest the bundled sample corpus into a temporary database and show what Marsad found."""
    sample = resources.files("marsad.sample").joinpath("pages")
    with tempfile.TemporaryDirectory(prefix="marsad-demo-") as tmp, resources.as_file(sample) as folder:
        db = Path(tmp) / "demo.db"
        summary = _run_ingest([str(folder)], db, ReadOptions())
        _print_summary(summary, db)
        with _open_store(db) as store:
            _print_syndication(store)
            # spelling and clitic variants of words the sample's water-fund story uses
            console.print(f"\n[bold]marsad search[/bold] {DEMO_QUERY!r}  (written unlike any page)")
            found = engine.search(store, DEMO_QUERY, limit=3)
            _print_hits(found, as_json=False)
            if found.hits:
                console.print(f"[bold]marsad similar[/bold] {found.hits[0].article_id}")
                _print_hits(engine.similar(store, found.hits[0].article_id, limit=3), as_json=False)
        if keep:
            copy_archive(db, keep)
            console.print(f"demo database kept at {keep}")


DEMO_QUERY = "ومسقط بتحليه المياه"
LimitOption = Annotated[int, typer.Option("--limit", min=1, max=engine.MAX_LIMIT, help="Hits per page.")]


def _print_hits(page: engine.SearchPage, as_json: bool) -> None:
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
        cell.append("\n" + hit.article_id, style="dim")
        outlets = f"{len(hit.outlets)}: " + "، ".join(hit.outlets[:3]) + ("…" if len(hit.outlets) > 3 else "")
        table.add_row(str(rank), cell, outlets, f"{hit.score:.2f}")
    Console().print(table)


def _announce_indexing(store: SqliteStore) -> None:
    """Say so before a search or similar first has to (re)build the index: it can take minutes."""
    analyzer = default_analyzer()
    state = search_index(store).state
    if state is not None and state.archive == store.archive_id and state.analyzer != analyzer.version:
        console.print("the search index was built by another analyzer version: rebuilding it (once)…")
    elif (waiting := backlog(store, analyzer)) > 1000:
        console.print(f"indexing {waiting} articles for search (once)…")


@app.command("search")
def search_command(
    query: Annotated[str, typer.Argument(help='Words, "phrases", -excluded, OR, outlet: wire: tag: date:')],
    db: DbOption = DEFAULT_DB,
    limit: LimitOption = 10,
    page: Annotated[int, typer.Option("--page", min=1, help="Which page of hits.")] = 1,
    as_json: JsonOption = False,
) -> None:
    """Search the archive: one hit per duplicate group, with every spelling and clitic form matched."""
    with _open_store(db) as store:
        _announce_indexing(store)
        try:
            result = engine.search(store, query, limit=limit, offset=(page - 1) * limit)
        except (QueryError, IndexBusy) as error:
            console.print(f"[red]error:[/red] {error}")
            raise typer.Exit(2) from None
    _print_hits(result, as_json)


@app.command()
def similar(
    article_id: Annotated[str, typer.Argument(help="Article id (from search, export or duplicates).")],
    db: DbOption = DEFAULT_DB,
    limit: LimitOption = 10,
    as_json: JsonOption = False,
) -> None:
    """Articles most like this one (more-like-this on its salient terms), its own copies left out."""
    with _open_store(db) as store:
        _announce_indexing(store)
        try:
            result = engine.similar(store, article_id, limit=limit)
        except (engine.NotFound, IndexBusy) as error:
            console.print(f"[red]error:[/red] {error}")
            raise typer.Exit(2) from None
    _print_hits(result, as_json)


def _print_syndication(store: SqliteStore) -> None:
    table = Table("article", "outlets", "wire", "copies", title="most syndicated articles")
    records = sorted(store.articles(), key=lambda r: len(r.pages), reverse=True)
    for record in records[:10]:
        outlets = sorted({ref.outlet or "?" for ref in record.pages})
        title = record.title or record.text[:60] + "…"
        table.add_row(title, "، ".join(outlets), ", ".join(record.wire), str(len(record.pages)))
    Console().print(table)


def main() -> None:  # pragma: no cover - console entry point
    app()

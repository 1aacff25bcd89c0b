"""The ingest use case: the stages chained over a store.

Ingest streams pages in
batches: read → skip pages already stored → segment and compute exact ids (on a runner) → one
store transaction per batch.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from marsad.dedup.exact import article_ids
from marsad.dedup.linking import link_near_duplicates
from marsad.dedup.near import Thresholds
from marsad.defaults import BATCH_PAGES
from marsad.model import Article, IngestSummary, Page, ReadFailure, SegmentedPage, as_tuple, from_tuple
from marsad.read import ReadOptions
from marsad.read.common import Item
from marsad.read.units import Unit, load, plan, read_units
from marsad.runner import InlineRunner, Runner
from marsad.search.analyzer import Analyzer, default_analyzer
from marsad.search.index import PreparedRow, index_articles, indexing, prepare_row
from marsad.segment import Segmenter
from marsad.store.base import Occurrence, PageWrite, Presence, Store, WriteBatch, WriteResult
from marsad.stories.consumer import story_encoder_ready, update_stories, use_story_encoder

INDEX_COMMIT_ARTICLES = 50_000  # search index commits during an ingest (each one a segment to merge)
TASK_UNIT_BYTES = 8 * 1024 * 1024  # input a worker reads per task (a SaudiNewsNet day is 5.5 MB)
DEFAULT_NEAR = Thresholds()
ProgressCallback = Callable[[IngestSummary], None]


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _groups(planned: Iterable[Unit | Item], batch_pages: int) -> Iterator[list[Unit | Item]]:
    """Consecutive runs of the plan, in order: units up to TASK_UNIT_BYTES (or `batch_pages` of
    them) for a worker to read, or pages and failures read here, `batch_pages` at a time."""
    group: list[Unit | Item] = []
    size = 0
    for entry in planned:
        unit = entry if isinstance(entry, Unit) else None
        if group and (
            (unit is not None) != isinstance(group[0], Unit)
            or len(group) >= batch_pages
            or (unit is not None and size + unit.size > TASK_UNIT_BYTES)
        ):
            yield group
            group, size = [], 0
        group.append(entry)
        size += unit.size if unit is not None else 0
    if group:
        yield group


@dataclass(frozen=True, slots=True)
class SegmentTask:
    """One batch of input, self-contained so any runner (any process) can run it: pages the
    main process read (their raw bytes stay there), or units the worker reads itself (from their
    paths, or from the bytes they carry), skipping the pages `present` says are stored already
    (when the worker can open the store: see `_for_workers`)."""

    segmenter: Segmenter
    pages: tuple[Page, ...]
    ingested_at: str
    analyze: bool = False  # also make the articles' search index rows
    units: tuple[Unit, ...] = ()
    options: ReadOptions | None = None
    present: Presence | None = None


@dataclass(frozen=True, slots=True)
class Segmented:
    """What segmentation found on one page, keyed by the page's stable id."""

    page_id: str
    similar: tuple[str, ...]
    occurrences: tuple[Occurrence, ...]
    rows: dict[str, PreparedRow]  # article id → its search index row, when the task asked for it


def occurrences(
    segmented: SegmentedPage, ingested_at: str, ids: Sequence[str] | None = None
) -> tuple[Occurrence, ...]:
    """A page's articles keyed by content id (`ids`, when the caller computed them for many
    pages at once), seen at the page's own date when it has one."""
    page = segmented.page
    moment = page.published or page.fetched
    seen_at = moment.isoformat() if moment else ingested_at
    ids = ids if ids is not None else article_ids([a.text for a in segmented.articles])
    return tuple(Occurrence(i, a, seen_at) for i, a in zip(ids, segmented.articles, strict=True))


@dataclass(frozen=True, slots=True)
class TaskResult:
    """A task's segmented pages, with what a worker read itself: those pages (the new ones
    only; they cross processes without their text, which the store does not keep), its
    failures, and how many pages it read and skipped."""

    segmented: list[Segmented]
    pages: list[Page]
    failures: list[ReadFailure]
    read: int = 0
    skipped: int = 0

    def __reduce__(self) -> tuple[object, ...]:
        """Pickled flat, as tuples, and the pages without their text: a day of SaudiNewsNet
        (1,439 pages) then pickles in 21 ms instead of 34 and loads in 27 instead of 43 (11 MB
        instead of 15.6), on the worker and on the main process."""
        segmented = [
            (
                s.page_id,
                s.similar,
                [(o.article_id, as_tuple(o.article), o.seen_at) for o in s.occurrences],
                {key: as_tuple(row) for key, row in s.rows.items()},
            )
            for s in self.segmented
        ]
        cut = _PAGE_TEXT
        pages = [(*page[:cut], "", *page[cut + 1 :]) for page in map(as_tuple, self.pages)]
        return (_unflatten, (segmented, pages, self.failures, self.read, self.skipped))


_PAGE_TEXT = Page.__slots__.index("text")


def _unflatten(
    segmented: list[tuple[Any, ...]],
    pages: list[tuple[object, ...]],
    failures: list[ReadFailure],
    read: int,
    skipped: int,
) -> TaskResult:
    return TaskResult(
        [
            Segmented(
                page_id,
                similar,
                tuple(Occurrence(a, from_tuple(Article, article), seen) for a, article, seen in found),
                {key: from_tuple(PreparedRow, row) for key, row in rows.items()},
            )
            for page_id, similar, found, rows in segmented
        ],
        [from_tuple(Page, page) for page in pages],
        failures,
        read,
        skipped,
    )


def run_segment_task(task: SegmentTask) -> TaskResult:
    """Read (units), segment and compute article ids: the CPU-heavy part of ingest, run by the
    runner."""
    pages, failures, read = list(task.pages), [], 0
    if task.units:
        found: dict[str, Page] = {}
        for item in read_units(task.units, task.options or ReadOptions()):
            if isinstance(item, Page):
                found[item.page_id] = item
                read += 1
            else:
                failures.append(item)
        present = task.present(list(found)) if task.present else set()
        pages = [page for page_id, page in found.items() if page_id not in present]
    analyzer = default_analyzer() if task.analyze else None
    segmented = [task.segmenter.segment(page) for page in pages]
    ids = iter(article_ids([article.text for s in segmented for article in s.articles]))
    results = []
    for page, s in zip(pages, segmented, strict=True):
        found_here = occurrences(s, task.ingested_at, [next(ids) for _ in s.articles])
        rows = {}
        if analyzer:
            rows = {
                o.article_id: prepare_row(o.article.title, o.article.text, o.article.tags, analyzer)
                for o in found_here
            }
        results.append(Segmented(page.page_id, s.similar, found_here, rows))
    read_here = pages if task.units else []
    return TaskResult(results, read_here, failures, read, read - len(read_here))


def page_write(segmented: SegmentedPage, ingested_at: str) -> PageWrite:
    """The rows one segmented page adds to the store."""
    return PageWrite(segmented.page, segmented.similar, occurrences(segmented, ingested_at))


def _write_batch(pending: _Pending, results: list[Segmented]) -> WriteBatch:
    """Join segmentation results back to their full pages; a page with no article is quarantined."""
    batch = WriteBatch(failures=list(pending.failures))
    for result in results:
        page = pending.pages[result.page_id]
        if result.occurrences:
            batch.pages.append(PageWrite(page, result.similar, result.occurrences))
        else:
            reason = "no article text: the page holds only boilerplate or nothing readable"
            batch.failures.append(ReadFailure(page.source, reason, page.raw))
    return batch


def _write_and_link(
    store: Store,
    batch: WriteBatch,
    ingested_at: str,
    near: Thresholds | None,
    analyzer: Analyzer | None,
    rows: dict[str, PreparedRow],
    batch_pages: int,
) -> tuple[WriteResult, int]:
    """Write a batch, `batch_pages` pages a transaction, then bring the near-duplicate links and
    the search index up to date."""
    parts = iter(batch.parts(batch_pages))
    written = store.write(next(parts), ingested_at)
    for part in parts:
        written += store.write(part, ingested_at)
    links = 0
    if near:
        links, cleaned = link_near_duplicates(store, near, full_batches_only=True)
        for article_id in cleaned:
            rows.pop(article_id, None)  # its text changed: the row made from the page's is stale
    if analyzer:
        index_articles(store, analyzer, prepared=rows, commit_every=INDEX_COMMIT_ARTICLES)
    return written, links


def _account(
    summary: IngestSummary,
    future: Future[tuple[WriteResult, int]],
    batch: WriteBatch,
    progress: ProgressCallback | None,
) -> None:
    written, links = future.result()
    summary.near_links += links
    summary.pages_already_stored += len(batch.pages) - written.pages_new
    summary.pages_new += written.pages_new
    summary.articles_seen += sum(len(p.occurrences) for p in batch.pages)
    summary.articles_new += written.articles_new
    summary.exact_duplicates += written.exact_duplicates
    summary.quarantined += len(batch.failures)
    summary.problems.extend(f.message() for f in batch.failures)
    if progress:
        progress(summary)


def _for_workers(
    units: list[Unit], runner: Runner, store: Store
) -> tuple[tuple[Unit, ...], list[ReadFailure], Presence | None]:
    """What a task of units carries: the units, the failures of those that could not be loaded,
    and the store's presence check.

    Workers that share this machine's files read the units from their paths and ask the store
    (a SQLite file they open by path) which pages it holds. Other workers (a remote cluster)
    get the units' bytes, read here (reading is cheap; parsing and segmenting are the cost), and
    no presence check: a page's id is known only once the page is parsed, on the worker, so a
    check here would come after the work it is meant to save. The store's write skips the pages
    it holds and counts them as already stored, so on such a cluster a re-ingest or a resume
    gives the same archive and summary; it only segments the stored pages again.
    """
    if runner.shares_files:
        return tuple(units), [], store.presence()
    loaded = list(load(units))
    return (
        tuple(u for u in loaded if isinstance(u, Unit)),
        [f for f in loaded if isinstance(f, ReadFailure)],
        None,
    )


@dataclass(slots=True)
class _Pending:
    """Main-process side of a batch in flight: the full pages (raw bytes stay here) and failures."""

    pages: dict[str, Page]
    failures: list[ReadFailure]
    read: int
    skipped: int
    ingested_at: str


def ingest(
    paths: Iterable[str],
    store: Store,
    options: ReadOptions | None = None,
    segmenter: Segmenter | None = None,
    batch_pages: int = BATCH_PAGES,
    progress: ProgressCallback | None = None,
    runner: Runner | None = None,
    near: Thresholds | None = DEFAULT_NEAR,
    search: bool = True,
    stop: Callable[[], bool] | None = None,
    skipped: Callable[[str], None] | None = None,
    stories: bool = True,
    entities: bool = False,
    story_encoder: bool = False,
) -> IngestSummary:
    """Ingest files, directories, globs or feed URLs into the store; safe to re-run or resume.

    Files and zip members are read on the runner's workers beside the segmentation (skipping
    pages already stored), from bytes read here when the workers do not share this machine's
    files; streams (WARC, gzip, feeds) and very large files are read here. The
    store writes happen here, in order. Each batch is written in one transaction, then checked for
    near-duplicates against the whole archive (`near=None` skips that; a later run catches up)
    and added to the search index (`search=False` leaves that to `reindex`); at the end, the new
    articles are placed in stories (`stories=False` leaves that to `reindex` too) and, with
    `entities`, their named entities tagged on the runner's workers (else `marsad enrich`).
    `story_encoder` has the archive place articles in stories with the sentence encoder from now
    on (`marsad.stories.encoder`: checked before anything is read, kept by the archive).

    `stop` is asked after each batch: when it says so (Ctrl-C), the ingest ends once that batch
    is written, leaving the rest, and the near-duplicate check of the last articles, to a re-run.
    `skipped` hears of every file a directory walk left out (not a known input type).
    """
    if story_encoder:
        use_story_encoder(store)
    elif stories:
        story_encoder_ready(store)
    analyzer = default_analyzer() if search else None
    segmenter = segmenter or Segmenter()
    runner = runner or InlineRunner()
    summary = IngestSummary()
    in_flight: deque[_Pending] = deque()

    def tasks() -> Iterator[SegmentTask]:
        for group in _groups(plan(paths, options, skipped), batch_pages):
            ingested_at = now_iso()
            if isinstance(group[0], Unit):  # read by the worker
                units = [u for u in group if isinstance(u, Unit)]
                carried, unread, presence = _for_workers(units, runner, store)
                in_flight.append(_Pending({}, unread, 0, 0, ingested_at))
                yield SegmentTask(segmenter, (), ingested_at, search, carried, options, presence)
                continue
            pages = [item for item in group if isinstance(item, Page)]
            present = store.present_pages([page.page_id for page in pages])
            new = {page.page_id: page for page in pages if page.page_id not in present}
            failures = [item for item in group if isinstance(item, ReadFailure)]
            kept = {page_id: page.without_text() for page_id, page in new.items()}  # the raw bytes stay here
            in_flight.append(_Pending(kept, failures, len(pages), len(pages) - len(new), ingested_at))
            pages_to_segment = tuple(page.without_raw() for page in new.values())
            yield SegmentTask(segmenter, pages_to_segment, ingested_at, analyze=search)

    # Writes go to one background thread: SQLite releases the GIL while it writes and commits, so
    # the next batches are read and segmented meanwhile. Batches are still written one at a time,
    # in order, each in its own transaction.
    with (
        indexing(store, analyzer) if analyzer else nullcontext(),
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="marsad-writer") as writer,
    ):
        writes: deque[tuple[Future[tuple[WriteResult, int]], WriteBatch]] = deque()
        for done in runner.map(run_segment_task, tasks()):
            pending = in_flight.popleft()
            pending.pages.update((page.page_id, page) for page in done.pages)
            pending.failures.extend(done.failures)
            batch = _write_batch(pending, done.segmented)
            summary.pages_read += pending.read + done.read
            summary.pages_already_stored += pending.skipped + done.skipped
            rows = {key: row for result in done.segmented for key, row in result.rows.items()}
            job = writer.submit(
                _write_and_link, store, batch, pending.ingested_at, near, analyzer, rows, batch_pages
            )
            writes.append((job, batch))
            while len(writes) > 1 or (writes and writes[0][0].done()):
                _account(summary, *writes.popleft(), progress)
            if stop is not None and stop():
                break
        while writes:
            _account(summary, *writes.popleft(), progress)
        if near and not (stop is not None and stop()):
            summary.near_links += writer.submit(link_near_duplicates, store, near).result()[0]
    if stories and not (stop is not None and stop()):
        summary.articles_clustered = update_stories(store, runner=runner)
    if entities and not (stop is not None and stop()):
        from marsad.enrich.consumer import update_entities  # (the tagger loads only when asked)

        summary.articles_tagged = update_entities(store, runner=runner)
    return summary

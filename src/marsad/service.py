"""The service layer: plain functions that chain the stages and the store.

The CLI (and later the web app) are thin shells over these functions. Ingest streams pages in
batches: read → skip pages already stored → segment → exact ids → one store transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from itertools import islice

from marsad.dedup import article_id
from marsad.model import IngestSummary, Page, ReadFailure, SegmentedPage
from marsad.read import ReadOptions, read_paths
from marsad.segment import Segmenter
from marsad.store.base import Occurrence, PageWrite, Store, WriteBatch

BATCH_PAGES = 1000
ProgressCallback = Callable[[IngestSummary], None]


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _batches(items: Iterable[Page | ReadFailure], size: int) -> Iterator[list[Page | ReadFailure]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def page_write(segmented: SegmentedPage, ingested_at: str) -> PageWrite:
    """The rows one segmented page adds: its articles keyed by content id, seen at the page's date."""
    page = segmented.page
    moment = page.published or page.fetched
    seen_at = moment.isoformat() if moment else ingested_at
    occurrences = tuple(Occurrence(article_id(a.text), a, seen_at) for a in segmented.articles)
    return PageWrite(page=page, similar=segmented.similar, occurrences=occurrences)


def prepare_batch(
    items: list[Page | ReadFailure], present: set[str], segmenter: Segmenter, ingested_at: str
) -> tuple[WriteBatch, int]:
    """Segment the new pages of a batch; pages that yield no article are quarantined, not lost.

    Returns the batch and how many pages were skipped as already stored.
    """
    batch = WriteBatch()
    skipped = 0
    for item in items:
        if isinstance(item, ReadFailure):
            batch.failures.append(item)
            continue
        if item.page_id in present:
            skipped += 1
            continue
        segmented = segmenter.segment(item)
        if not segmented.articles:
            reason = "no article text: the page holds only boilerplate or nothing readable"
            batch.failures.append(ReadFailure(item.source, reason, item.raw))
            continue
        batch.pages.append(page_write(segmented, ingested_at))
    return batch, skipped


def ingest(
    paths: Iterable[str],
    store: Store,
    options: ReadOptions | None = None,
    segmenter: Segmenter | None = None,
    batch_pages: int = BATCH_PAGES,
    progress: ProgressCallback | None = None,
) -> IngestSummary:
    """Ingest files, directories, globs or feed URLs into the store; safe to re-run or resume."""
    segmenter = segmenter or Segmenter()
    summary = IngestSummary()
    for items in _batches(read_paths(paths, options), batch_pages):
        ingested_at = now_iso()
        present = store.present_pages([i.page_id for i in items if isinstance(i, Page)])
        batch, skipped = prepare_batch(items, present, segmenter, ingested_at)
        result = store.write(batch, ingested_at)
        summary.pages_read += sum(isinstance(i, Page) for i in items)
        summary.pages_already_stored += skipped + (len(batch.pages) - result.pages_new)
        summary.pages_new += result.pages_new
        summary.articles_seen += sum(len(p.occurrences) for p in batch.pages)
        summary.articles_new += result.articles_new
        summary.exact_duplicates += result.exact_duplicates
        summary.quarantined += len(batch.failures)
        summary.problems.extend(f.message() for f in batch.failures)
        if progress:
            progress(summary)
    return summary

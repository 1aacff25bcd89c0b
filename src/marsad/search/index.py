"""Keeping the search index in step with the archive, incrementally.

Ingest calls `index_articles` after each batch; it indexes what is new or changed since the
last call. An index built by another analyzer (another stemmer, another lexicon) is rebuilt
rather than queried with terms it was not made with.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from marsad.search.analyzer import Analyzer, default_analyzer
from marsad.store.base import SearchSource, Store

INDEX_BATCH = 2000


def body_terms(text: str, analyzer: Analyzer) -> str:
    """The analyzed body. It depends on the normalized text only, like the article id, so any
    copy of an article gives the same: ingest computes it on the runner's workers."""
    return " ".join(analyzer.terms(text))


Row = tuple[int, str, str, str, str]  # seq, analyzed title, body, tags, exact then surface title forms


@dataclass(frozen=True, slots=True)
class PreparedRow:
    """An article's index row made on a runner's worker from one page's copy of it, with the
    title and tags it was made from: the main process uses it when the stored article has
    those same ones (it does unless another copy in the batch filled in or added to them)."""

    title: str | None
    tags: tuple[str, ...]
    columns: tuple[str, str, str, str]


def prepare_row(title: str | None, text: str, tags: Sequence[str], analyzer: Analyzer) -> PreparedRow:
    return PreparedRow(title, tuple(tags), _columns(title, tags, body_terms(text, analyzer), analyzer))


def analyzed(source: SearchSource, analyzer: Analyzer, prepared: PreparedRow | None = None) -> Row:
    """The index row of one article: its analyzed title, body and tags, and its title's exact
    then surface word forms, each as space-joined terms (from `prepared` when it fits)."""
    if prepared is not None and prepared.title == source.title and prepared.tags == tuple(source.tags):
        return (source.seq, *prepared.columns)
    body = prepared.columns[1] if prepared is not None else body_terms(source.text, analyzer)
    return (source.seq, *_columns(source.title, source.tags, body, analyzer))


def _columns(
    title: str | None, tags: Sequence[str], body: str, analyzer: Analyzer
) -> tuple[str, str, str, str]:
    title = title or ""
    return (
        " ".join(analyzer.terms(title)),
        body,
        " ".join(" ".join(analyzer.terms(tag)) for tag in tags),
        " ".join(analyzer.exact_terms(title) + analyzer.surface_terms(title)),
    )


def needs_rebuild(store: Store, analyzer: Analyzer) -> bool:
    version = store.search_version()
    return version is not None and version != analyzer.version


def index_articles(
    store: Store,
    analyzer: Analyzer | None = None,
    rebuild: bool = False,
    batch_size: int = INDEX_BATCH,
    progress: Callable[[int], None] | None = None,
    prepared: dict[str, PreparedRow] | None = None,
) -> int:
    """Index every article not yet indexed (all of them with `rebuild`, or when the index was
    built by another analyzer); one transaction per batch. Returns how many were indexed.
    `prepared` holds rows already made (by article id); those used are removed."""
    prepared = prepared if prepared is not None else {}
    analyzer = analyzer or default_analyzer()
    if rebuild or needs_rebuild(store, analyzer):
        store.reset_search(analyzer.version)
    done = 0
    while sources := store.unsearched(batch_size):
        rows = [analyzed(s, analyzer, prepared.pop(s.article_id, None)) for s in sources]
        store.add_search_terms(analyzer.version, rows)
        done += len(sources)
        if progress:
            progress(len(sources))
    return done

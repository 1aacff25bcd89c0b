"""Keeping the search index in step with the archive, incrementally.

Ingest calls `index_articles` after each batch; it indexes what is new or changed since the
last call. An index built by another analyzer (another stemmer, another lexicon) is rebuilt
rather than queried with terms it was not made with.
"""

from __future__ import annotations

from collections.abc import Callable

from marsad.search.analyzer import Analyzer, default_analyzer
from marsad.store.base import SearchSource, Store

INDEX_BATCH = 2000


def body_terms(text: str, analyzer: Analyzer) -> str:
    """The analyzed body. It depends on the normalized text only, like the article id, so any
    copy of an article gives the same: ingest computes it on the runner's workers."""
    return " ".join(analyzer.terms(text))


def analyzed(
    source: SearchSource, analyzer: Analyzer, body: str | None = None
) -> tuple[int, str, str, str, str]:
    """The index row of one article: its analyzed title, body (given, or analyzed here) and
    tags, and its title's exact then surface word forms, each as space-joined terms."""
    tags = " ".join(" ".join(analyzer.terms(tag)) for tag in source.tags)
    title = source.title or ""
    return (
        source.seq,
        " ".join(analyzer.terms(title)),
        body_terms(source.text, analyzer) if body is None else body,
        tags,
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
    bodies: dict[str, str] | None = None,
) -> int:
    """Index every article not yet indexed (all of them with `rebuild`, or when the index was
    built by another analyzer); one transaction per batch. Returns how many were indexed.
    `bodies` holds analyzed bodies already computed (by article id); those used are removed."""
    bodies = bodies if bodies is not None else {}
    analyzer = analyzer or default_analyzer()
    if rebuild or needs_rebuild(store, analyzer):
        store.reset_search(analyzer.version)
    done = 0
    while sources := store.unsearched(batch_size):
        rows = [analyzed(s, analyzer, bodies.pop(s.article_id, None)) for s in sources]
        store.add_search_terms(analyzer.version, rows)
        done += len(sources)
        if progress:
            progress(len(sources))
    return done

"""Keeping the search index in step with the archive, incrementally.

Ingest calls `index_articles` after each batch; it indexes what the archive's change log holds
after the index's cursor (articles added, copied again by another page, cleaned), then moves the
cursor, which is kept in the index itself: an index deleted or rebuilt starts again from 0.
The index is derived: one that was built by another analyzer (another stemmer, another
lexicon), for another archive, or that is missing, is rebuilt from the store rather than
queried with terms it was not made with.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from weakref import WeakKeyDictionary

from marsad.search.analyzer import Analyzer, default_analyzer
from marsad.search.port import SearchArchive, SearchSource
from marsad.search.tantivy_index import IndexDoc, TantivyIndex
from marsad.search.tantivy_query import seconds

INDEX_BATCH = 2000
INDEX_FOLDER = "search"  # the store's derived folder that holds the index

_open: WeakKeyDictionary[SearchArchive, TantivyIndex] = WeakKeyDictionary()


def search_index(store: SearchArchive) -> TantivyIndex:
    """The search index of a store, opened once per store object."""
    index = _open.get(store)
    if index is None:
        index = _open[store] = TantivyIndex(store.derived_dir(INDEX_FOLDER))
    return index


def body_terms(text: str, analyzer: Analyzer) -> str:
    """The analyzed body, terms separated by spaces (a stopword leaves one more). It depends on
    the normalized text only, like the article id, so any copy of an article gives the same:
    ingest computes it on the runner's workers."""
    return analyzer.joined_terms(text)


@dataclass(frozen=True, slots=True)
class PreparedRow:
    """An article's analyzed fields made on a runner's worker from one page's copy of it, with
    the title and tags they were made from: the main process uses them when the stored article
    has those same ones (it does unless another copy in the batch filled in or added to them)."""

    title: str | None
    tags: tuple[str, ...]
    fields: tuple[str, str, tuple[str, ...], tuple[str, ...]]  # title, body, tags, exact title


def prepare_row(title: str | None, text: str, tags: Sequence[str], analyzer: Analyzer) -> PreparedRow:
    return PreparedRow(title, tuple(tags), _fields(title, tags, body_terms(text, analyzer), analyzer))


def analyzed(
    source: SearchSource, analyzer: Analyzer, prepared: PreparedRow | None = None
) -> tuple[str, str, tuple[str, ...], tuple[str, ...]]:
    """The analyzed title, body, tags (one value per tag) and the title's exact then surface
    word forms of one article, each as space-joined terms (from `prepared` when it fits)."""
    if prepared is not None and prepared.title == source.title and prepared.tags == tuple(source.tags):
        return prepared.fields
    body = prepared.fields[1] if prepared is not None else body_terms(source.text, analyzer)
    return _fields(source.title, source.tags, body, analyzer)


def index_doc(source: SearchSource, analyzer: Analyzer, prepared: PreparedRow | None = None) -> IndexDoc:
    title, body, tags, exact = analyzed(source, analyzer, prepared)
    return IndexDoc(
        source.key,
        title,
        body,
        tags,
        exact,
        tuple(dict.fromkeys(outlet.lower() for outlet in source.outlets)),
        tuple(wire.lower() for wire in source.wire),
        seconds(source.first_seen),
    )


def _fields(
    title: str | None, tags: Sequence[str], body: str, analyzer: Analyzer
) -> tuple[str, str, tuple[str, ...], tuple[str, ...]]:
    title = title or ""
    return (
        " ".join(analyzer.terms(title)),
        body,
        tuple(" ".join(analyzer.terms(tag)) for tag in tags),
        (" ".join(analyzer.exact_terms(title)), " ".join(analyzer.surface_terms(title))),
    )


def needs_rebuild(store: SearchArchive, analyzer: Analyzer) -> bool:
    """The index is missing, or was built for another archive or by another analyzer, or
    claims changes the store does not have (a store restored from an older copy)."""
    state = search_index(store).state
    return (
        state is None
        or state.archive != store.archive_id
        or state.analyzer != analyzer.version
        or state.cursor > store.last_change()
    )


def backlog(store: SearchArchive, analyzer: Analyzer | None = None) -> int:
    """Articles not yet (or no longer) in the search index."""
    if needs_rebuild(store, analyzer or default_analyzer()):
        return store.counts()["articles"]
    return store.changed_since(search_index(store).cursor)


def _matching(store: SearchArchive, analyzer: Analyzer, rebuild: bool = False) -> TantivyIndex:
    """The store's index, emptied first when it must be rebuilt (or `rebuild` asks for it)."""
    index = search_index(store)
    if rebuild or needs_rebuild(store, analyzer):
        index.reset(store.archive_id, analyzer.version)
    return index


def index_articles(
    store: SearchArchive,
    analyzer: Analyzer | None = None,
    rebuild: bool = False,
    batch_size: int = INDEX_BATCH,
    progress: Callable[[int], None] | None = None,
    prepared: dict[str, PreparedRow] | None = None,
    commit_every: int | None = None,
) -> int:
    """Index every article not yet indexed (all of them with `rebuild`, or when the index does
    not match the store). Returns how many were indexed. `prepared` holds fields already
    analyzed (by article id); those used are removed. Commits at the end, or, with
    `commit_every` (an ingest, inside `indexing()`), once that many articles wait: each commit
    writes a segment that merges then rewrite, so an ingest commits rarely. Raises IndexBusy
    when another process holds the index's writer."""
    prepared = prepared if prepared is not None else {}
    analyzer = analyzer or default_analyzer()
    index = _matching(store, analyzer, rebuild)
    done = 0
    if index.cursor >= store.last_change():
        return 0
    with index.writing():
        while changes := store.changes_after(index.cursor, batch_size):
            sources = store.search_sources(list(dict.fromkeys(change.key for change in changes)))
            index.add(
                [index_doc(s, analyzer, prepared.pop(s.article_id, None)) for s in sources], changes[-1].pos
            )
            done += len(sources)
            if progress:
                progress(len(sources))
            if commit_every is None or index.pending >= commit_every:
                index.commit()
    return done


@contextmanager
def indexing(store: SearchArchive, analyzer: Analyzer) -> Iterator[None]:
    """Hold the index's writer for a run of `index_articles(commit_every=…)` calls (an ingest),
    so each batch does not pay for a writer, merges run beside the ingest, and what is still
    waiting is committed at the end; rebuilt first if it must be."""
    index = _matching(store, analyzer)
    with index.writing():
        try:
            yield
        finally:  # the articles added are in the store: commit them, even when the ingest failed
            if index.pending or index.cursor > (index.state.cursor if index.state else 0):
                index.commit()

"""The service API: one function per use case, over an archive opened from its address.

    with open_archive("marsad.db") as archive:
        ingest(["pages/"], archive)
        page = search(archive, "بوتين ماسك")

The CLI (and the web app) only parse their input and format these functions' results: no shell
opens a store, writes SQL or chains stages itself. Reads never write (`search` does not index;
`reindex` and `ingest` do).
"""

from marsad.enrich.consumer import update_entities
from marsad.service.archive import (
    ArchiveBusy,
    ArchiveError,
    check_address,
    open_archive,
    shown_address,
    writing,
)
from marsad.service.browse import (
    Copies,
    OutletView,
    copies,
    copy_groups,
    facets,
    outlet,
    outlets,
    text_of,
    word_diff,
)
from marsad.service.indexing import reindex, unindexed
from marsad.service.ingestion import BATCH_PAGES, DEFAULT_NEAR, ingest, link_near_duplicates, page_write
from marsad.service.migration import TableMoved, migrate
from marsad.service.queries import (
    article,
    articles,
    duplicates,
    entities,
    entity,
    pages,
    quarantine,
    search,
    similar,
    stats,
    stories,
    story,
    version,
)
from marsad.stories.consumer import update_stories, use_story_encoder

__all__ = [
    "BATCH_PAGES",
    "DEFAULT_NEAR",
    "ArchiveBusy",
    "ArchiveError",
    "Copies",
    "OutletView",
    "TableMoved",
    "article",
    "articles",
    "check_address",
    "copies",
    "copy_groups",
    "duplicates",
    "entities",
    "entity",
    "facets",
    "ingest",
    "link_near_duplicates",
    "migrate",
    "open_archive",
    "outlet",
    "outlets",
    "page_write",
    "pages",
    "quarantine",
    "reindex",
    "search",
    "shown_address",
    "similar",
    "stats",
    "stories",
    "story",
    "text_of",
    "unindexed",
    "update_entities",
    "update_stories",
    "use_story_encoder",
    "version",
    "word_diff",
    "writing",
]

"""Enrichment: named entities in an article's text, and the entities they refer to; the dates
it gives (`marsad.enrich.dates`).

    tag(text) -> list[Mention]                 names (PERS, ORG, LOC, MISC) with offsets into text
    resolve_article(mentions) -> list[Entity]  one entity per mention; variants share one id
    merge_short_forms(entities) -> {id: Entity}  across articles: a surname → the one full name,
                                                 a foreign name's other spelling → the usual one

Pure functions over text; `consumer` keeps an archive's entities up to date over the narrow
port in `port`. The model and its word lists ship in the package and load on first use
(`marsad train-ner` rebuilds the model). The names below are imported when first asked for:
a store that imports `marsad.enrich.port` does not load the tagger.
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "entity_id": "resolve",
    "merge_short_forms": "resolve",
    "resolve_article": "resolve",
    "Tagger": "tagger",
    "default_tagger": "tagger",
    "tag": "tagger",
    "Token": "tokens",
    "sentences": "tokens",
    "tokenize": "tokens",
}


def __getattr__(name: str) -> Any:
    if name in ("Entity", "Mention"):
        return getattr(importlib.import_module("marsad.model"), name)
    if name in _WHERE:
        return getattr(importlib.import_module(f"marsad.enrich.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'marsad.enrich' has no attribute {name!r}")


__all__ = [
    "Entity",
    "Mention",
    "Tagger",
    "Token",
    "default_tagger",
    "entity_id",
    "merge_short_forms",
    "resolve_article",
    "sentences",
    "tag",
    "tokenize",
]

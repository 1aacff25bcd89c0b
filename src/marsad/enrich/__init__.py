"""Enrichment: named entities in an article's text, and the entities they refer to; the dates
it gives (`marsad.enrich.dates`).

    tag(text) -> list[Mention]                 names (PERS, ORG, LOC, MISC) with offsets into text
    resolve_article(mentions) -> list[Entity]  one entity per mention; variants share one id
    merge_short_forms(entities) -> {id: Entity}  across articles: a surname → the one full name

Pure functions over text: nothing here reads or writes an archive. The model and its word lists
ship in the package and load on first use (`marsad train-ner` rebuilds the model).
"""

from marsad.enrich.resolve import entity_id, merge_short_forms, resolve_article
from marsad.enrich.tagger import Tagger, default_tagger, tag
from marsad.enrich.tokens import Token, sentences, tokenize
from marsad.model import Entity, Mention

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

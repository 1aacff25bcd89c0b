-- Names merged across the archive (marsad.enrich.resolve.merge_short_forms): a short person
-- name that only one fuller name of the archive ends with stands for it (ماسك → إيلون ماسك).
-- Re-derived after every `marsad enrich` from the entities themselves, so a merge that a new
-- fuller name makes ambiguous is undone; the mentions keep the entity they were tagged with.
ALTER TABLE entities ADD COLUMN merged_into TEXT;     -- the fuller name's entity id, or NULL
ALTER TABLE entities ADD COLUMN all_articles INTEGER; -- with the names merged into it (NULL: none)
CREATE INDEX entities_merged_into ON entities (merged_into);

-- How each entity is written, counted in articles, so that it is shown as most articles write
-- it (السعودية, not the rarer سعودية or للسعودية); each article's name for it kept beside its
-- mentions, so a re-tagged article takes its count back.
ALTER TABLE article_entities ADD COLUMN entity_name TEXT;
CREATE TABLE entity_names (
    entity_id TEXT NOT NULL,
    name      TEXT NOT NULL,
    articles  INTEGER NOT NULL,
    PRIMARY KEY (entity_id, name)
) WITHOUT ROWID;

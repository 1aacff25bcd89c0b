-- Names merged across the archive (marsad.enrich.resolve.merge_short_forms): a short person
-- name that only one fuller name of the archive ends with stands for it (ماسك → إيلون ماسك).
-- Re-derived after every `marsad enrich` from the entities themselves, so a merge that a new
-- fuller name makes ambiguous is undone; the mentions keep the entity they were tagged with.
ALTER TABLE entities ADD COLUMN merged_into TEXT;     -- the fuller name's entity id, or NULL
ALTER TABLE entities ADD COLUMN all_articles INTEGER; -- with the names merged into it (NULL: none)
CREATE INDEX entities_merged_into ON entities (merged_into);

-- Named entities (issue "Entities, dates and stories"): every name the tagger finds in an
-- article, resolved to an entity, by the entities consumer of the change log (cursor 'entities').
CREATE TABLE entities (
    entity_id TEXT PRIMARY KEY,     -- marsad.enrich.resolve.entity_id(type, key)
    type      TEXT NOT NULL,        -- PERS | ORG | LOC | MISC
    key       TEXT NOT NULL,        -- the canonical normalized name
    name      TEXT NOT NULL,        -- the longest spelling seen, as written
    articles  INTEGER NOT NULL      -- articles that mention it
);
CREATE INDEX entities_type ON entities (type, articles);

CREATE TABLE article_entities (
    article_key BIGINT NOT NULL,
    field       TEXT NOT NULL,      -- title | text
    start       INTEGER NOT NULL,   -- offsets into that field, as stored
    stop        INTEGER NOT NULL,
    mention     TEXT NOT NULL,
    type        TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    PRIMARY KEY (article_key, field, start)
);
CREATE INDEX article_entities_entity ON article_entities (entity_id, article_key);

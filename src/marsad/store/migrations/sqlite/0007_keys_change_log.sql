-- Stable keys and a change log (issue "Room to grow"):
-- * every article gets its 64-bit key, derived from its id (marsad.model.article_key, registered
--   as a function by the store while it migrates): dedup and search name articles by it, and
--   seq stays only the arrival order, private to the store;
-- * article_changes, an append-only log of articles added, copied again and cleaned, read by
--   each consumer (near-duplicate linking, the search index, later stories and alerts) from a
--   cursor of its own; it replaces the "highest checked seq" watermark and search_stale;
-- * dedup's tables are keyed by article key (links as (smaller key, larger key)).
ALTER TABLE articles ADD COLUMN article_key INTEGER;
UPDATE articles SET article_key = marsad_article_key(article_id);
CREATE UNIQUE INDEX articles_key ON articles (article_key);

CREATE TABLE article_changes (
    pos         INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused, committed in order
    article_key INTEGER NOT NULL,
    change      TEXT NOT NULL                       -- new | copy | text
);
INSERT INTO article_changes (article_key, change) SELECT article_key, 'new' FROM articles ORDER BY seq;
-- articles indexed before, then changed since, are logged again for the search index
INSERT INTO article_changes (article_key, change)
    SELECT a.article_key, 'copy' FROM search_stale s JOIN articles a ON a.seq = s.seq ORDER BY a.seq;

CREATE TABLE consumer_cursors (
    consumer TEXT PRIMARY KEY,
    pos      INTEGER NOT NULL
) WITHOUT ROWID;
-- the near-duplicate linker has checked every article in dedup_docs (always the first ones)
INSERT INTO consumer_cursors (consumer, pos)
    SELECT 'near', MAX(c.pos) FROM article_changes c
    JOIN articles a ON a.article_key = c.article_key JOIN dedup_docs d ON d.seq = a.seq
    WHERE c.change = 'new' HAVING MAX(c.pos) IS NOT NULL;

CREATE TABLE dedup_docs_by_key (
    article_key INTEGER PRIMARY KEY,
    pos         INTEGER NOT NULL,                   -- its 'new' change: samples load in order
    sample_size INTEGER NOT NULL,
    sample      BLOB NOT NULL                       -- sampled shingle hashes, int64 little-endian
);
INSERT INTO dedup_docs_by_key (article_key, pos, sample_size, sample)
    SELECT a.article_key, c.pos, d.sample_size, d.sample FROM dedup_docs d
    JOIN articles a ON a.seq = d.seq JOIN article_changes c ON c.article_key = a.article_key AND c.change = 'new';
DROP TABLE dedup_docs;
ALTER TABLE dedup_docs_by_key RENAME TO dedup_docs;
CREATE INDEX dedup_docs_pos ON dedup_docs (pos);

CREATE TABLE dedup_links_by_key (
    a     INTEGER NOT NULL,                          -- article keys, a < b
    b     INTEGER NOT NULL,
    kind  TEXT NOT NULL,                             -- near | contained | edited
    score REAL NOT NULL,
    PRIMARY KEY (a, b)
) WITHOUT ROWID;
INSERT INTO dedup_links_by_key (a, b, kind, score)
    SELECT min(x.article_key, y.article_key), max(x.article_key, y.article_key), l.kind, l.score
    FROM dedup_links l JOIN articles x ON x.seq = l.a JOIN articles y ON y.seq = l.b;
DROP TABLE dedup_links;
ALTER TABLE dedup_links_by_key RENAME TO dedup_links;
CREATE INDEX dedup_links_b ON dedup_links (b);

CREATE TABLE article_groups_by_key (
    article_key INTEGER PRIMARY KEY,                 -- a linked article
    anchor_key  INTEGER NOT NULL                     -- its group's anchor (the founding article)
);
INSERT INTO article_groups_by_key (article_key, anchor_key)
    SELECT a.article_key, g.article_key FROM article_groups ag
    JOIN articles a ON a.seq = ag.seq JOIN articles g ON g.seq = ag.group_seq;
DROP TABLE article_groups;
ALTER TABLE article_groups_by_key RENAME TO article_groups;
CREATE INDEX article_groups_anchor ON article_groups (anchor_key);

CREATE TABLE template_edges_by_key (
    line_hash   INTEGER NOT NULL,
    article_key INTEGER NOT NULL,
    PRIMARY KEY (line_hash, article_key)
) WITHOUT ROWID;
INSERT INTO template_edges_by_key (line_hash, article_key)
    SELECT t.line_hash, a.article_key FROM template_edges t JOIN articles a ON a.seq = t.seq;
DROP TABLE template_edges;
ALTER TABLE template_edges_by_key RENAME TO template_edges;

DROP TABLE search_stale;

-- Search moved out of the file into a derived index beside it (marsad.search.tantivy_index):
-- the FTS5 table and its bookkeeping go. search_stale stays: articles changed since they were
-- indexed (a later copy brought a title, tags, wire, an outlet or an earlier date).
-- archive_id names this archive, so a derived index built for another file is never trusted.
DROP TABLE IF EXISTS search_terms;
DROP TABLE IF EXISTS search_state;
-- date and outlet filters are the index's now: these two indexes only slowed every write
DROP INDEX IF EXISTS articles_first_seen;
DROP INDEX IF EXISTS pages_outlet;
CREATE TABLE IF NOT EXISTS search_stale (seq INTEGER PRIMARY KEY);
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO meta VALUES ('archive_id', lower(hex(randomblob(12))));

-- Faithful to real outlets:
-- * the byline a page came with, and each article's dateline (as written, with its place and
--   date), writers and the boilerplate lines taken out of its text (so nothing is lost);
-- * the short edge lines of each article not yet known as its outlet's template, so that a line
--   learnt as template later is taken out of the articles stored before (template_edges);
-- * duplicate groups are stars around an anchor (its founding article): article_groups.group_seq
--   is the anchor every member links to directly; groups are recomputed from the links by the
--   store after this migration (see SqliteStore._migrate).
ALTER TABLE pages ADD COLUMN byline TEXT;
ALTER TABLE articles ADD COLUMN dateline TEXT;
ALTER TABLE articles ADD COLUMN place TEXT;
ALTER TABLE articles ADD COLUMN dated TEXT;
ALTER TABLE articles ADD COLUMN authors TEXT NOT NULL DEFAULT '[]';
ALTER TABLE articles ADD COLUMN boilerplate TEXT NOT NULL DEFAULT '[]';
ALTER TABLE occurrences ADD COLUMN dateline TEXT;

CREATE TABLE template_edges (
    line_hash INTEGER NOT NULL,             -- hash of (outlet, normalized line), as dedup_lines
    seq       INTEGER NOT NULL,             -- articles.seq holding it among its edge lines
    PRIMARY KEY (line_hash, seq)
) WITHOUT ROWID;

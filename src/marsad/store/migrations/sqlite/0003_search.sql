-- Full-text search: analyzed terms of each article (title, body, tags) in an FTS5 table keyed by
-- articles.seq. It keeps its own copy of the terms (not contentless): SQLite 3.40 can only delete
-- a contentless row by replaying its old terms, and "more like this" reads them back. Which articles are indexed
-- and with which analyzer, and the duplicate group of every linked article (kept up to date as
-- links are added), so a search shows one hit per group.
CREATE VIRTUAL TABLE search_terms USING fts5 (
    title, body, tags,
    title_exact,                            -- the title's exact word forms (ranking precision)
    -- the terms are already analyzed and space-separated: FTS5's ascii tokenizer (non-ASCII
    -- letters are word characters) splits them as well as unicode61, 15% faster
    tokenize = 'ascii'
);

CREATE TABLE search_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE article_groups (
    seq       INTEGER PRIMARY KEY,          -- articles.seq of a linked article
    group_seq INTEGER NOT NULL              -- the smallest seq of its group
);
CREATE INDEX article_groups_group ON article_groups (group_seq);

CREATE INDEX articles_first_seen ON articles (first_seen);

CREATE TABLE search_stale (                 -- indexed articles whose title or tags changed since
    seq INTEGER PRIMARY KEY                 -- (a later copy brought them): indexed again
);

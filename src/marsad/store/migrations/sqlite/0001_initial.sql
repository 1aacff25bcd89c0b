-- Pages as read (raw bytes kept), the distinct articles, where each article appeared, and what
-- could not be read. Articles keep the text as published; ids are content hashes.
CREATE TABLE pages (
    page_id     TEXT PRIMARY KEY,
    source      TEXT NOT NULL,
    url         TEXT,
    outlet      TEXT,
    title       TEXT,
    published   TEXT,
    fetched     TEXT,
    fmt         TEXT NOT NULL,
    similar     TEXT NOT NULL,          -- JSON list of the page's "مقالات مشابهة" headlines
    raw         BLOB NOT NULL,
    ingested_at TEXT NOT NULL
);

CREATE TABLE articles (
    article_id  TEXT PRIMARY KEY,
    title       TEXT,
    text        TEXT NOT NULL,
    lead        TEXT,
    wire        TEXT NOT NULL,          -- JSON list of canonical agency names
    publisher   TEXT,
    tags        TEXT NOT NULL,          -- JSON list
    related     TEXT NOT NULL,          -- JSON list of headlines
    first_seen  TEXT,
    seq         INTEGER NOT NULL        -- arrival order, for stable exports and incremental work
);
CREATE UNIQUE INDEX articles_seq ON articles (seq);

CREATE TABLE occurrences (
    page_id     TEXT NOT NULL REFERENCES pages (page_id),
    position    INTEGER NOT NULL,
    article_id  TEXT NOT NULL REFERENCES articles (article_id),
    title       TEXT,
    publisher   TEXT,
    seen_at     TEXT,
    PRIMARY KEY (page_id, position)
);
CREATE INDEX occurrences_article ON occurrences (article_id);

CREATE TABLE quarantine (
    failure_id     TEXT PRIMARY KEY,
    source         TEXT NOT NULL,
    reason         TEXT NOT NULL,
    raw            BLOB NOT NULL,
    quarantined_at TEXT NOT NULL
);

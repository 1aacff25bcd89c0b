-- Near-duplicate index: learned template lines, sampled shingle postings, verified links.
CREATE TABLE dedup_lines (
    line_hash INTEGER PRIMARY KEY,          -- hash of (outlet, normalized line)
    articles  INTEGER NOT NULL              -- distinct articles that carried it
) WITHOUT ROWID;

CREATE TABLE dedup_postings (
    shingle INTEGER NOT NULL,               -- a sampled shingle hash (signed 64-bit view)
    seq     INTEGER NOT NULL,               -- articles.seq
    PRIMARY KEY (shingle, seq)
) WITHOUT ROWID;

CREATE TABLE dedup_docs (                   -- articles already checked and indexed
    seq         INTEGER PRIMARY KEY,
    sample_size INTEGER NOT NULL
);

CREATE TABLE dedup_links (
    a     INTEGER NOT NULL,                 -- articles.seq, a < b
    b     INTEGER NOT NULL,
    kind  TEXT NOT NULL,                    -- near | contained
    score REAL NOT NULL,
    PRIMARY KEY (a, b)
) WITHOUT ROWID;
CREATE INDEX dedup_links_b ON dedup_links (b);

-- Near-duplicate index: learned template lines, each article's shingle sample (the inverted
-- index over them is built in memory), verified links.
CREATE TABLE dedup_lines (
    line_hash INTEGER PRIMARY KEY,          -- hash of (outlet, normalized line)
    articles  INTEGER NOT NULL              -- distinct articles that carried it
) WITHOUT ROWID;

CREATE TABLE dedup_docs (                   -- articles already checked and indexed
    seq         INTEGER PRIMARY KEY,        -- articles.seq
    sample_size INTEGER NOT NULL,
    sample      BLOB NOT NULL               -- its sampled shingle hashes, int64 little-endian
);

CREATE TABLE dedup_links (
    a     INTEGER NOT NULL,                 -- articles.seq, a < b
    b     INTEGER NOT NULL,
    kind  TEXT NOT NULL,                    -- near | contained | edited
    score REAL NOT NULL,
    PRIMARY KEY (a, b)
) WITHOUT ROWID;
CREATE INDEX dedup_links_b ON dedup_links (b);

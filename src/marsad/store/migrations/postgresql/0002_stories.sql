-- Stories (issue "Entities, dates and stories"): articles clustered by the event they tell,
-- by the stories consumer of the change log (marsad.stories.consumer, cursor 'stories').
CREATE TABLE stories (
    story_id  BIGINT PRIMARY KEY,
    title     TEXT,                 -- its first article's title
    first_day TEXT NOT NULL,        -- ISO dates of its earliest and latest article's event
    last_day  TEXT NOT NULL,
    articles  INTEGER NOT NULL
);
CREATE INDEX stories_last_day ON stories (last_day);

CREATE TABLE article_stories (
    article_key BIGINT PRIMARY KEY,
    story_id    BIGINT NOT NULL,
    pos         BIGINT NOT NULL,   -- the article's 'new' change: members in arrival order
    event_date  TEXT                -- when its event happened (marsad.enrich.dates.event_date)
);
CREATE INDEX article_stories_story ON article_stories (story_id, pos);

-- in how many clustered articles each term occurs: the clustering's idf, kept incrementally
CREATE TABLE story_terms (
    term TEXT PRIMARY KEY,
    df   INTEGER NOT NULL
);

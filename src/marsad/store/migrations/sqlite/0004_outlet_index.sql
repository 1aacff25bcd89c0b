-- outlet: filters look pages up by (lower-cased) outlet name prefix instead of testing every
-- matching article's pages one by one.
CREATE INDEX pages_outlet ON pages (lower(outlet));

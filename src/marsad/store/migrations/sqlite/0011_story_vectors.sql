-- Stories placed with a sentence encoder (opt-in: marsad.stories.encoder): each article's vector
-- (float16) beside its story, so that a later batch reopens a story without embedding it again.
-- Which encoder the archive uses is the meta key 'stories_encoder' (absent: none).
ALTER TABLE article_stories ADD COLUMN meaning BLOB;

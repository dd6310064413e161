-- A subscription "with series" adds, under each automatic post, who
-- missed the latest runs of the meeting ID (1) or not (0).
ALTER TABLE subscriptions ADD COLUMN series INTEGER NOT NULL DEFAULT 0;

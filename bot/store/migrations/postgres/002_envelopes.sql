-- Slack envelope IDs already answered, so that a redelivery reaching
-- another replica is not answered twice. Pruned with the posts.
CREATE TABLE envelopes (
    id      TEXT    PRIMARY KEY,
    seen_at BIGINT  NOT NULL
);

CREATE INDEX envelopes_seen ON envelopes (seen_at);

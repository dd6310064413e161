-- Times are Unix milliseconds (UTC) in both dialects: comparisons stay
-- integer comparisons and no driver converts time zones.

CREATE TABLE subscriptions (
    channel_id TEXT    NOT NULL,
    kind       TEXT    NOT NULL CHECK (kind IN ('meeting_id', 'subject')),
    value      TEXT    NOT NULL,
    created_by TEXT    NOT NULL DEFAULT '',
    created_at BIGINT  NOT NULL,
    PRIMARY KEY (channel_id, kind, value)
);

CREATE TABLE cursors (
    name  TEXT    PRIMARY KEY,
    at_ms BIGINT  NOT NULL
);

CREATE TABLE leases (
    name     TEXT    PRIMARY KEY,
    owner    TEXT    NOT NULL,
    until_ms BIGINT  NOT NULL
);

CREATE TABLE posts (
    id          BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    conf_uuid   TEXT    NOT NULL,
    channel_id  TEXT    NOT NULL,
    meeting_id  TEXT    NOT NULL DEFAULT '',
    subject     TEXT    NOT NULL DEFAULT '',
    state       TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'posted', 'failed')),
    not_before  BIGINT  NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT    NOT NULL DEFAULT '',
    posted_ts   TEXT    NOT NULL DEFAULT '',
    lease_owner TEXT    NOT NULL DEFAULT '',
    lease_until BIGINT  NOT NULL DEFAULT 0,
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL,
    UNIQUE (conf_uuid, channel_id)
);

CREATE INDEX posts_due ON posts (state, not_before);

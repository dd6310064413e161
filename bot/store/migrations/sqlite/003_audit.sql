-- The audit trail: one row per thing the bot showed or did. IDs, counts and
-- outcomes only, never an attendee's name, number or department. event_key
-- makes a row written twice (two replicas answering one redelivered
-- envelope) one row. Pruned after AUDIT_RETENTION.
CREATE TABLE audit (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    event_key  TEXT    NOT NULL UNIQUE,
    at_ms      INTEGER NOT NULL,
    team_id    TEXT    NOT NULL DEFAULT '',
    user_id    TEXT    NOT NULL DEFAULT '',
    channel_id TEXT    NOT NULL DEFAULT '',
    action     TEXT    NOT NULL CHECK (action IN ('lookup', 'series', 'share', 'csv', 'autopost', 'watch', 'unwatch', 'refused', 'audit')),
    conf_uuids TEXT    NOT NULL DEFAULT '',
    meeting_id TEXT    NOT NULL DEFAULT '',
    audience   TEXT    NOT NULL CHECK (audience IN ('private', 'dm', 'channel', 'autopost')),
    people     INTEGER NOT NULL DEFAULT 0,
    records    INTEGER NOT NULL DEFAULT 0,
    outcome    TEXT    NOT NULL DEFAULT ''
);

-- Exports read newest first from a time; pruning deletes oldest first.
CREATE INDEX audit_at ON audit (at_ms, id);
CREATE INDEX audit_user ON audit (user_id, at_ms);

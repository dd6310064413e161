-- A subject subscription's value becomes its key, subscription.Normalize's
-- form (folded, sorted, each word once: "sync weekly"); words keeps what
-- the channel typed ("Weekly sync") to show in watching. '' shows value.
-- Rows stored before are rekeyed by keySubjects (subscriptions.go) in the
-- same transaction, merging those that become one.
ALTER TABLE subscriptions ADD COLUMN words TEXT NOT NULL DEFAULT '';

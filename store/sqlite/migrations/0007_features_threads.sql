-- 0006_features_threads: the features a role restricts, and who follows
-- which thread.

-- One row per feature a role restricts (the keys of chat's catalog, without
-- the "u." of the wire). Read on every request of a user: the primary key
-- lists a role's features.
CREATE TABLE role_features (
    app_id     TEXT    NOT NULL,
    role       TEXT    NOT NULL,
    feature    TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (app_id, role, feature),
    FOREIGN KEY (app_id, role) REFERENCES roles (app_id, role) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- What is recorded of a user's subscription to the thread of a message:
-- subscribed 1 or 0. With no row, a user follows the threads of the
-- messages they sent. Replies and mentions in replies write rows, so the
-- hot send path writes none for a top-level message.
CREATE TABLE thread_subscriptions (
    app_id     TEXT    NOT NULL,
    uid        TEXT    NOT NULL,
    parent_id  INTEGER NOT NULL,
    subscribed INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (app_id, uid, parent_id),
    FOREIGN KEY (app_id, parent_id) REFERENCES messages (app_id, id) ON DELETE CASCADE,
    FOREIGN KEY (app_id, uid) REFERENCES users (app_id, uid) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- Serves the cascade from messages (a purged parent).
CREATE INDEX thread_subscriptions_parent ON thread_subscriptions (app_id, parent_id);

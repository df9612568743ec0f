-- 0010_webhooks: an app's webhooks, the triggers each takes, and the queue
-- (and log) of their deliveries.

-- password and secret are kept in the clear: Parley needs them to
-- authenticate and sign each delivery. The file is owner-only (see
-- createPrivate in sqlite.go).
CREATE TABLE webhooks (
    app_id            TEXT    NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    id                TEXT    NOT NULL,
    name              TEXT    NOT NULL,
    url               TEXT    NOT NULL,
    use_basic_auth    INTEGER NOT NULL DEFAULT 0,
    username          TEXT    NOT NULL DEFAULT '',
    password          TEXT    NOT NULL DEFAULT '',
    enabled           INTEGER NOT NULL DEFAULT 1,
    retry_on_failure  INTEGER NOT NULL DEFAULT 1,
    reject_on_failure INTEGER NOT NULL DEFAULT 0,
    secret            TEXT    NOT NULL,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (app_id, id)
) STRICT;

CREATE TABLE webhook_triggers (
    app_id       TEXT    NOT NULL,
    webhook_id   TEXT    NOT NULL,
    trigger_name TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (app_id, webhook_id, trigger_name),
    FOREIGN KEY (app_id, webhook_id) REFERENCES webhooks (app_id, id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- Queueing an event finds the webhooks that take its trigger.
CREATE INDEX webhook_triggers_by_name ON webhook_triggers (app_id, trigger_name);

-- One row per event per webhook. The id (AUTOINCREMENT: never reused, so a
-- receiver may dedupe by it) orders each webhook's queue; next_at and
-- locked_until are Unix milliseconds, the other times Unix seconds.
CREATE TABLE webhook_deliveries (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    app_id       TEXT    NOT NULL,
    webhook_id   TEXT    NOT NULL,
    trigger_name TEXT    NOT NULL,
    data         TEXT    NOT NULL,
    status       TEXT    NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT    NOT NULL DEFAULT '',
    last_status  INTEGER NOT NULL DEFAULT 0,
    next_at      INTEGER NOT NULL,
    locked_until INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    delivered_at INTEGER NOT NULL DEFAULT 0,
    FOREIGN KEY (app_id, webhook_id) REFERENCES webhooks (app_id, id) ON DELETE CASCADE
) STRICT;

-- The log of a webhook, newest first; serves the cascade from webhooks.
CREATE INDEX webhook_deliveries_log ON webhook_deliveries (app_id, webhook_id, id);
-- The queue: only pending rows, so the dispatcher's poll stays cheap however
-- long the log grows.
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (app_id, webhook_id, id) WHERE status = 'pending';
-- Pruning delivered and failed rows by age.
CREATE INDEX webhook_deliveries_done ON webhook_deliveries (updated_at) WHERE status <> 'pending';

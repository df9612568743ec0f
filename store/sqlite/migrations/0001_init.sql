-- 0001_init: apps, keys, settings, users, auth tokens, roles, relations.
--
-- Conventions: every app-scoped table starts its primary key with app_id and
-- cascades from apps; times are INTEGER unix seconds (0 = unset); JSON values
-- (metadata, settings, app info, tags) are TEXT, NULL standing for a nil map
-- or slice.

CREATE TABLE apps (
    id              TEXT    NOT NULL PRIMARY KEY,
    name            TEXT    NOT NULL,
    region          TEXT    NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL DEFAULT 0,
    last_message_id INTEGER NOT NULL DEFAULT 0
) STRICT;

-- Server-level settings; not per app.
CREATE TABLE settings (
    name  TEXT NOT NULL PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE api_keys (
    app_id     TEXT    NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    id         TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    scope      TEXT    NOT NULL,
    hash       BLOB    NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (app_id, id)
) STRICT;

CREATE TABLE users (
    app_id         TEXT    NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    uid            TEXT    NOT NULL,
    name           TEXT    NOT NULL,
    avatar         TEXT    NOT NULL DEFAULT '',
    link           TEXT    NOT NULL DEFAULT '',
    role           TEXT    NOT NULL,
    status_message TEXT    NOT NULL DEFAULT '',
    metadata       TEXT,   -- JSON object, NULL when nil
    tags           TEXT,   -- JSON array, NULL when nil; mirrored in user_tags
    status         TEXT    NOT NULL DEFAULT '',
    last_active_at INTEGER NOT NULL DEFAULT 0,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL DEFAULT 0,
    deactivated_at INTEGER NOT NULL DEFAULT 0,
    deleted_at     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (app_id, uid)
) STRICT;

CREATE INDEX users_name ON users (app_id, name COLLATE NOCASE);
CREATE INDEX users_role ON users (app_id, role);

-- One row per tag of a user, for the tags filter. Triggers keep it in step
-- with users.tags, so every write of a user stays a single statement.
CREATE TABLE user_tags (
    app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    uid    TEXT NOT NULL,
    tag    TEXT NOT NULL,
    PRIMARY KEY (app_id, uid, tag),
    FOREIGN KEY (app_id, uid) REFERENCES users (app_id, uid) ON DELETE CASCADE
) STRICT;

CREATE INDEX user_tags_tag ON user_tags (app_id, tag);

CREATE TRIGGER users_tags_insert AFTER INSERT ON users
WHEN NEW.tags IS NOT NULL
BEGIN
    INSERT OR IGNORE INTO user_tags (app_id, uid, tag)
    SELECT NEW.app_id, NEW.uid, value FROM json_each(NEW.tags);
END;

CREATE TRIGGER users_tags_update AFTER UPDATE OF tags ON users
BEGIN
    DELETE FROM user_tags WHERE app_id = NEW.app_id AND uid = NEW.uid;
    INSERT OR IGNORE INTO user_tags (app_id, uid, tag)
    SELECT NEW.app_id, NEW.uid, value FROM json_each(NEW.tags);
END;

CREATE TABLE auth_tokens (
    app_id     TEXT    NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    id         TEXT    NOT NULL,
    uid        TEXT    NOT NULL,
    hash       BLOB    NOT NULL,
    platform   TEXT    NOT NULL DEFAULT '',
    device_id  TEXT    NOT NULL DEFAULT '',
    app_info   TEXT,   -- JSON object, NULL when nil
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (app_id, id),
    FOREIGN KEY (app_id, uid) REFERENCES users (app_id, uid) ON DELETE CASCADE
) STRICT;

CREATE INDEX auth_tokens_uid ON auth_tokens (app_id, uid);

CREATE TABLE roles (
    app_id      TEXT    NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    role        TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    description TEXT    NOT NULL DEFAULT '',
    metadata    TEXT,   -- JSON object, NULL when nil
    settings    TEXT,   -- JSON object, NULL when nil
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (app_id, role)
) STRICT;

-- Friendships are symmetric and stored both ways: (a, b) and (b, a).
CREATE TABLE friends (
    app_id     TEXT    NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    uid        TEXT    NOT NULL,
    friend_uid TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (app_id, uid, friend_uid),
    FOREIGN KEY (app_id, uid) REFERENCES users (app_id, uid) ON DELETE CASCADE,
    FOREIGN KEY (app_id, friend_uid) REFERENCES users (app_id, uid) ON DELETE CASCADE
) STRICT;

-- Serves the cascade from users through friend_uid.
CREATE INDEX friends_friend ON friends (app_id, friend_uid);

-- Blocks are directed: blocker blocks blocked.
CREATE TABLE blocks (
    app_id     TEXT    NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    blocker    TEXT    NOT NULL,
    blocked    TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (app_id, blocker, blocked),
    FOREIGN KEY (app_id, blocker) REFERENCES users (app_id, uid) ON DELETE CASCADE,
    FOREIGN KEY (app_id, blocked) REFERENCES users (app_id, uid) ON DELETE CASCADE
) STRICT;

CREATE INDEX blocks_blocked ON blocks (app_id, blocked);

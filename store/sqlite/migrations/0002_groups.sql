-- 0002_groups: groups, their tags, memberships and bans; the message log.
--
-- Same conventions as 0001_init. Tables whose rows are small and whose
-- primary key is the whole identity (tags, memberships, bans) are WITHOUT
-- ROWID: one B-tree instead of a table plus its key index.

CREATE TABLE groups (
    app_id        TEXT    NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    guid          TEXT    NOT NULL,
    name          TEXT    NOT NULL,
    type          TEXT    NOT NULL,
    icon          TEXT    NOT NULL DEFAULT '',
    description   TEXT    NOT NULL DEFAULT '',
    metadata      TEXT,   -- JSON object, NULL when nil
    tags          TEXT,   -- JSON array, NULL when nil; mirrored in group_tags
    owner         TEXT    NOT NULL DEFAULT '',
    -- Current memberships; kept by the memberships_count_* triggers.
    members_count INTEGER NOT NULL DEFAULT 0,
    password_hash TEXT    NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (app_id, guid)
) STRICT;

CREATE INDEX groups_name ON groups (app_id, name COLLATE NOCASE);

-- One row per tag of a group, kept in step with groups.tags by triggers.
CREATE TABLE group_tags (
    app_id TEXT NOT NULL,
    guid   TEXT NOT NULL,
    tag    TEXT NOT NULL,
    PRIMARY KEY (app_id, guid, tag),
    FOREIGN KEY (app_id, guid) REFERENCES groups (app_id, guid) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

CREATE INDEX group_tags_tag ON group_tags (app_id, tag);

CREATE TRIGGER groups_tags_insert AFTER INSERT ON groups
WHEN NEW.tags IS NOT NULL
BEGIN
    INSERT OR IGNORE INTO group_tags (app_id, guid, tag)
    SELECT NEW.app_id, NEW.guid, value FROM json_each(NEW.tags);
END;

CREATE TRIGGER groups_tags_update AFTER UPDATE OF tags ON groups
BEGIN
    DELETE FROM group_tags WHERE app_id = NEW.app_id AND guid = NEW.guid;
    INSERT OR IGNORE INTO group_tags (app_id, guid, tag)
    SELECT NEW.app_id, NEW.guid, value FROM json_each(NEW.tags);
END;

-- A membership is an interval of the app's message log: from the message
-- joined_id to the message left_id (NULL while it lasts). Past memberships
-- stay, as the spans of history their user may read.
CREATE TABLE memberships (
    app_id    TEXT    NOT NULL,
    guid      TEXT    NOT NULL,
    uid       TEXT    NOT NULL,
    scope     TEXT    NOT NULL,
    joined_id INTEGER NOT NULL,
    joined_at INTEGER NOT NULL,
    left_id   INTEGER,
    left_at   INTEGER,
    PRIMARY KEY (app_id, guid, uid, joined_id),
    FOREIGN KEY (app_id, guid) REFERENCES groups (app_id, guid) ON DELETE CASCADE,
    FOREIGN KEY (app_id, uid) REFERENCES users (app_id, uid) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- At most one current membership per user and group.
CREATE UNIQUE INDEX memberships_current ON memberships (app_id, guid, uid) WHERE left_id IS NULL;
-- Member lists, oldest first.
CREATE INDEX memberships_joined ON memberships (app_id, guid, joined_id) WHERE left_id IS NULL;
-- A user's groups (app_id, uid, left_id IS NULL, in guid order), and the
-- cascade from users, which a partial index could not serve.
CREATE INDEX memberships_uid ON memberships (app_id, uid, left_id, guid);

-- members_count follows the current memberships, so that every membership
-- write stays one statement, atomic by itself (a purge of a user included).
CREATE TRIGGER memberships_count_insert AFTER INSERT ON memberships
WHEN NEW.left_id IS NULL
BEGIN
    UPDATE groups SET members_count = members_count + 1
    WHERE app_id = NEW.app_id AND guid = NEW.guid;
END;

CREATE TRIGGER memberships_count_update AFTER UPDATE OF left_id ON memberships
WHEN (OLD.left_id IS NULL) != (NEW.left_id IS NULL)
BEGIN
    UPDATE groups SET members_count = members_count + (NEW.left_id IS NULL) - (OLD.left_id IS NULL)
    WHERE app_id = NEW.app_id AND guid = NEW.guid;
END;

CREATE TRIGGER memberships_count_delete AFTER DELETE ON memberships
WHEN OLD.left_id IS NULL
BEGIN
    UPDATE groups SET members_count = members_count - 1
    WHERE app_id = OLD.app_id AND guid = OLD.guid;
END;

CREATE TABLE bans (
    app_id    TEXT    NOT NULL,
    guid      TEXT    NOT NULL,
    uid       TEXT    NOT NULL,
    banned_by TEXT    NOT NULL DEFAULT '',
    banned_at INTEGER NOT NULL,
    PRIMARY KEY (app_id, guid, uid),
    FOREIGN KEY (app_id, guid) REFERENCES groups (app_id, guid) ON DELETE CASCADE,
    FOREIGN KEY (app_id, uid) REFERENCES users (app_id, uid) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- Serves the cascade from users.
CREATE INDEX bans_uid ON bans (app_id, uid);

-- The message log: ids are dense per app (apps.last_message_id is the last
-- one handed out). A rowid table, not WITHOUT ROWID: messages are often
-- larger than a WITHOUT ROWID row should be (about 1/20 of a page), and
-- measured with 200-byte and 1.2 KB bodies a rowid table inserts faster,
-- reads a point as fast, stays a third of the size with the larger bodies,
-- and keeps the planner on messages_conversation for conversation pages.
-- No foreign key to users: a message outlives its sender.
CREATE TABLE messages (
    app_id          TEXT    NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    id              INTEGER NOT NULL,
    muid            TEXT    NOT NULL DEFAULT '',
    conversation_id TEXT    NOT NULL,
    sender          TEXT    NOT NULL,
    receiver        TEXT    NOT NULL,
    receiver_type   TEXT    NOT NULL,
    category        TEXT    NOT NULL,
    type            TEXT    NOT NULL,
    data            TEXT    NOT NULL, -- JSON of parley.MessageData
    tags            TEXT,             -- JSON array, NULL when nil
    parent_id       INTEGER NOT NULL DEFAULT 0,
    reply_count     INTEGER NOT NULL DEFAULT 0,
    quoted_id       INTEGER NOT NULL DEFAULT 0,
    sent_at         INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL DEFAULT 0,
    edited_at       INTEGER NOT NULL DEFAULT 0,
    edited_by       TEXT    NOT NULL DEFAULT '',
    deleted_at      INTEGER NOT NULL DEFAULT 0,
    deleted_by      TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (app_id, id)
) STRICT;

CREATE INDEX messages_conversation ON messages (app_id, conversation_id, id);
CREATE INDEX messages_parent ON messages (app_id, parent_id, id) WHERE parent_id != 0;

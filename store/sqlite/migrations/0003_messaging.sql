-- 0003_messaging: what hangs on messages (tags, mentions, search text,
-- reactions, interactions), conversations and each user's state in them,
-- and the log of receipt watermarks.
--
-- Same conventions as 0001 and 0002, but for one thing. The message write
-- path is hot (tens of thousands of messages a second), and an INSERT with a
-- trigger (or a RETURNING clause) opens a statement journal, whose savepoint
-- makes FTS5 flush its pending terms to disk: a segment, and merges, per
-- message. So messages have no INSERT trigger: AppendMessages writes a
-- message's tags, mentions and search text itself, one single-row statement
-- each. Updates and deletes, which are rare, keep the side tables in step by
-- triggers, so that each stays one statement.

-- A client's message id is unique per sender.
CREATE UNIQUE INDEX messages_muid ON messages (app_id, sender, muid) WHERE muid != '';
-- No index on sender: with senders spread over the log it costs a quarter
-- of the append rate (measured), for the sender filter and
-- PurgeUserMessages, which scan the app's log instead.

-- One row per tag of a message, kept in step with messages.tags.
CREATE TABLE message_tags (
    app_id     TEXT    NOT NULL,
    message_id INTEGER NOT NULL,
    tag        TEXT    NOT NULL,
    PRIMARY KEY (app_id, message_id, tag),
    FOREIGN KEY (app_id, message_id) REFERENCES messages (app_id, id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

CREATE TRIGGER messages_tags_update AFTER UPDATE OF tags ON messages
WHEN OLD.tags IS NOT NEW.tags
BEGIN
    DELETE FROM message_tags WHERE app_id = NEW.app_id AND message_id = NEW.id;
    INSERT OR IGNORE INTO message_tags (app_id, message_id, tag)
    SELECT NEW.app_id, NEW.id, value FROM json_each(NEW.tags);
END;

-- One row per user a message mentions: the keys of data.mentions.
CREATE TABLE mentions (
    app_id     TEXT    NOT NULL,
    message_id INTEGER NOT NULL,
    uid        TEXT    NOT NULL,
    PRIMARY KEY (app_id, message_id, uid),
    FOREIGN KEY (app_id, message_id) REFERENCES messages (app_id, id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- A user's mentions in id order.
CREATE INDEX mentions_uid ON mentions (app_id, uid, message_id);

-- The full-text index of data.text (messages with a non-empty text only),
-- keyed by the message's rowid, which VACUUM keeps for a table with indexes
-- (a test holds it to that). Contentless: the text stays in messages.data
-- only, and a row is deleted by its rowid alone.
CREATE VIRTUAL TABLE message_search USING fts5(
    text, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2'
);

-- A message that had text has a search row. The substring test spares the
-- JSON parse (a false positive costs a delete of nothing).
CREATE TRIGGER messages_search_delete AFTER DELETE ON messages
WHEN instr(OLD.data, '"text":') > 0
BEGIN
    DELETE FROM message_search WHERE rowid = OLD.rowid;
END;

-- An edit or a soft delete rewrites data: the mentions and the search text
-- follow it. A write of the same data (a reply count going up) changes
-- nothing.
CREATE TRIGGER messages_data_update AFTER UPDATE OF data ON messages
WHEN OLD.data IS NOT NEW.data
BEGIN
    DELETE FROM mentions WHERE app_id = NEW.app_id AND message_id = NEW.id;
    INSERT OR IGNORE INTO mentions (app_id, message_id, uid)
    SELECT NEW.app_id, NEW.id, key FROM json_each(NEW.data, '$.mentions');
    DELETE FROM message_search WHERE rowid = OLD.rowid AND instr(OLD.data, '"text":') > 0;
    INSERT INTO message_search (rowid, text)
    SELECT NEW.rowid, t FROM (SELECT NEW.data ->> '$.text' AS t) WHERE t != '';
END;

-- One row per (message, user, emoji).
CREATE TABLE reactions (
    app_id     TEXT    NOT NULL,
    message_id INTEGER NOT NULL,
    uid        TEXT    NOT NULL,
    reaction   TEXT    NOT NULL,
    reacted_at INTEGER NOT NULL,
    PRIMARY KEY (app_id, message_id, uid, reaction),
    FOREIGN KEY (app_id, message_id) REFERENCES messages (app_id, id) ON DELETE CASCADE,
    FOREIGN KEY (app_id, uid) REFERENCES users (app_id, uid) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- Serves the cascade from users.
CREATE INDEX reactions_uid ON reactions (app_id, uid);

-- A user's interactions with the elements of an interactive message; the
-- first one of each (message, user, element) is kept.
CREATE TABLE interactions (
    app_id     TEXT    NOT NULL,
    message_id INTEGER NOT NULL,
    uid        TEXT    NOT NULL,
    element_id TEXT    NOT NULL,
    at         INTEGER NOT NULL,
    PRIMARY KEY (app_id, message_id, uid, element_id),
    FOREIGN KEY (app_id, message_id) REFERENCES messages (app_id, id) ON DELETE CASCADE,
    FOREIGN KEY (app_id, uid) REFERENCES users (app_id, uid) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- Serves the cascade from users.
CREATE INDEX interactions_uid ON interactions (app_id, uid);

-- A conversation exists from its first message on. A one-to-one
-- conversation names its two users, sorted (peer_a < peer_b, or equal for a
-- user writing to themself); a group's names the guid in peer_a.
-- last_message_id only grows. No foreign keys to users or groups: the
-- stores removes conversations explicitly (PurgeUserMessages, DeleteGroup).
CREATE TABLE conversations (
    app_id          TEXT    NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    conversation_id TEXT    NOT NULL,
    type            TEXT    NOT NULL, -- user | group
    peer_a          TEXT    NOT NULL,
    peer_b          TEXT    NOT NULL DEFAULT '',
    last_message_id INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (app_id, conversation_id)
) STRICT, WITHOUT ROWID;

-- A user's one-to-one conversations, by either side. Written once, when the
-- conversation begins: a new message changes no indexed column.
CREATE INDEX conversations_peer_a ON conversations (app_id, peer_a) WHERE type = 'user';
CREATE INDEX conversations_peer_b ON conversations (app_id, peer_b) WHERE type = 'user';

-- A user's state in a conversation: read and delivered watermarks (message
-- ids: everything up to it), the id up to which they cleared it, their tags.
-- A missing row reads as all zero. The primary key lists a user's states.
-- The watermarks count unread messages, and a user's own message moves them
-- unlogged; logged_read_id and logged_delivered_id are how far the user's
-- receipts (receipt_marks) have gone, so that a receipt is logged when it
-- goes further than the log, whatever the user's messages did.
CREATE TABLE conversation_states (
    app_id              TEXT    NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    uid                 TEXT    NOT NULL,
    conversation_id     TEXT    NOT NULL,
    read_id             INTEGER NOT NULL DEFAULT 0,
    delivered_id        INTEGER NOT NULL DEFAULT 0,
    logged_read_id      INTEGER NOT NULL DEFAULT 0,
    logged_delivered_id INTEGER NOT NULL DEFAULT 0,
    cleared_id          INTEGER NOT NULL DEFAULT 0,
    tags                TEXT,   -- JSON array, NULL when nil
    updated_at          INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (app_id, uid, conversation_id)
) STRICT, WITHOUT ROWID;

-- The states of one conversation, for removing a conversation whole.
-- Written when a state begins: a watermark moving changes no indexed column.
CREATE INDEX conversation_states_conversation ON conversation_states (app_id, conversation_id);

-- Each receipt that went further than the user's earlier ones, for the
-- delivered and read times of a message (the first mark that reached it).
-- A rowid table: marks of one second keep their order.
CREATE TABLE receipt_marks (
    app_id          TEXT    NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    conversation_id TEXT    NOT NULL,
    uid             TEXT    NOT NULL,
    kind            TEXT    NOT NULL, -- delivered | read
    upto_id         INTEGER NOT NULL,
    at              INTEGER NOT NULL
) STRICT;

CREATE INDEX receipt_marks_conversation ON receipt_marks (app_id, conversation_id, upto_id);

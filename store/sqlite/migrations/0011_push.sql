-- 0011_push: device push tokens and push preferences.
--
-- Same conventions as 0001_init.

-- A device token has one owner in an app: the auth token (the device's
-- login) that registered it last. It goes with that auth token, so a
-- logout, a flush of a user's tokens and a purge stop the pushes.
CREATE TABLE push_tokens (
    app_id        TEXT    NOT NULL,
    platform      TEXT    NOT NULL,
    token         TEXT    NOT NULL,
    auth_token_id TEXT    NOT NULL,
    uid           TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (app_id, platform, token),
    FOREIGN KEY (app_id, auth_token_id) REFERENCES auth_tokens (app_id, id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

CREATE INDEX push_tokens_auth_token ON push_tokens (app_id, auth_token_id);
-- Fan-out finds the tokens of each recipient.
CREATE INDEX push_tokens_uid ON push_tokens (app_id, uid);

-- A user's push preferences; no row: the defaults.
CREATE TABLE push_preferences (
    app_id      TEXT    NOT NULL,
    uid         TEXT    NOT NULL,
    one_on_one  TEXT    NOT NULL,
    groups      TEXT    NOT NULL,
    calls       TEXT    NOT NULL,
    muted       INTEGER NOT NULL DEFAULT 0,
    muted_until INTEGER NOT NULL DEFAULT 0,
    updated_at  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (app_id, uid),
    FOREIGN KEY (app_id, uid) REFERENCES users (app_id, uid) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- A user's push setting for one conversation (peer: the other uid, or the
-- guid); preference '' follows the user's preferences.
CREATE TABLE conversation_push (
    app_id            TEXT    NOT NULL,
    uid               TEXT    NOT NULL,
    conversation_id   TEXT    NOT NULL,
    conversation_type TEXT    NOT NULL,
    peer              TEXT    NOT NULL,
    preference        TEXT    NOT NULL DEFAULT '',
    muted             INTEGER NOT NULL DEFAULT 0,
    muted_until       INTEGER NOT NULL DEFAULT 0,
    updated_at        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (app_id, uid, conversation_id),
    FOREIGN KEY (app_id, uid) REFERENCES users (app_id, uid) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

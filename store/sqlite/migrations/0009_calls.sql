-- 0009_calls: the state of calls (signalling only) and who is in them.

-- One row per call. active is 1 while the call holds its participants
-- (initiated or ongoing: package chat decides), NULL after, so that the
-- partial unique indexes below see active calls only. ring_until is when a
-- call still ringing becomes unanswered, 0 once answered or over: the ring
-- timer lives here, and survives a restart.
CREATE TABLE calls (
    app_id        TEXT    NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    session_id    TEXT    NOT NULL,
    conversation_id TEXT    NOT NULL,
    type          TEXT    NOT NULL,
    initiator     TEXT    NOT NULL,
    receiver      TEXT    NOT NULL,
    receiver_type TEXT    NOT NULL,
    status        TEXT    NOT NULL,
    initiated_at  INTEGER NOT NULL,
    joined_at     INTEGER NOT NULL DEFAULT 0,
    ended_at      INTEGER NOT NULL DEFAULT 0,
    ring_until    INTEGER NOT NULL DEFAULT 0,
    active        INTEGER CHECK (active = 1),
    PRIMARY KEY (app_id, session_id)
) STRICT, WITHOUT ROWID;

-- A receiver's calls (a deleted group's go with it).
CREATE INDEX calls_receiver ON calls (app_id, receiver);

-- A group has at most one active call.
CREATE UNIQUE INDEX calls_group_active ON calls (app_id, receiver)
    WHERE active = 1 AND receiver_type = 'group';

-- The ring timer's sweep: the active calls still ringing, by due time.
CREATE INDEX calls_ringing ON calls (ring_until) WHERE active = 1 AND ring_until > 0;

-- The users in a call. active mirrors the call's, so that a user is in at
-- most one active call: the unique index refuses the second.
CREATE TABLE call_participants (
    app_id     TEXT    NOT NULL,
    session_id TEXT    NOT NULL,
    uid        TEXT    NOT NULL,
    seq        INTEGER NOT NULL, -- order of arrival in the call
    joined_at  INTEGER NOT NULL DEFAULT 0,
    active     INTEGER CHECK (active = 1),
    PRIMARY KEY (app_id, session_id, uid),
    FOREIGN KEY (app_id, session_id) REFERENCES calls (app_id, session_id) ON DELETE CASCADE,
    FOREIGN KEY (app_id, uid) REFERENCES users (app_id, uid) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

CREATE UNIQUE INDEX call_participants_active ON call_participants (app_id, uid) WHERE active = 1;

-- Serves the cascade from users.
CREATE INDEX call_participants_uid ON call_participants (app_id, uid);

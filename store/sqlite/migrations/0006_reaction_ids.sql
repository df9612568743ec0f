-- 0006_reaction_ids: give each reaction an id, as CometChat's reaction
-- objects carry one and its reaction lists page by it (a cursor: the
-- reactions after id n). AUTOINCREMENT so that an id is never reused after a
-- reaction is removed: a cursor past a removed reaction must not skip a new
-- one. Existing reactions are numbered in their old list order.

CREATE TABLE reactions_new (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    app_id     TEXT    NOT NULL,
    message_id INTEGER NOT NULL,
    uid        TEXT    NOT NULL,
    reaction   TEXT    NOT NULL,
    reacted_at INTEGER NOT NULL,
    UNIQUE (app_id, message_id, uid, reaction),
    FOREIGN KEY (app_id, message_id) REFERENCES messages (app_id, id) ON DELETE CASCADE,
    FOREIGN KEY (app_id, uid) REFERENCES users (app_id, uid) ON DELETE CASCADE
) STRICT;

INSERT INTO reactions_new (app_id, message_id, uid, reaction, reacted_at)
SELECT app_id, message_id, uid, reaction, reacted_at FROM reactions
ORDER BY reacted_at, uid, reaction;

DROP TABLE reactions;
ALTER TABLE reactions_new RENAME TO reactions;

-- A message's reactions in id order: the list and its cursor.
CREATE INDEX reactions_message ON reactions (app_id, message_id, id);
-- Serves the cascade from users.
CREATE INDEX reactions_uid ON reactions (app_id, uid);

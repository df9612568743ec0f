-- 0012_messages_conversation_covering: a conversation's page is one range
-- scan of the index.
--
-- messages_conversation held (app_id, conversation_id, id): a page of 50
-- walked the index, then sought each row in the table by its rowid, and the
-- messages of one conversation are spread over the app's whole log, so each
-- was a B-tree descent to a page of its own (55 % of a page's server CPU at
-- 1,000,000 messages). The index now holds every column a page (and an
-- unread count) reads, after its key: the entries of one conversation sit
-- side by side, in id order, and the table is not visited. The price is
-- the messages' size twice on disk, and a bigger index entry written per
-- message (one entry per message either way).
DROP INDEX messages_conversation;
CREATE INDEX messages_conversation ON messages (app_id, conversation_id, id,
    muid, sender, receiver, receiver_type, category, type, data, tags, parent_id, reply_count,
    quoted_id, sent_at, updated_at, edited_at, edited_by, deleted_at, deleted_by);

-- The full-text index gets a segment per write transaction (see 0003), and
-- the message writer's transactions are small when it is not busy; FTS5
-- merges segments once 4 of a level exist (automerge), rewriting each term
-- about log4(segments) times, 10 % of the write path's CPU. Merging 16 at a
-- time rewrites each about half as often, for a search that reads up to
-- four times as many small segments per level.
INSERT INTO message_search (message_search, rank) VALUES ('automerge', 16);

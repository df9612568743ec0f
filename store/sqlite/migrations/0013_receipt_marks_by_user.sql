-- 0013_receipt_marks_by_user: the marks that decide one user's receipts of
-- a range of messages, without reading the rest of the conversation's log.
--
-- A page of one's own one-to-one messages shows when the peer received and
-- read each: the first of the peer's marks that reached it. A user's marks
-- of one kind only grow (a mark is logged when it goes further than the
-- last), so for messages lo..hi those are the peer's marks of each kind from
-- lo up to the first that reaches hi; with receipt_marks_conversation alone
-- the page read every mark from lo to the end of the conversation.
CREATE INDEX receipt_marks_user ON receipt_marks (app_id, conversation_id, uid, kind, upto_id);

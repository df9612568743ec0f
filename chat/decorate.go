package chat

import (
	"context"

	"github.com/parleychat/parley"
)

// decorate adds to messages what depends on the reader and on other
// records: reaction counts, the quoted message, delivered and read times of
// the reader's own one-to-one messages, and signed attachment URLs. A
// failure here degrades the answer (logged) rather than failing the read.
func (s *Service) decorate(ctx context.Context, a parley.Actor, ms []*parley.Message) {
	if len(ms) == 0 {
		return
	}
	ids := make([]int64, len(ms))
	for i, m := range ms {
		ids[i] = m.ID
	}
	counts, err := s.store.ReactionCounts(ctx, a.AppID, a.UID, ids)
	if err != nil {
		s.log.WarnContext(ctx, "reaction counts", "err", err)
	}
	receipts := s.peerReceipts(ctx, a, ms)
	for _, m := range ms {
		m.Data.Reactions = counts[m.ID]
		if r, ok := receipts[m.ID]; ok {
			m.DeliveredAt, m.ReadAt = r.DeliveredAt, r.ReadAt
		}
		if m.QuotedID != 0 && m.QuotedMessage == nil {
			if q, err := s.visibleMessage(ctx, s.store, a, m.QuotedID); err == nil {
				s.signAttachments(a.AppID, q.Data.Attachments)
				m.QuotedMessage = q
			}
		}
		s.signAttachments(a.AppID, m.Data.Attachments)
		s.signEntity(a.AppID, m)
	}
}

// peerReceipts computes, for the reader's own one-to-one messages, when the
// peer received and read each: the first logged advance of the peer's
// watermark that reached the message.
func (s *Service) peerReceipts(ctx context.Context, a parley.Actor, ms []*parley.Message) map[int64]parley.Receipt {
	if a.UID == "" {
		return nil
	}
	byConv := map[string][]*parley.Message{}
	for _, m := range ms {
		if m.Sender == a.UID && m.ReceiverType == parley.ReceiverUser && m.Category != parley.CategoryAction {
			byConv[m.ConversationID] = append(byConv[m.ConversationID], m)
		}
	}
	out := map[int64]parley.Receipt{}
	for conv, own := range byConv {
		// Only the peer's marks between the page's first and last own
		// message can decide: not the whole log after the first.
		lo, hi := own[0].ID, own[0].ID
		for _, m := range own {
			lo, hi = min(lo, m.ID), max(hi, m.ID)
		}
		marks, err := s.store.UserReceiptMarks(ctx, a.AppID, conv, own[0].Receiver, lo, hi)
		if err != nil {
			s.log.WarnContext(ctx, "receipt marks", "err", err)
			continue
		}
		for _, m := range own {
			out[m.ID] = receiptOf(marks, m.Receiver, m.ID)
		}
	}
	return out
}

// receiptOf finds when uid first had message id delivered and read.
func receiptOf(marks []parley.ReceiptMark, uid string, id int64) parley.Receipt {
	r := parley.Receipt{UID: uid}
	for _, mk := range marks {
		if mk.UID != uid || mk.UpToID < id {
			continue
		}
		if r.DeliveredAt == 0 {
			r.DeliveredAt = mk.At // a read implies delivery
		}
		if mk.Kind == parley.ReceiptRead && r.ReadAt == 0 {
			r.ReadAt = mk.At
		}
	}
	return r
}

// decorateNew is decorate for a message just sent, which has no reactions
// or receipts yet.
func (s *Service) decorateNew(ctx context.Context, a parley.Actor, m *parley.Message) {
	if m.QuotedID != 0 && m.QuotedMessage == nil {
		if q, err := s.visibleMessage(ctx, s.store, a, m.QuotedID); err == nil {
			s.signAttachments(a.AppID, q.Data.Attachments)
			m.QuotedMessage = q
		}
	}
	s.signAttachments(a.AppID, m.Data.Attachments)
}

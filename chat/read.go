package chat

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/parleychat/parley"
)

// MessageQuery is a message list request: the store filter plus the
// switches that depend on who asks.
type MessageQuery struct {
	parley.MessageFilter
	MyMentionsOnly bool // only messages that mention the viewer
	HideBlocked    bool // hide messages of users in a block relation with the viewer
	// DataJSON asks for the page as an encoder that knows
	// parley.Message.DataJSON wants it: each message whose data the reader
	// does not change (no stored file to sign a URL of) keeps the data as
	// stored, undecoded; Data holds the reader's reactions only.
	DataJSON bool
}

var attachmentTypes = map[string]bool{parley.TypeImage: true, parley.TypeVideo: true, parley.TypeAudio: true, parley.TypeFile: true}

var categories = map[string]bool{parley.CategoryMessage: true, parley.CategoryCustom: true, parley.CategoryAction: true,
	parley.CategoryCall: true, parley.CategoryInteractive: true}

// filterFor checks a query and turns it into the store filter for actor a.
func (s *Service) filterFor(a parley.Actor, q MessageQuery) (parley.MessageFilter, error) {
	f := q.MessageFilter
	if err := s.messageLimit(&f); err != nil {
		return f, err
	}
	for _, c := range f.Categories {
		if !categories[c] {
			return f, msgErr(parley.KindInvalid, parley.CodeInvalidCategory, "unknown category %q", c)
		}
	}
	for _, t := range f.AttachmentTypes {
		if !attachmentTypes[t] {
			return f, invalid("attachmentTypes takes image, video, audio and file")
		}
	}
	if f.OnlyUpdates && f.UpdatedSince == 0 {
		return f, invalid("onlyUpdates needs updatedAt")
	}
	if f.HideDeleted && f.OnlyDeleted {
		return f, invalid("hideDeleted and onlyDeleted exclude each other")
	}
	for i, uid := range f.MentionedUIDs {
		f.MentionedUIDs[i], _ = parley.NormalizeID(uid)
	}
	if f.Sender != "" {
		f.Sender, _ = parley.NormalizeID(f.Sender)
	}
	f.Viewer = a.UID
	if q.MyMentionsOnly && a.UID != "" {
		f.MentionedUIDs = []string{a.UID}
	}
	if q.HideBlocked && a.UID != "" {
		f.HideBlockedOf = a.UID
	}
	return f, nil
}

// begin starts a list request: the actor and the checked filter.
func (s *Service) begin(ctx context.Context, q MessageQuery) (parley.Actor, parley.MessageFilter, error) {
	a, err := needReader(ctx, "read messages")
	if err != nil {
		return a, parley.MessageFilter{}, err
	}
	f, err := s.filterFor(a, q)
	return a, f, err
}

// list runs a filter and decorates the page for the reader; asJSON: see
// MessageQuery.DataJSON.
func (s *Service) list(ctx context.Context, a parley.Actor, f parley.MessageFilter, asJSON bool) (*MessagePage, error) {
	read := s.store.Messages
	if asJSON {
		read = s.store.MessagesJSON
	}
	ms, err := read(ctx, a.AppID, f)
	if err != nil {
		return nil, parley.Internal(err)
	}
	for _, m := range ms {
		if err := decodeIfRead(m); err != nil {
			return nil, parley.Internal(err)
		}
	}
	s.decorate(ctx, a, ms)
	return &MessagePage{Messages: ms, Filter: f}, nil
}

// Messages lists every message the actor may see: all of the app's for a
// full access key acting as no user; a user's one-to-one messages and the
// messages of their groups while they were members otherwise.
func (s *Service) Messages(ctx context.Context, q MessageQuery) (*MessagePage, error) {
	if err := s.mayUse(ctx, featListMessages); err != nil {
		return nil, err
	}
	a, f, err := s.begin(ctx, q)
	if err != nil {
		return nil, err
	}
	return s.list(ctx, a, f, q.DataJSON)
}

// UserMessages lists the one-to-one conversation of the acting user with
// uid; a full access key acting as no user gets every one-to-one message
// uid sent or received.
func (s *Service) UserMessages(ctx context.Context, uid string, q MessageQuery) (*MessagePage, error) {
	if err := s.mayUse(ctx, featGetUserMessages); err != nil {
		return nil, err
	}
	a, f, err := s.begin(ctx, q)
	if err != nil {
		return nil, err
	}
	if err := s.withUser(ctx, a, uid, &f); err != nil {
		return nil, err
	}
	return s.list(ctx, a, f, q.DataJSON)
}

// withUser narrows f to the messages between the actor and the user uid
// (a user's conversation with them), or, for the app, to every one-to-one
// message uid sent or received.
func (s *Service) withUser(ctx context.Context, a parley.Actor, uid string, f *parley.MessageFilter) error {
	uid, _ = parley.NormalizeID(uid)
	if _, err := liveUser(ctx, s.store, a.AppID, uid, ""); err != nil {
		return err
	}
	if a.IsUser() {
		f.ConversationID = parley.UserConversationID(a.UID, uid)
	} else {
		f.Participant = uid
	}
	return nil
}

// GroupMessages lists a group's history as the actor may see it: a member
// sees what was sent while they were a member (from the message that
// records their joining on), a full access key acting as no user sees all.
// Non-members see nothing.
func (s *Service) GroupMessages(ctx context.Context, guid string, q MessageQuery) (*MessagePage, error) {
	if err := s.mayUse(ctx, featGetGroupMessages); err != nil {
		return nil, err
	}
	a, f, err := s.begin(ctx, q)
	if err != nil {
		return nil, err
	}
	v, err := loadGroupToRead(ctx, s.store, a, guid)
	if err != nil {
		return nil, err
	}
	if err := v.needMember(ctx, s.store); err != nil {
		return nil, err
	}
	f.ConversationID = parley.GroupConversationID(v.g.GUID)
	return s.list(ctx, a, f, q.DataJSON)
}

// Thread lists the replies to a message the actor may see.
func (s *Service) Thread(ctx context.Context, id int64, q MessageQuery) (*MessagePage, error) {
	if err := s.mayUse(ctx, featListThreaded); err != nil {
		return nil, err
	}
	a, f, err := s.begin(ctx, q)
	if err != nil {
		return nil, err
	}
	parent, err := s.visibleMessage(ctx, s.store, a, id)
	if err != nil {
		return nil, err
	}
	f.ConversationID, f.ParentID, f.HideReplies = parent.ConversationID, parent.ID, false
	return s.list(ctx, a, f, q.DataJSON)
}

// decodeIfRead decodes the stored data of a message (DataJSON) that
// decorate would change: one that names a stored file, whose URL is signed
// for each read, or whose stored data carries reactions of its own (decorate
// counts them afresh for each reader). Reactions are the last field of the
// data's encoding, an array: only data that ends with one is looked into.
func decodeIfRead(m *parley.Message) error {
	d := m.DataJSON
	if d == "" {
		return nil
	}
	if len(d) > 1 && d[0] == '{' && !strings.Contains(d, mediaScheme) &&
		!(strings.HasSuffix(d, "]}") && strings.Contains(d, `"reactions":`)) {
		return nil
	}
	m.DataJSON = ""
	if err := json.Unmarshal([]byte(d), &m.Data); err != nil {
		return fmt.Errorf("message %d data: %w", m.ID, err)
	}
	return nil
}

// MessageDetail is one message with, for its sender in a group, each
// recipient's receipt.
type MessageDetail struct {
	*parley.Message
	Receipts []parley.Receipt `json:"receipts,omitempty"`
}

// Message returns one message the actor may see.
func (s *Service) Message(ctx context.Context, id int64) (*MessageDetail, error) {
	if err := s.mayUse(ctx, featGetMessage); err != nil {
		return nil, err
	}
	a, err := needReader(ctx, "read messages")
	if err != nil {
		return nil, err
	}
	m, err := s.visibleMessage(ctx, s.store, a, id)
	if err != nil {
		return nil, err
	}
	s.decorate(ctx, a, []*parley.Message{m})
	d := &MessageDetail{Message: m}
	if m.ReceiverType == parley.ReceiverGroup && (m.Sender == a.UID || a.IsServer()) {
		// Only members who were in the group when m was sent received it:
		// the store lists their marks only.
		marks, err := s.store.MemberReceiptMarks(ctx, a.AppID, m.Receiver, m.ID)
		if err != nil {
			return nil, parley.Internal(err)
		}
		seen := map[string]bool{}
		for _, mk := range marks {
			if mk.UID == m.Sender || seen[mk.UID] {
				continue
			}
			seen[mk.UID] = true
			d.Receipts = append(d.Receipts, receiptOf(marks, mk.UID, m.ID))
		}
	}
	return d, nil
}

// UnreadCounts counts the acting user's unread messages per conversation.
func (s *Service) UnreadCounts(ctx context.Context) ([]parley.UnreadCount, error) {
	a, err := needUser(ctx, "counting unread messages")
	if err != nil {
		return nil, err
	}
	cs, err := s.store.UnreadCounts(ctx, a.AppID, a.UID)
	if err != nil {
		return nil, parley.Internal(err)
	}
	return cs, nil
}

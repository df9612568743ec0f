//go:build groups

package chat

import (
	"context"

	"github.com/parleychat/parley"
)

// messageLimit fills in and bounds a message page size.
func (s *Service) messageLimit(f *parley.MessageFilter) error {
	if f.Limit < 0 || f.AfterID < 0 || f.BeforeID < 0 {
		return invalid("limit and id must be positive")
	}
	if f.Limit == 0 {
		f.Limit = s.limits.DefaultPerPage
	}
	if f.Limit > s.limits.MaxPerPage {
		f.Limit = s.limits.MaxPerPage
	}
	return nil
}

// GroupMessages lists a group's history as the actor may see it: a member
// sees what was sent while they were a member (from the message that
// records their joining on), a full access key acting as no user sees all.
// Non-members see nothing.
func (s *Service) GroupMessages(ctx context.Context, guid string, f parley.MessageFilter) ([]*parley.Message, error) {
	a, err := needReader(ctx, "read messages")
	if err != nil {
		return nil, err
	}
	if err := s.messageLimit(&f); err != nil {
		return nil, err
	}
	v, err := loadGroup(ctx, s.store, a, guid)
	if err != nil {
		return nil, err
	}
	if err := v.needMember(ctx, s.store); err != nil {
		return nil, err
	}
	f.ConversationID = parley.GroupConversationID(v.g.GUID)
	f.Viewer = a.UID
	ms, err := s.store.Messages(ctx, a.AppID, f)
	if err != nil {
		return nil, parley.Internal(err)
	}
	return ms, nil
}

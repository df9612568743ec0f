//go:build !msg

package chat

import (
	"context"

	"github.com/parleychat/parley"
)

// GroupMessages lists a group's history as the actor may see it: a member
// sees what was sent while they were a member (from the message that
// records their joining on), a full access key acting as no user sees all.
// Non-members see nothing.
func (s *Service) GroupMessages(ctx context.Context, guid string, f parley.MessageFilter) (*MessagePage, error) {
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
	return &MessagePage{Messages: ms, Filter: f}, nil
}

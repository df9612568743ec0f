package chat

import (
	"context"
	"errors"

	"github.com/parleychat/parley"
)

// ConversationPushUpdate sets the acting user's push setting for each
// conversation it names: one-to-one conversations by the other user's
// uid, groups by guid. Unset fields keep their value.
type ConversationPushUpdate struct {
	UIDs       []string `json:"uids"`
	GUIDs      []string `json:"guids"`
	Preference *string  `json:"preference"` // all | mentions | none | "" (the user's)
	Muted      *bool    `json:"muted"`
	MutedUntil *int64   `json:"mutedUntil"`
}

// ConversationsIn names conversations: by the other user's uid, or guid.
type ConversationsIn struct {
	UIDs  []string `json:"uids"`
	GUIDs []string `json:"guids"`
}

// shownConversationPush is c as read at now: a mute that ended is shown
// ended.
func shownConversationPush(c *parley.ConversationPush, now int64) *parley.ConversationPush {
	out := *c
	if !mutedAt(out.Muted, out.MutedUntil, now) {
		out.Muted, out.MutedUntil = false, 0
	}
	return &out
}

// ConversationPushes lists the acting user's conversation push settings.
func (s *Service) ConversationPushes(ctx context.Context) ([]*parley.ConversationPush, error) {
	a, err := needUser(ctx, "push preferences")
	if err != nil {
		return nil, err
	}
	cs, err := s.store.ConversationPushes(ctx, a.AppID, a.UID)
	if err != nil {
		return nil, parley.Internal(err)
	}
	out := make([]*parley.ConversationPush, 0, len(cs))
	now := s.unix()
	for _, c := range cs {
		out = append(out, shownConversationPush(c, now))
	}
	return out, nil
}

// conversationRefs checks the conversations in names and returns their
// settings as they stand (new ones empty), in the order named. Each must
// be one the acting user may be in: an existing other user, or a group
// they are a member of.
func (s *Service) conversationRefs(ctx context.Context, a parley.Actor, in ConversationsIn) ([]*parley.ConversationPush, error) {
	n := len(in.UIDs) + len(in.GUIDs)
	if n == 0 {
		return nil, invalid("name the conversations: uids, guids or both")
	}
	if n > parley.MaxBulkUIDs {
		return nil, parley.Errorf(parley.KindInvalid, parley.CodeTooManyUIDs, "at most %d conversations a call", parley.MaxBulkUIDs)
	}
	var out []*parley.ConversationPush
	seen := map[string]bool{}
	for _, l := range []struct {
		ids []string
		typ string
	}{{in.UIDs, parley.ConversationUser}, {in.GUIDs, parley.ConversationGroup}} {
		for _, id := range l.ids {
			c := &parley.ConversationPush{ConversationType: l.typ}
			if l.typ == parley.ConversationUser {
				uid, err := normID(id, parley.CodeInvalidUID, "uid")
				if err != nil {
					return nil, err
				}
				if uid == a.UID {
					return nil, invalid("there is no conversation with yourself to set")
				}
				c.UID = uid
			} else {
				guid, err := normID(id, parley.CodeInvalidGUID, "guid")
				if err != nil {
					return nil, err
				}
				c.GUID = guid
			}
			var err error
			if c.ConversationID, err = s.conversationID(ctx, a, l.typ, c.UID+c.GUID); err != nil {
				return nil, err
			}
			if !seen[c.ConversationID] {
				seen[c.ConversationID] = true
				out = append(out, c)
			}
		}
	}
	return out, nil
}

// SetConversationPushes writes the acting user's setting for each
// conversation in names, and returns them.
func (s *Service) SetConversationPushes(ctx context.Context, in ConversationPushUpdate) ([]*parley.ConversationPush, error) {
	a, err := needUser(ctx, "push preferences")
	if err != nil {
		return nil, err
	}
	if in.Preference == nil && in.Muted == nil && in.MutedUntil == nil {
		return nil, invalid("set preference, muted or mutedUntil")
	}
	if in.Preference != nil {
		if err := checkPreference("preference", *in.Preference, true, true); err != nil {
			return nil, err
		}
	}
	refs, err := s.conversationRefs(ctx, a, ConversationsIn{UIDs: in.UIDs, GUIDs: in.GUIDs})
	if err != nil {
		return nil, err
	}
	now := s.unix()
	err = s.store.InTx(ctx, func(tx parley.Tx) error {
		have, err := tx.ConversationPushes(ctx, a.AppID, a.UID)
		if err != nil {
			return err
		}
		byID := make(map[string]*parley.ConversationPush, len(have))
		for _, c := range have {
			byID[c.ConversationID] = c
		}
		for _, c := range refs {
			if old := byID[c.ConversationID]; old != nil {
				c.Preference, c.Muted, c.MutedUntil = old.Preference, old.Muted, old.MutedUntil
			}
			setIf(&c.Preference, in.Preference)
			if err := applyMute(in.Muted, in.MutedUntil, &c.Muted, &c.MutedUntil); err != nil {
				return err
			}
			c.UpdatedAt = now
			if err := tx.SetConversationPush(ctx, a.AppID, a.UID, c); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, storeErr(err, errUIDNotFound(a.UID), nil)
	}
	for i, c := range refs {
		refs[i] = shownConversationPush(c, now)
	}
	return refs, nil
}

// ResetConversationPushes removes the acting user's settings for the
// conversations in names (those with none are no error) and says how
// many went.
func (s *Service) ResetConversationPushes(ctx context.Context, in ConversationsIn) (int, error) {
	a, err := needUser(ctx, "push preferences")
	if err != nil {
		return 0, err
	}
	refs, err := s.conversationRefs(ctx, a, in)
	if err != nil {
		return 0, err
	}
	n := 0
	err = s.store.InTx(ctx, func(tx parley.Tx) error {
		for _, c := range refs {
			switch err := tx.DeleteConversationPush(ctx, a.AppID, a.UID, c.ConversationID); {
			case err == nil:
				n++
			case !errors.Is(err, parley.ErrNotFound):
				return err
			}
		}
		return nil
	})
	return n, storeErr(err, nil, nil)
}

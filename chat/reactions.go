package chat

import (
	"context"

	"github.com/parleychat/parley"
)

// reactable returns a message the acting user may react to or interact
// with: visible, not an action, not deleted.
func (s *Service) reactable(ctx context.Context, tx parley.Tx, a parley.Actor, id int64) (*parley.Message, error) {
	m, err := s.visibleMessage(ctx, tx, a, id)
	if err != nil {
		return nil, err
	}
	if m.DeletedAt != 0 {
		return nil, errMessageNotFound(id)
	}
	if m.Category == parley.CategoryAction {
		return nil, msgErr(parley.KindForbidden, parley.CodeActionNotAllowed, "action messages take no reactions")
	}
	return m, nil
}

// AddReaction adds the acting user's reaction to a message and returns the
// message with its reactions.
func (s *Service) AddReaction(ctx context.Context, id int64, reaction string) (*parley.Message, error) {
	return s.react(ctx, id, reaction, true)
}

// RemoveReaction takes the acting user's reaction off a message.
func (s *Service) RemoveReaction(ctx context.Context, id int64, reaction string) (*parley.Message, error) {
	return s.react(ctx, id, reaction, false)
}

func (s *Service) react(ctx context.Context, id int64, reaction string, add bool) (*parley.Message, error) {
	a, err := needUser(ctx, "reacting")
	if err != nil {
		return nil, err
	}
	if err := checkReaction(reaction); err != nil {
		return nil, err
	}
	var m *parley.Message
	err = s.store.InTx(ctx, func(tx parley.Tx) error {
		if m, err = s.reactable(ctx, tx, a, id); err != nil {
			return err
		}
		r := &parley.Reaction{MessageID: id, UID: a.UID, Reaction: reaction, ReactedAt: s.unix()}
		if add {
			err = storeErr(tx.AddReaction(ctx, a.AppID, r), nil,
				msgErr(parley.KindConflict, parley.CodeAlreadyReacted, "you already reacted %s", reaction))
		} else {
			err = storeErr(tx.RemoveReaction(ctx, a.AppID, id, a.UID, reaction),
				msgErr(parley.KindNotFound, parley.CodeReactionNotFound, "you have no %s reaction on this message", reaction), nil)
		}
		if err != nil {
			return err
		}
		s.afterCommit(ctx, tx, s.reactionEvent(ctx, a, m, r, add))
		trigger := parley.TriggerReactionAdded
		if !add {
			trigger = parley.TriggerReactionRemoved
		}
		return s.hook(ctx, tx, a.AppID, trigger, func() any {
			rc := *r
			rc.User = hookUser(ctx, tx, a.AppID, a.UID)
			return map[string]any{"reaction": &rc, "message": s.hookMessage(a.AppID, m)}
		})
	})
	if err != nil {
		return nil, storeErr(err, nil, nil)
	}
	s.decorate(ctx, a, []*parley.Message{m})
	return m, nil
}

// ReactionPage is a page of a message's reactions and the filter that
// made it (its limit filled in), from which the cursors follow.
type ReactionPage struct {
	Reactions []*parley.Reaction
	Filter    parley.ReactionFilter
}

// Reactions lists a page of a message's reactions (of one emoji, or all
// when f.Reaction is empty), oldest first: those after the cursor
// f.AfterID, at most f.Limit (default and bound as for messages).
func (s *Service) Reactions(ctx context.Context, id int64, f parley.ReactionFilter) (*ReactionPage, error) {
	a, err := needReader(ctx, "read reactions")
	if err != nil {
		return nil, err
	}
	if f.Limit < 0 || f.AfterID < 0 {
		return nil, invalid("limit and id must be positive")
	}
	if f.Limit == 0 {
		f.Limit = s.limits.DefaultPerPage
	}
	f.Limit = min(f.Limit, s.limits.MaxPerPage)
	if f.Reaction != "" {
		if err := checkReaction(f.Reaction); err != nil {
			return nil, err
		}
	}
	if _, err := s.visibleMessage(ctx, s.store, a, id); err != nil {
		return nil, err
	}
	rs, err := s.store.Reactions(ctx, a.AppID, id, f)
	if err != nil {
		return nil, parley.Internal(err)
	}
	return &ReactionPage{Reactions: rs, Filter: f}, nil
}

// Interacted is the answer to an interaction: the acting user's
// interactions with the message and whether they completed its goal.
type Interacted struct {
	MessageID    int64                `json:"messageId,string"`
	Interactions []parley.Interaction `json:"interactions"`
	Completed    bool                 `json:"interactionCompleted"`
}

// Interact records the acting user's interactions with elements of an
// interactive message and decides whether the message's goal is complete
// for them: anyAction after any interaction, anyOf after one of the goal's
// elements, allOf after all of them, none never.
func (s *Service) Interact(ctx context.Context, id int64, elementIDs []string) (*Interacted, error) {
	a, err := needUser(ctx, "interacting")
	if err != nil {
		return nil, err
	}
	if len(elementIDs) == 0 || len(elementIDs) > parley.MaxBulkUIDs {
		return nil, msgErr(parley.KindInvalid, parley.CodeInvalidInteraction, "name 1-%d element ids", parley.MaxBulkUIDs)
	}
	out := &Interacted{MessageID: id, Interactions: []parley.Interaction{}}
	err = s.store.InTx(ctx, func(tx parley.Tx) error {
		m, err := s.reactable(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if m.Category != parley.CategoryInteractive {
			return msgErr(parley.KindInvalid, parley.CodeInvalidInteraction, "only interactive messages take interactions")
		}
		if m.Sender == a.UID && !m.Data.AllowSenderInteraction {
			return msgErr(parley.KindForbidden, parley.CodeInvalidInteraction, "the sender may not interact with this message")
		}
		now := s.unix()
		for _, el := range elementIDs {
			if el == "" || len(el) > parley.MaxIDLen {
				return msgErr(parley.KindInvalid, parley.CodeInvalidInteraction, "an element id is 1-%d characters", parley.MaxIDLen)
			}
			if err := tx.AddInteraction(ctx, a.AppID, id, parley.Interaction{UID: a.UID, ElementID: el, InteractedAt: now}); err != nil {
				return err
			}
		}
		all, err := tx.Interactions(ctx, a.AppID, id)
		if err != nil {
			return err
		}
		for _, in := range all {
			if in.UID == a.UID {
				out.Interactions = append(out.Interactions, in)
			}
		}
		out.Completed = goalMet(m.Data.InteractionGoal, out.Interactions)
		if out.Completed {
			e := s.aboutMessage(ctx, parley.EventInteraction, m, out)
			s.afterCommit(ctx, tx, e)
		}
		return nil
	})
	if err != nil {
		return nil, storeErr(err, nil, nil)
	}
	return out, nil
}

// goalMet decides an interaction goal from one user's interactions.
func goalMet(g *parley.InteractionGoal, ins []parley.Interaction) bool {
	if g == nil || len(ins) == 0 {
		return false
	}
	done := map[string]bool{}
	for _, in := range ins {
		done[in.ElementID] = true
	}
	switch g.Type {
	case "anyAction":
		return true
	case "anyOf":
		for _, el := range g.ElementIDs {
			if done[el] {
				return true
			}
		}
	case "allOf":
		for _, el := range g.ElementIDs {
			if !done[el] {
				return false
			}
		}
		return true
	}
	return false
}

// reactionEvent reports a reaction added to or removed from m.
func (s *Service) reactionEvent(ctx context.Context, a parley.Actor, m *parley.Message, r *parley.Reaction, add bool) *parley.Event {
	action := "message_reaction_removed"
	if add {
		action = "message_reaction_added"
	}
	rc := *r
	rc.User = a.User
	return s.aboutMessage(ctx, parley.EventReaction, m, map[string]any{"action": action, "reaction": &rc})
}

// aboutMessage builds an event about message m, addressed like m and routed
// to those who may see it.
func (s *Service) aboutMessage(ctx context.Context, typ string, m *parley.Message, body any) *parley.Event {
	a := parley.ActorFrom(ctx)
	receiver := m.Receiver
	if m.ReceiverType == parley.ReceiverUser && receiver == a.UID {
		receiver = m.Sender
	}
	e := to(s.event(ctx, typ, body), receiver, m.ReceiverType)
	if e != nil {
		e.Route.About = m.ID
	}
	return e
}

package httpapi

import (
	"net/http"

	"github.com/parleychat/parley"
)

// conversationRoutes registers API.md §6: the list, and for each of a user
// and a group peer, one conversation with its tags and receipts.
func (s *Server) conversationRoutes() {
	m := s.mux
	m.Handle("GET /v3/conversations", s.api(s.listConversations))
	for _, p := range []struct{ prefix, typ, param string }{
		{"/v3/users/{uid}/conversation", parley.ConversationUser, "uid"},
		{"/v3/groups/{guid}/conversation", parley.ConversationGroup, "guid"},
	} {
		c := convRef{typ: p.typ, param: p.param}
		m.Handle("GET "+p.prefix, s.api(c.handle(s.getConversation)))
		m.Handle("PUT "+p.prefix, s.api(c.handle(s.tagConversation)))
		m.Handle("DELETE "+p.prefix, s.api(c.handle(s.deleteConversation)))
		m.Handle("POST "+p.prefix+"/delivered", s.api(c.handle(s.markDelivered)))
		m.Handle("POST "+p.prefix+"/read", s.api(c.handle(s.markRead)))
		m.Handle("DELETE "+p.prefix+"/read", s.api(c.handle(s.markUnread)))
	}
}

// convRef names the peer of a conversation route: a user or a group.
type convRef struct{ typ, param string }

func (c convRef) handle(h func(w http.ResponseWriter, r *http.Request, typ, peer string) error) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error { return h(w, r, c.typ, r.PathValue(c.param)) }
}

func (s *Server) listConversations(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	f := parley.ConversationFilter{
		ConversationType: q.str("conversationType"),
		SearchKey:        q.str("searchKey"),
		Tags:             q.list("tags"),
		UserTags:         q.list("userTags"),
		GroupTags:        q.list("groupTags"),
		WithTags:         q.bool("withTags") || q.bool("withUserAndGroupTags"),
		Unread:           q.bool("unread"),
		Page:             q.page(),
	}
	if q.err != nil {
		return q.err
	}
	cs, p, err := s.svc.Conversations(r.Context(), f)
	return paged(w, cs, p, err)
}

func (s *Server) getConversation(w http.ResponseWriter, r *http.Request, typ, peer string) error {
	c, err := s.svc.Conversation(r.Context(), typ, peer)
	if err != nil {
		return err
	}
	return ok(w, c, nil)
}

func (s *Server) tagConversation(w http.ResponseWriter, r *http.Request, typ, peer string) error {
	var in struct {
		Tags []string `json:"tags"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	c, err := s.svc.TagConversation(r.Context(), typ, peer, in.Tags)
	if err != nil {
		return err
	}
	return ok(w, c, nil)
}

func (s *Server) deleteConversation(w http.ResponseWriter, r *http.Request, typ, peer string) error {
	var in struct {
		DeleteMessagesPermanently bool `json:"deleteMessagesPermanently"`
		PreserveOrder             bool `json:"preserveOrder"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	if err := s.svc.DeleteConversation(r.Context(), typ, peer); err != nil {
		return err
	}
	return done(w, "conversation deleted")
}

// receiptBody is the body of the receipt routes.
type receiptBody struct {
	MessageID parley.FlexID `json:"messageId"`
}

func (s *Server) markDelivered(w http.ResponseWriter, r *http.Request, typ, peer string) error {
	var in receiptBody
	if err := decode(r, &in); err != nil {
		return err
	}
	if err := s.svc.MarkDelivered(r.Context(), typ, peer, int64(in.MessageID)); err != nil {
		return err
	}
	return done(w, "marked delivered")
}

func (s *Server) markRead(w http.ResponseWriter, r *http.Request, typ, peer string) error {
	var in receiptBody
	if err := decode(r, &in); err != nil {
		return err
	}
	if err := s.svc.MarkRead(r.Context(), typ, peer, int64(in.MessageID)); err != nil {
		return err
	}
	return done(w, "marked read")
}

func (s *Server) markUnread(w http.ResponseWriter, r *http.Request, typ, peer string) error {
	var in receiptBody
	if err := decode(r, &in); err != nil {
		return err
	}
	if err := s.svc.MarkUnread(r.Context(), typ, peer, int64(in.MessageID)); err != nil {
		return err
	}
	return done(w, "marked unread")
}

package httpapi

import (
	"context"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/chat"
)

// messageRoutes registers API.md §5 and §6.
func (s *Server) messageRoutes() {
	m := s.mux
	m.Handle("POST /v3/messages", s.apiSend(s.sendMessage))
	m.Handle("GET /v3/messages", s.api(s.listMessages))
	m.Handle("GET /v3/users/{uid}/messages", s.api(s.userMessages))
	m.Handle("GET /v3/groups/{guid}/messages", s.api(s.groupMessages))
	m.Handle("GET /v3/messages/{id}", s.api(s.getMessage))
	m.Handle("PUT /v3/messages/{id}", s.api(s.editMessage))
	m.Handle("DELETE /v3/messages/{id}", s.api(s.deleteMessage))
	m.Handle("POST /v3/messages/{id}/thread", s.apiSend(s.sendReply))
	m.Handle("GET /v3/messages/{id}/thread", s.api(s.listThread))
	m.Handle("POST /v3/messages/{id}/reactions/{reaction}", s.api(s.addReaction))
	m.Handle("DELETE /v3/messages/{id}/reactions/{reaction}", s.api(s.removeReaction))
	m.Handle("GET /v3/messages/{id}/reactions", s.api(s.listReactions))
	m.Handle("GET /v3/messages/{id}/reactions/{reaction}", s.api(s.listReactions))
	m.Handle("PATCH /v3/messages/{id}/interacted", s.api(s.interacted))
	m.Handle("GET /v3/media/{key...}", s.public(s.media))
	s.conversationRoutes()
}

// pathID reads the {id} path value.
func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, parley.Errorf(parley.KindNotFound, parley.CodeMessageNotFound, "no message with id %q", r.PathValue("id"))
	}
	return id, nil
}

// sendMessage takes JSON, or multipart/form-data with file or files[]
// parts (see readSend).
func (s *Server) sendMessage(w http.ResponseWriter, r *http.Request) error {
	in, uploads, cleanup, err := s.readSend(r)
	if err != nil {
		return err
	}
	defer cleanup()
	res, err := s.svc.Send(r.Context(), in, uploads)
	if err != nil {
		return err
	}
	if res.MessageJSON != nil {
		return okJSON(w, res.MessageJSON)
	}
	if res.Message != nil {
		return ok(w, res.Message, nil)
	}
	return ok(w, map[string]any{"users": res.Users, "groups": res.Groups}, nil)
}

// messageQuery reads the filters of API.md §5.
func messageQuery(q *query) chat.MessageQuery {
	f := messageFilter(q)
	f.Categories = append(q.list("category"), q.list("categories")...)
	f.Types = append(q.list("type"), q.list("types")...)
	f.Tags = q.list("tags")
	f.WithTags = q.bool("withTags")
	f.Sender = q.str("sender")
	f.SearchKey = q.str("searchKey")
	f.HasAttachments = q.bool("hasAttachments")
	f.AttachmentTypes = q.list("attachmentTypes")
	f.HasMentions = q.bool("hasMentions")
	f.MentionedUIDs = q.list("mentionedUids")
	f.HasReactions = q.bool("hasReactions")
	f.HideReplies = q.bool("hideReplies")
	f.HideDeleted = q.bool("hideDeleted")
	f.OnlyDeleted = q.bool("onlyDeleted")
	f.FromTime = int64(q.int("fromTimestamp"))
	f.ToTime = int64(q.int("toTimestamp"))
	f.UpdatedSince = int64(q.int("updatedAt"))
	f.OnlyUpdates = q.bool("onlyUpdates")
	if sentAt := int64(q.int("sentAt")); sentAt > 0 {
		if q.str("affix") == parley.AffixAppend {
			f.FromTime = sentAt
		} else {
			f.ToTime = sentAt
		}
	}
	return chat.MessageQuery{MessageFilter: f, DataJSON: true, MyMentionsOnly: q.bool("myMentionsOnly"),
		HideBlocked: q.bool("hideMessagesFromBlockedUsers")}
}

func (s *Server) listMessages(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	if q.bool("unread") && q.bool("count") {
		counts, err := s.svc.UnreadCounts(r.Context())
		if err != nil {
			return err
		}
		if counts == nil {
			counts = []parley.UnreadCount{}
		}
		return ok(w, counts, nil)
	}
	mq := messageQuery(q)
	if q.err != nil {
		return q.err
	}
	p, err := s.svc.Messages(r.Context(), mq)
	return s.messagePage(w, p, err)
}

func (s *Server) userMessages(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	mq := messageQuery(q)
	if q.err != nil {
		return q.err
	}
	p, err := s.svc.UserMessages(r.Context(), r.PathValue("uid"), mq)
	return s.messagePage(w, p, err)
}

func (s *Server) groupMessages(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r)
	mq := messageQuery(q)
	if q.err != nil {
		return q.err
	}
	p, err := s.svc.GroupMessages(r.Context(), r.PathValue("guid"), mq)
	return s.messagePage(w, p, err)
}

func (s *Server) getMessage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	m, err := s.svc.Message(r.Context(), id)
	if err != nil {
		return err
	}
	return ok(w, m, nil)
}

func (s *Server) editMessage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in parley.MessageUpdate
	if err := decode(r, &in); err != nil {
		return err
	}
	m, err := s.svc.EditMessage(r.Context(), id, in)
	if err != nil {
		return err
	}
	return ok(w, m, nil)
}

func (s *Server) deleteMessage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in struct {
		Permanent bool `json:"permanent"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	act, err := s.svc.DeleteMessage(r.Context(), id, in.Permanent || newQuery(r).bool("permanent"))
	if err != nil {
		return err
	}
	return ok(w, act, nil)
}

// sendReply sends a message whose parent is the path's message; receiver
// and receiverType default to the parent's conversation.
func (s *Server) sendReply(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	in, uploads, cleanup, err := s.readSend(r)
	if err != nil {
		return err
	}
	defer cleanup()
	in.ParentID, in.MultipleReceivers = parley.FlexID(id), nil
	res, err := s.svc.Reply(r.Context(), in, uploads)
	if err != nil {
		return err
	}
	return ok(w, res, nil)
}

func (s *Server) listThread(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	q := newQuery(r)
	mq := messageQuery(q)
	if q.err != nil {
		return q.err
	}
	p, err := s.svc.Thread(r.Context(), id, mq)
	return s.messagePage(w, p, err)
}

func (s *Server) addReaction(w http.ResponseWriter, r *http.Request) error {
	return s.reaction(w, r, s.svc.AddReaction)
}

func (s *Server) removeReaction(w http.ResponseWriter, r *http.Request) error {
	return s.reaction(w, r, s.svc.RemoveReaction)
}

func (s *Server) reaction(w http.ResponseWriter, r *http.Request, fn func(ctx context.Context, id int64, reaction string) (*parley.Message, error)) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	m, err := fn(r.Context(), id, r.PathValue("reaction"))
	if err != nil {
		return err
	}
	return ok(w, m, nil)
}

func (s *Server) listReactions(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	q := newQuery(r)
	f := reactionFilter(q)
	f.Reaction = r.PathValue("reaction")
	if q.err != nil {
		return q.err
	}
	p, err := s.svc.Reactions(r.Context(), id, f)
	return reactionPage(w, p, err)
}

func (s *Server) interacted(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in struct {
		Interactions []string `json:"interactions"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	res, err := s.svc.Interact(r.Context(), id, in.Interactions)
	if err != nil {
		return err
	}
	return ok(w, res, nil)
}

// inlineMedia are the types of file a browser shows inline without running
// anything in it: raster images, audio and video. Any other type (SVG,
// HTML, XML, PDF, or one unknown) is active or may be, and is sent as an
// attachment.
var inlineMedia = map[string]bool{
	"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true, "image/avif": true,
	"image/bmp": true, "image/x-icon": true, "image/vnd.microsoft.icon": true,
	"audio/mpeg": true, "audio/ogg": true, "audio/wav": true, "audio/x-wav": true, "audio/webm": true,
	"audio/aac": true, "audio/flac": true, "audio/mp4": true,
	"video/mp4": true, "video/webm": true, "video/ogg": true, "video/quicktime": true,
}

// media serves a stored file for a signed URL. Files are sent as
// attachments unless of a passive type (inlineMedia), and every answer,
// errors too, is never sniffed and sandboxed: a file that runs script
// (an SVG, say) must not run it on the API's origin.
func (s *Server) media(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Security-Policy", "sandbox; default-src 'none'")
	q := newQuery(r)
	f, name, err := s.svc.Media(r.Context(), r.PathValue("key"), q.str("expires"), q.str("signature"))
	if err != nil {
		return err
	}
	defer f.Close()
	ct := mime.TypeByExtension(strings.ToLower(path.Ext(name)))
	if ct == "" {
		ct = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Cache-Control", "private, max-age=3600")
	if mt, _, err := mime.ParseMediaType(ct); err != nil || !inlineMedia[mt] {
		w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	}
	http.ServeContent(w, r, "", time.Time{}, f)
	return nil
}

package client

import (
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"

	"github.com/parleychat/parley"
)

// Receiver names a conversation: a user (by uid) or a group (by guid).
type Receiver struct {
	ID   string
	Type string // parley.ReceiverUser or parley.ReceiverGroup
}

// ToUser names the one-to-one conversation with uid.
func ToUser(uid string) Receiver { return Receiver{ID: uid, Type: parley.ReceiverUser} }

// ToGroup names a group's conversation.
func ToGroup(guid string) Receiver { return Receiver{ID: guid, Type: parley.ReceiverGroup} }

// String writes the receiver as "user:bob" or "group:team".
func (r Receiver) String() string { return r.Type + ":" + r.ID }

// File is a file sent with a media message. Body is read once, while the
// message is sent.
type File struct {
	Name        string    // the file name, e.g. "photo.png"
	ContentType string    // e.g. "image/png"; guessed from Name when empty
	Body        io.Reader // the bytes
}

// Send sends a message as the logged-in user: any category a client may
// send (message, custom, interactive), with tags, metadata, a thread
// parent (ParentID), a quoted message and a client id (MUID: a resend with
// the same MUID answers the first message and stores nothing). The answer
// is the message as its sender reads it.
func (c *Client) Send(ctx context.Context, m parley.NewMessage) (*parley.Message, error) {
	return c.caller().send(ctx, path("messages"), m, nil)
}

// SendText sends a text message.
func (c *Client) SendText(ctx context.Context, to Receiver, text string) (*parley.Message, error) {
	return c.Send(ctx, parley.NewMessage{Receiver: to.ID, ReceiverType: to.Type, Category: parley.CategoryMessage,
		Type: parley.TypeText, Data: parley.MessageInput{Text: text}})
}

// SendMedia sends a media message (m.Type parley.TypeImage, TypeVideo,
// TypeAudio or TypeFile) with files uploaded from their readers and/or
// attachments by URL in m.Data.Attachments; m.Data.Text is a caption.
func (c *Client) SendMedia(ctx context.Context, m parley.NewMessage, files ...File) (*parley.Message, error) {
	if m.Category == "" {
		m.Category = parley.CategoryMessage
	}
	if m.Type == "" {
		m.Type = parley.TypeFile
	}
	return c.caller().send(ctx, path("messages"), m, files)
}

// SendCustom sends a custom message: a type of the app's own and its data.
func (c *Client) SendCustom(ctx context.Context, to Receiver, typ string, data map[string]any) (*parley.Message, error) {
	return c.Send(ctx, parley.NewMessage{Receiver: to.ID, ReceiverType: to.Type, Category: parley.CategoryCustom,
		Type: typ, Data: parley.MessageInput{CustomData: data}})
}

// SendInteractive sends an interactive message (a form, a poll…): its data
// and the goal whose completion the receivers' interactions reach (nil:
// none).
func (c *Client) SendInteractive(ctx context.Context, to Receiver, typ string, data map[string]any, goal *parley.InteractionGoal) (*parley.Message, error) {
	return c.Send(ctx, parley.NewMessage{Receiver: to.ID, ReceiverType: to.Type, Category: parley.CategoryInteractive,
		Type: typ, Data: parley.MessageInput{InteractiveData: data, InteractionGoal: goal}})
}

// Reply sends m as a reply in the thread of message parentID; m's receiver
// defaults to the parent's conversation. Files make it a media reply.
func (c *Client) Reply(ctx context.Context, parentID int64, m parley.NewMessage, files ...File) (*parley.Message, error) {
	return c.caller().send(ctx, path("messages", idString(parentID), "thread"), m, files)
}

// send posts a message, as JSON or, with files, as a multipart form.
func (k caller) send(ctx context.Context, p string, m parley.NewMessage, files []File) (*parley.Message, error) {
	if m.MultipleReceivers != nil {
		// Its answer is a result per receiver, not a message.
		return nil, errorf(parley.KindInvalid, CodeInvalidArgument, "the SDK does not send to multipleReceivers yet: send to each")
	}
	if m.Category == "" {
		m.Category = parley.CategoryMessage
	}
	if m.Category == parley.CategoryMessage && m.Type == "" {
		m.Type = parley.TypeText
	}
	var in any = m
	if len(files) > 0 {
		in = multipartMessage(m, files)
	}
	var out parley.Message
	if _, err := k.call(ctx, http.MethodPost, p, nil, in, &out); err != nil {
		return nil, err
	}
	typeEntities(&out)
	return &out, nil
}

// multipartMessage streams m as the data part and files as files[] parts.
func multipartMessage(m parley.NewMessage, files []File) *rawBody {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		err := func() error {
			data, err := json.Marshal(m)
			if err != nil {
				return err
			}
			if err := mw.WriteField("data", string(data)); err != nil {
				return err
			}
			for _, f := range files {
				h := make(textproto.MIMEHeader)
				h.Set("Content-Disposition", `form-data; name="files[]"; filename="`+quoteName(f.Name)+`"`)
				if f.ContentType != "" {
					h.Set("Content-Type", f.ContentType)
				}
				w, err := mw.CreatePart(h)
				if err != nil {
					return err
				}
				if _, err := io.Copy(w, f.Body); err != nil {
					return err
				}
			}
			return mw.Close()
		}()
		pw.CloseWithError(err)
	}()
	return &rawBody{contentType: mw.FormDataContentType(), r: pr}
}

// quoteName escapes a file name for a Content-Disposition header.
func quoteName(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\r", "", "\n", "").Replace(s)
}

// message makes a call whose answer is a message.
func (k caller) message(ctx context.Context, method, p string, in any) (*parley.Message, error) {
	var out parley.Message
	if _, err := k.call(ctx, method, p, nil, in, &out); err != nil {
		return nil, err
	}
	typeEntities(&out)
	return &out, nil
}

// Message reads one message the user may see, soft-deleted ones included.
func (c *Client) Message(ctx context.Context, id int64) (*parley.Message, error) {
	return c.caller().message(ctx, http.MethodGet, path("messages", idString(id)), nil)
}

// MessageReceipts returns, to the sender of a group message, who received
// and read it: one receipt per member whose watermark reached it.
func (c *Client) MessageReceipts(ctx context.Context, id int64) ([]parley.Receipt, error) {
	var out struct {
		Receipts []parley.Receipt `json:"receipts"`
	}
	_, err := c.call(ctx, http.MethodGet, path("messages", idString(id)), nil, nil, &out)
	return out.Receipts, err
}

// EditMessage changes a message the user sent (its text, metadata or tags)
// and returns it as edited.
func (c *Client) EditMessage(ctx context.Context, id int64, in parley.MessageUpdate) (*parley.Message, error) {
	m, err := c.caller().message(ctx, http.MethodPut, path("messages", idString(id)), in)
	if err != nil {
		return nil, err
	}
	// The server answers the "edited" action message, as CometChat's API
	// does; the message as edited is its "on" entity.
	if on, ok := m.Data.Entities["on"].Entity.(*parley.Message); ok && m.Category == parley.CategoryAction {
		return on, nil
	}
	return m, nil
}

// EditText changes the text of a text message the user sent.
func (c *Client) EditText(ctx context.Context, id int64, text string) (*parley.Message, error) {
	var in parley.MessageUpdate
	in.Data.Text = &text
	return c.EditMessage(ctx, id, in)
}

// DeleteMessage deletes a message softly: it stays in the log, emptied,
// with deletedAt and deletedBy. The sender may, and in a group its admins
// and moderators.
func (c *Client) DeleteMessage(ctx context.Context, id int64) error {
	_, err := c.call(ctx, http.MethodDelete, path("messages", idString(id)), nil, nil, nil)
	return err
}

// DeleteMessagePermanently removes a message from the log; its id stays a
// hole.
func (c *Client) DeleteMessagePermanently(ctx context.Context, id int64) error {
	_, err := c.call(ctx, http.MethodDelete, path("messages", idString(id)), nil, map[string]bool{"permanent": true}, nil)
	return err
}

// AddReaction adds the user's reaction (an emoji, say) to a message and
// returns the message.
func (c *Client) AddReaction(ctx context.Context, id int64, reaction string) (*parley.Message, error) {
	return c.caller().message(ctx, http.MethodPost, path("messages", idString(id), "reactions", reaction), nil)
}

// RemoveReaction removes the user's reaction from a message.
func (c *Client) RemoveReaction(ctx context.Context, id int64, reaction string) (*parley.Message, error) {
	return c.caller().message(ctx, http.MethodDelete, path("messages", idString(id), "reactions", reaction), nil)
}

// Interacted is the answer to Interact: the user's interactions with an
// interactive message and whether they completed its goal.
type Interacted struct {
	MessageID    int64                `json:"messageId,string"`
	Interactions []parley.Interaction `json:"interactions"`
	Completed    bool                 `json:"interactionCompleted"`
}

// Interact records that the user acted on elements of an interactive
// message.
func (c *Client) Interact(ctx context.Context, id int64, elementIDs ...string) (*Interacted, error) {
	var out Interacted
	_, err := c.call(ctx, http.MethodPatch, path("messages", idString(id), "interacted"), nil,
		map[string][]string{"interactions": elementIDs}, &out)
	return ptr(&out, err)
}

// Peer returns the conversation a message belongs to as seen by the
// logged-in user: its group, or the other user.
func (c *Client) Peer(m *parley.Message) Receiver {
	if m.ReceiverType == parley.ReceiverGroup {
		return ToGroup(m.Receiver)
	}
	me := ""
	if u := c.LoggedInUser(); u != nil {
		me = u.UID
	}
	if m.Sender == me {
		return ToUser(m.Receiver)
	}
	return ToUser(m.Sender)
}

// MarkDelivered tells the server (and the sender) that the user received m
// and every earlier message of its conversation.
func (c *Client) MarkDelivered(ctx context.Context, m *parley.Message) error {
	return c.mark(ctx, http.MethodPost, c.Peer(m), "delivered", m.ID)
}

// MarkRead tells the server (and the sender) that the user read m and
// every earlier message of its conversation.
func (c *Client) MarkRead(ctx context.Context, m *parley.Message) error {
	return c.mark(ctx, http.MethodPost, c.Peer(m), "read", m.ID)
}

// MarkUnread marks m and every later message of its conversation unread
// for the user.
func (c *Client) MarkUnread(ctx context.Context, m *parley.Message) error {
	return c.mark(ctx, http.MethodDelete, c.Peer(m), "read", m.ID)
}

// MarkConversationRead marks a conversation read up to message id (0: up
// to its latest message).
func (c *Client) MarkConversationRead(ctx context.Context, to Receiver, id int64) error {
	return c.mark(ctx, http.MethodPost, to, "read", id)
}

func (c *Client) mark(ctx context.Context, method string, to Receiver, what string, id int64) error {
	var body map[string]string
	if id > 0 {
		body = map[string]string{"messageId": idString(id)}
	}
	_, err := c.call(ctx, method, conversationPath(to)+"/"+what, nil, body, nil)
	return err
}

// conversationPath is the path of the user's conversation with to.
func conversationPath(to Receiver) string {
	if to.Type == parley.ReceiverGroup {
		return path("groups", to.ID, "conversation")
	}
	return path("users", to.ID, "conversation")
}

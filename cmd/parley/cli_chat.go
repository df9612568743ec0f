package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/client"
)

// login logs uid in for one command: it makes an auth token with the key
// (or the operator token), registers the listeners (before the socket
// connects, so that none of its events is missed) and logs in. The
// returned function logs the token out again and closes the client.
func (e *cliEnv) login(ctx context.Context, uid string, manual bool, listen func(*client.Client)) (*client.Client, func(), error) {
	if uid == "" {
		return nil, nil, usagef("--as UID is required")
	}
	s, err := e.server()
	if err != nil {
		return nil, nil, err
	}
	c, err := e.client(manual)
	if err != nil {
		return nil, nil, err
	}
	tok, err := s.CreateAuthToken(ctx, uid, parley.Device{Platform: "cli", DeviceID: "parley-cli"})
	if err != nil {
		return nil, nil, err
	}
	if listen != nil {
		listen(c)
	}
	if _, err := c.Login(ctx, tok.Token); err != nil {
		return nil, nil, err
	}
	return c, func() {
		lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = c.Logout(lctx) // the token made for this command goes with it
		c.Close()
	}, nil
}

// conversation reads --to/--with and --group.
func conversation(with, group string) (client.Receiver, error) {
	switch {
	case with != "" && group != "":
		return client.Receiver{}, usagef("give a user or a group, not both")
	case with != "":
		return client.ToUser(with), nil
	case group != "":
		return client.ToGroup(group), nil
	}
	return client.Receiver{}, usagef("--to UID (or --with) or --group GUID is required")
}

// sendCmd: parley send --as UID --to UID|--group GUID TEXT...
func sendCmd(ctx context.Context, e *cliEnv, args []string) error {
	fs := e.flags("send")
	var as, to, group string
	fs.StringVar(&as, "as", "", "the sender's uid")
	fs.StringVar(&to, "to", "", "the receiving user")
	fs.StringVar(&group, "group", "", "the receiving group")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	r, err := conversation(to, group)
	if err != nil {
		return err
	}
	text := strings.Join(pos, " ")
	if strings.TrimSpace(text) == "" {
		return usagef("the text to send is missing")
	}
	c, done, err := e.login(ctx, as, true, nil)
	if err != nil {
		return err
	}
	defer done()
	m, err := c.SendText(ctx, r, text)
	if err != nil {
		return err
	}
	return e.print(m, func(w io.Writer) { fmt.Fprintf(w, "sent message %d to %s\n", m.ID, r) })
}

// listenCmd: parley listen --as UID prints every live event until
// interrupted: a line of text each, or the frame as one JSON line with
// --json.
func listenCmd(ctx context.Context, e *cliEnv, args []string) error {
	fs := e.flags("listen")
	var as string
	fs.StringVar(&as, "as", "", "the uid to listen as")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	failed := make(chan error, 1)
	_, done, err := e.login(ctx, as, false, func(c *client.Client) {
		c.OnEvent(func(ev client.Event) {
			if e.json {
				var b bytes.Buffer
				if json.Compact(&b, ev.Raw) == nil {
					b.WriteByte('\n')
					e.stdout.Write(b.Bytes())
				}
				return
			}
			fmt.Fprintln(e.stdout, describe(ev))
		})
		c.OnConnection(client.ConnectionListener{
			OnConnected: func() { fmt.Fprintf(e.stderr, "listening as %s (Ctrl-C to stop)\n", as) },
			OnDisconnected: func(err error) {
				if err == nil {
					return
				}
				if client.IsFinal(err) {
					select {
					case failed <- err:
					default:
					}
					return
				}
				fmt.Fprintf(e.stderr, "disconnected (%v); reconnecting\n", err)
			},
		})
	})
	if err != nil {
		return err
	}
	defer done()
	select {
	case <-ctx.Done():
		return nil
	case err := <-failed:
		return err
	}
}

// describe writes an event as a line of text.
func describe(ev client.Event) string {
	var b map[string]any
	_ = json.Unmarshal(ev.Body, &b)
	str := func(m map[string]any, k string) string { s, _ := m[k].(string); return s }
	conv := ev.Receiver
	if ev.ReceiverType == parley.ReceiverGroup {
		conv = "#" + ev.Receiver
	}
	switch ev.Type {
	case client.EventMessage:
		data, _ := b["data"].(map[string]any)
		what := str(data, "text")
		switch str(b, "category") {
		case parley.CategoryAction:
			what = "(" + str(data, "action") + ")"
		case parley.CategoryCustom, parley.CategoryInteractive, parley.CategoryCall:
			what = "(" + str(b, "category") + " " + str(b, "type") + ")"
		case parley.CategoryMessage:
			if t := str(b, "type"); t != parley.TypeText {
				what = strings.TrimSpace("[" + t + "] " + what)
			}
		}
		return fmt.Sprintf("message %s %s → %s: %s", str(b, "id"), ev.Sender, conv, what)
	case client.EventTyping:
		return fmt.Sprintf("typing %s → %s: %s", ev.Sender, conv, str(b, "action"))
	case client.EventReceipt:
		return fmt.Sprintf("receipt %s %s up to message %v in %s", ev.Sender, str(b, "action"), b["messageId"], conv)
	case client.EventPresence:
		return fmt.Sprintf("presence %s %s", ev.Sender, str(b, "status"))
	case client.EventReaction:
		r, _ := b["reaction"].(map[string]any)
		return fmt.Sprintf("reaction %s %s %s on message %v", ev.Sender, strings.TrimPrefix(str(b, "action"), "message_reaction_"),
			str(r, "reaction"), r["messageId"])
	case client.EventError:
		return fmt.Sprintf("error %s: %s", str(b, "code"), str(b, "message"))
	}
	return fmt.Sprintf("%s %s → %s %s", ev.Type, ev.Sender, conv, ev.Body)
}

// chatCmd: parley chat --as UID --with UID|--group GUID: the
// conversation's recent history, then its live messages and typing; each
// line typed is sent; /quit or end of input leaves.
func chatCmd(ctx context.Context, e *cliEnv, args []string) error {
	fs := e.flags("chat")
	var as, with, group string
	var history int
	fs.StringVar(&as, "as", "", "the uid to chat as")
	fs.StringVar(&with, "with", "", "the user to chat with")
	fs.StringVar(&group, "group", "", "the group to chat in")
	fs.IntVar(&history, "history", 20, "how many earlier messages to show")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	peer, err := conversation(with, group)
	if err != nil {
		return err
	}
	me := strings.ToLower(strings.TrimSpace(as))
	v := &chatView{w: e.stdout, me: me, peer: peer}
	c, done, err := e.login(ctx, as, false, v.listen)
	if err != nil {
		return err
	}
	defer done()
	v.c = c
	req := c.Messages().Limit(history)
	if peer.Type == parley.ReceiverGroup {
		req = req.WithGroup(peer.ID)
	} else {
		req = req.WithUser(peer.ID)
	}
	page, err := req.Fetch(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "chat of %s with %s: type a line and Enter to send, /quit to leave\n", me, peer)
	v.ready(ctx, page.Messages)

	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(e.stdin)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
	}()
	for {
		select {
		case <-ctx.Done():
			return nil
		case line, ok := <-lines:
			if !ok || strings.TrimSpace(line) == "/quit" {
				return nil
			}
			if strings.TrimSpace(line) == "" {
				continue
			}
			if _, err := c.SendText(ctx, peer, line); err != nil {
				if pe, ok := parley.AsError(err); ok {
					fmt.Fprintf(e.stderr, "not sent: %s: %s\n", pe.Code, pe.Message)
				} else {
					fmt.Fprintf(e.stderr, "not sent: %v\n", err)
				}
			}
		}
	}
}

// chatView prints one conversation: the history first, then what comes
// live (held back until the history is out, and without the messages it
// already showed).
type chatView struct {
	w    io.Writer
	c    *client.Client
	me   string
	peer client.Receiver

	mu      sync.Mutex
	shown   bool              // the history is out
	last    int64             // the newest id of the history
	pending []*parley.Message // live messages that came before it
}

// in reports whether m belongs to the conversation.
func (v *chatView) in(m *parley.Message) bool {
	if v.peer.Type == parley.ReceiverGroup {
		return m.ReceiverType == parley.ReceiverGroup && m.Receiver == v.peer.ID
	}
	return m.ConversationID == parley.UserConversationID(v.me, v.peer.ID)
}

func (v *chatView) listen(c *client.Client) {
	show := func(m *parley.Message) { v.live(m) }
	c.OnMessage(client.MessageListener{
		OnText: show, OnMedia: show, OnCustom: show, OnInteractive: show,
		OnEdited: func(m, _ *parley.Message) {
			if v.in(m) {
				fmt.Fprintf(v.w, "* %s edited: %s\n", m.Sender, m.Data.Text)
			}
		},
		OnDeleted: func(m, a *parley.Message) {
			if v.in(m) {
				fmt.Fprintf(v.w, "* %s deleted a message\n", a.Sender)
			}
		},
		OnTypingStarted: func(t client.TypingIndicator) {
			if t.Sender != v.me && (t.Receiver == v.peer || (v.peer.Type == parley.ReceiverUser && t.Sender == v.peer.ID)) {
				fmt.Fprintf(v.w, "* %s is typing…\n", t.Sender)
			}
		},
	})
	member := func(a client.GroupAction) {
		if v.in(a.Message) && a.On != nil {
			fmt.Fprintf(v.w, "* %s %s\n", a.On.UID, a.Action)
		}
	}
	c.OnGroup(client.GroupListener{OnJoined: member, OnLeft: member, OnAdded: member, OnKicked: member, OnBanned: member})
}

// live shows a message that came over the socket.
func (v *chatView) live(m *parley.Message) {
	if !v.in(m) {
		return
	}
	v.mu.Lock()
	if !v.shown {
		v.pending = append(v.pending, m)
		v.mu.Unlock()
		return
	}
	v.mu.Unlock()
	v.show(m)
	v.markRead(context.Background(), m)
}

// ready prints the history, then the live messages held back.
func (v *chatView) ready(ctx context.Context, history []*parley.Message) {
	for _, m := range history {
		v.show(m)
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	var last *parley.Message
	if n := len(history); n > 0 {
		last = history[n-1]
		v.last = last.ID
	}
	for _, m := range v.pending {
		if m.ID > v.last {
			v.show(m)
			last = m
		}
	}
	v.pending, v.shown = nil, true
	if last != nil {
		v.markRead(ctx, last) // a watermark: everything shown so far
	}
}

// markRead tells the other side that the user read m (and what came
// before it), unless the user sent it.
func (v *chatView) markRead(ctx context.Context, m *parley.Message) {
	if m.Sender != v.me && m.Category != parley.CategoryAction {
		_ = v.c.MarkRead(ctx, m)
	}
}

// show prints a message.
func (v *chatView) show(m *parley.Message) {
	text := m.Data.Text
	switch {
	case m.Category == parley.CategoryAction:
		on := ""
		if u, ok := m.Data.Entities["on"].Entity.(*parley.User); ok {
			on = u.UID + " "
		}
		fmt.Fprintf(v.w, "* %s%s\n", on, m.Data.Action)
		return
	case m.DeletedAt > 0:
		text = "(deleted)"
	case m.Category != parley.CategoryMessage || m.Type != parley.TypeText:
		text = strings.TrimSpace(fmt.Sprintf("[%s %s] %s", m.Category, m.Type, text))
	}
	fmt.Fprintf(v.w, "[%s] %s: %s\n", time.Unix(m.SentAt, 0).Format("15:04"), m.Sender, text)
}

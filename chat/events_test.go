package chat_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/broker/inmem"
	"github.com/parleychat/parley/chat"
	"github.com/parleychat/parley/store/sqlite"
)

// eventWorld is a service publishing on a real in-memory broker, with an
// app, users ann, bob and cat (contexts as their auth tokens make them,
// ann's with device "phone"), the app's server context, and a subscription
// to the app's events.
type eventWorld struct {
	svc    *chat.Service
	st     *sqlite.Store
	server context.Context
	user   map[string]context.Context
	token  map[string]string
	sub    parley.Subscription
}

func newEventWorld(t *testing.T) *eventWorld {
	t.Helper()
	ctx := context.Background()
	st, err := template.Open(ctx, filepath.Join(t.TempDir(), "parley.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	br := inmem.New(inmem.Config{})
	t.Cleanup(func() { br.Close() })
	svc := chat.New(chat.Config{Store: st, PasswordCost: 4, Broker: br})
	t.Cleanup(func() { svc.Close() })
	boot, err := svc.Bootstrap(ctx, "an-operator-token-of-enough-length")
	if err != nil {
		t.Fatal(err)
	}
	w := &eventWorld{svc: svc, st: st, user: map[string]context.Context{}, token: map[string]string{}}
	w.server = parley.NewContext(ctx, parley.Actor{AppID: boot.App.ID, Access: parley.AccessFullAccess})
	for _, uid := range []string{"ann", "bob", "cat"} {
		if _, err := svc.CreateUser(w.server, parley.NewUser{UID: uid, Name: uid}); err != nil {
			t.Fatal(err)
		}
		tok, err := svc.CreateAuthToken(w.server, uid, parley.Device{})
		if err != nil {
			t.Fatal(err)
		}
		device := ""
		if uid == "ann" {
			device = "phone"
		}
		a, err := svc.SocketAuth(ctx, boot.App.ID, tok.Token, device)
		if err != nil {
			t.Fatal(err)
		}
		w.user[uid], w.token[uid] = parley.NewContext(ctx, a), tok.Token
	}
	if w.sub, err = br.Subscribe(ctx, boot.App.ID); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.sub.Close() })
	return w
}

// next waits for the next event of the app.
func (w *eventWorld) next(t *testing.T) *parley.Event {
	t.Helper()
	select {
	case e, ok := <-w.sub.C():
		if !ok {
			t.Fatalf("subscription closed: %v", w.sub.Err())
		}
		return e
	case <-time.After(5 * time.Second):
		t.Fatal("no event within 5 s")
	}
	return nil
}

// none fails if an event is waiting. Events are published before the call
// that made them returns, so a call that published nothing has nothing
// waiting once it returned.
func (w *eventWorld) none(t *testing.T, after string) {
	t.Helper()
	select {
	case e := <-w.sub.C():
		t.Fatalf("after %s: unexpected event %s %+v", after, e.Type, e.Route)
	default:
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantEvent(t *testing.T, e *parley.Event, typ, sender, receiver, receiverType string) {
	t.Helper()
	if e.Type != typ || e.Sender != sender || e.Receiver != receiver || e.ReceiverType != receiverType {
		t.Fatalf("event %s from %s to %s %s, want %s from %s to %s %s", e.Type, e.Sender, e.ReceiverType, e.Receiver,
			typ, sender, receiverType, receiver)
	}
}

func TestEventsOfMessages(t *testing.T) {
	t.Parallel()
	w := newEventWorld(t)
	res, err := w.svc.Send(w.user["ann"], parley.NewMessage{Receiver: "bob", ReceiverType: parley.ReceiverUser,
		Data: parley.MessageInput{Text: "hi"}}, nil)
	must(t, err)
	e := w.next(t)
	wantEvent(t, e, parley.EventMessage, "ann", "bob", parley.ReceiverUser)
	if e.Route.MessageID != res.Message.ID || e.DeviceID != "phone" {
		t.Errorf("route %+v device %q, want message id %d from device phone", e.Route, e.DeviceID, res.Message.ID)
	}
	var body parley.Message
	must(t, json.Unmarshal(e.Body, &body))
	if body.ID != res.Message.ID || body.Data.Text != "hi" || body.Sender != "ann" {
		t.Errorf("body %+v, want the message sent", body)
	}

	// A refused send publishes nothing.
	_, err = w.svc.Send(w.user["ann"], parley.NewMessage{Receiver: "room", ReceiverType: parley.ReceiverGroup,
		Data: parley.MessageInput{Text: "hi"}}, nil)
	if err == nil {
		t.Fatal("send to a group that does not exist succeeded")
	}
	w.none(t, "a refused send")

	var up parley.MessageUpdate
	up.Data.Text = ptr("hello")
	_, err = w.svc.EditMessage(w.user["ann"], res.Message.ID, up)
	must(t, err)
	e = w.next(t)
	wantEvent(t, e, parley.EventMessage, "ann", "bob", parley.ReceiverUser)
	if e.Route.Action != parley.ActionEdited || e.Route.About != res.Message.ID || e.Route.MessageID != res.Message.ID+1 {
		t.Errorf("edit route %+v, want edited about %d with id %d", e.Route, res.Message.ID, res.Message.ID+1)
	}

	_, err = w.svc.DeleteMessage(w.user["ann"], res.Message.ID, false)
	must(t, err)
	e = w.next(t)
	if e.Route.Action != parley.ActionDeleted || e.Route.About != res.Message.ID {
		t.Errorf("delete route %+v, want deleted about %d", e.Route, res.Message.ID)
	}
	if strings.Contains(string(e.Body), "hello") {
		t.Errorf("the deleted action carries the deleted text: %s", e.Body)
	}
}

func TestEventsOfGroupMembers(t *testing.T) {
	t.Parallel()
	w := newEventWorld(t)
	_, err := w.svc.CreateGroup(w.user["ann"], parley.NewGroup{GUID: "g", Name: "G", Type: parley.GroupPublic})
	must(t, err)
	e := w.next(t) // the owner's membership begins with the group
	if e.Route.Target != "ann" || e.Route.MessageID == 0 {
		t.Errorf("group creation: route %+v, want a member action on ann", e.Route)
	}
	_, err = w.svc.Join(w.user["bob"], "g", "")
	must(t, err)
	e = w.next(t)
	wantEvent(t, e, parley.EventMessage, "bob", "g", parley.ReceiverGroup)
	if e.Route.Action != parley.ActionJoined || e.Route.Target != "bob" || e.Route.MessageID == 0 {
		t.Errorf("join route %+v, want joined on bob with an id", e.Route)
	}
	must(t, w.svc.Kick(w.user["ann"], "g", "bob"))
	e = w.next(t)
	if e.Route.Action != parley.ActionKicked || e.Route.Target != "bob" || e.Sender != "ann" {
		t.Errorf("kick: sender %s route %+v, want kicked on bob by ann", e.Sender, e.Route)
	}
	// A refused kick (bob is no member now) publishes nothing.
	if err := w.svc.Kick(w.user["ann"], "g", "bob"); err == nil {
		t.Fatal("kicking a non-member succeeded")
	}
	w.none(t, "a refused kick")

	_, err = w.svc.UpdateGroup(w.user["ann"], "g", parley.GroupUpdate{Name: ptr("New name")})
	must(t, err)
	e = w.next(t)
	wantEvent(t, e, parley.EventGroupUpdate, "ann", "g", parley.ReceiverGroup)
	if !strings.Contains(string(e.Body), "New name") {
		t.Errorf("group update body %s lacks the new name", e.Body)
	}
	must(t, w.svc.DeleteGroup(w.user["ann"], "g"))
	wantEvent(t, w.next(t), parley.EventGroupGone, "ann", "g", parley.ReceiverGroup)
}

func TestEventsOfReactionsAndReceipts(t *testing.T) {
	t.Parallel()
	w := newEventWorld(t)
	res, err := w.svc.Send(w.user["ann"], parley.NewMessage{Receiver: "bob", ReceiverType: parley.ReceiverUser,
		Data: parley.MessageInput{Text: "hi"}}, nil)
	must(t, err)
	w.next(t)
	id := res.Message.ID

	_, err = w.svc.AddReaction(w.user["bob"], id, "👍")
	must(t, err)
	e := w.next(t)
	wantEvent(t, e, parley.EventReaction, "bob", "ann", parley.ReceiverUser)
	if e.Route.About != id || !strings.Contains(string(e.Body), "message_reaction_added") {
		t.Errorf("reaction event about %d body %s", e.Route.About, e.Body)
	}
	_, err = w.svc.RemoveReaction(w.user["bob"], id, "👍")
	must(t, err)
	if e := w.next(t); !strings.Contains(string(e.Body), "message_reaction_removed") {
		t.Errorf("reaction removed body %s", e.Body)
	}

	must(t, w.svc.MarkRead(w.user["bob"], parley.ReceiverUser, "ann", id))
	e = w.next(t)
	wantEvent(t, e, parley.EventReceipt, "bob", "ann", parley.ReceiverUser)
	if e.Route.Target != "ann" || e.Route.About != id {
		t.Errorf("receipt route %+v, want to ann about %d", e.Route, id)
	}
	var body struct {
		Action    string `json:"action"`
		MessageID string `json:"messageId"`
		User      struct {
			UID string `json:"uid"`
		} `json:"user"`
	}
	must(t, json.Unmarshal(e.Body, &body))
	if body.Action != "read" || body.MessageID != strconv.FormatInt(id, 10) || body.User.UID != "bob" {
		t.Errorf("receipt body %s", e.Body)
	}
}

func TestEventsThatEndSessions(t *testing.T) {
	t.Parallel()
	w := newEventWorld(t)
	a := parley.ActorFrom(w.user["bob"])
	must(t, w.svc.DeleteAuthToken(w.server, "bob", w.token["bob"]))
	e := w.next(t)
	if e.Type != parley.EventSessionEnd || e.Route.TokenID != a.TokenID || e.Route.Target != "bob" {
		t.Errorf("token delete: %s %+v, want session_end of bob's token %s", e.Type, e.Route, a.TokenID)
	}
	_, err := w.svc.DeactivateUsers(w.server, []string{"cat"})
	must(t, err)
	e = w.next(t)
	if e.Type != parley.EventSessionEnd || e.Route.Target != "cat" || e.Route.TokenID != "" {
		t.Errorf("deactivation: %s %+v, want session_end of every connection of cat", e.Type, e.Route)
	}
	must(t, w.svc.DeleteUser(w.server, "ann", true))
	e = w.next(t)
	if e.Type != parley.EventSessionEnd || e.Route.Target != "ann" {
		t.Errorf("deletion: %s %+v, want session_end of ann", e.Type, e.Route)
	}
}

func TestEventsOfRelationsAndProfiles(t *testing.T) {
	t.Parallel()
	w := newEventWorld(t)
	_, err := w.svc.BlockUsers(w.user["ann"], "ann", []string{"bob"})
	must(t, err)
	e := w.next(t)
	if e.Type != parley.EventRelation || !slices.Equal(e.Route.UIDs, []string{"ann", "bob"}) {
		t.Errorf("block: %s %+v, want relation of ann and bob", e.Type, e.Route)
	}
	_, err = w.svc.UpdateUser(w.server, "cat", parley.UserUpdate{Name: ptr("Cathy")})
	must(t, err)
	e = w.next(t)
	if e.Type != parley.EventUserUpdated || e.Sender != "cat" || e.Route.Role != parley.DefaultRole {
		t.Errorf("profile: %s from %s %+v, want user_updated of cat with role default", e.Type, e.Sender, e.Route)
	}
}

func TestSignals(t *testing.T) {
	t.Parallel()
	w := newEventWorld(t)
	must(t, w.svc.Typing(w.user["ann"], chat.Signal{Receiver: "bob", ReceiverType: parley.ReceiverUser, Status: chat.TypingStarted}))
	e := w.next(t)
	wantEvent(t, e, parley.EventTyping, "ann", "bob", parley.ReceiverUser)
	if e.DeviceID != "phone" || !strings.Contains(string(e.Body), `"started"`) {
		t.Errorf("typing event device %q body %s", e.DeviceID, e.Body)
	}
	must(t, w.svc.Transient(w.user["bob"], chat.Signal{Receiver: "ann", ReceiverType: parley.ReceiverUser,
		Data: map[string]any{"live": "reaction"}}))
	wantEvent(t, w.next(t), parley.EventTransient, "bob", "ann", parley.ReceiverUser)

	bad := []struct {
		name string
		ctx  context.Context
		sig  chat.Signal
		code string
	}{
		{"unknown status", w.user["ann"], chat.Signal{Receiver: "bob", ReceiverType: "user", Status: "maybe"}, parley.CodeInvalidParam},
		{"no receiver type", w.user["ann"], chat.Signal{Receiver: "bob", Status: "started"}, parley.CodeInvalidReceiverType},
		{"unknown user", w.user["ann"], chat.Signal{Receiver: "zed", ReceiverType: "user", Status: "started"}, parley.CodeUIDNotFound},
		{"no group", w.user["ann"], chat.Signal{Receiver: "nope", ReceiverType: "group", Status: "started"}, parley.CodeGUIDNotFound},
		{"too large", w.user["ann"], chat.Signal{Receiver: "bob", ReceiverType: "user", Status: "started",
			Metadata: map[string]any{"x": strings.Repeat("a", chat.MaxSignalBytes)}}, parley.CodeMessageTooLarge},
		{"server", w.server, chat.Signal{Receiver: "bob", ReceiverType: "user", Status: "started"}, parley.CodeNoAccess},
	}
	for _, c := range bad {
		err := w.svc.Typing(c.ctx, c.sig)
		if got := parley.CodeOf(err); got != c.code {
			t.Errorf("%s: code %q (%v), want %s", c.name, got, err, c.code)
		}
	}
	// Blocks stop typing both ways.
	_, err := w.svc.BlockUsers(w.user["ann"], "ann", []string{"bob"})
	must(t, err)
	w.next(t) // the relation event
	for _, c := range []struct{ from, to, code string }{
		{"ann", "bob", parley.CodeBlockedReceiver}, {"bob", "ann", parley.CodeBlockedSender}} {
		err := w.svc.Typing(w.user[c.from], chat.Signal{Receiver: c.to, ReceiverType: "user", Status: "started"})
		if got := parley.CodeOf(err); got != c.code {
			t.Errorf("typing %s -> %s across a block: code %q, want %s", c.from, c.to, got, c.code)
		}
	}
	w.none(t, "refused signals")
}

func TestPresence(t *testing.T) {
	t.Parallel()
	w := newEventWorld(t)
	must(t, w.svc.SetPresence(w.user["bob"], true))
	e := w.next(t)
	if e.Type != parley.EventPresence || e.Sender != "bob" || !strings.Contains(string(e.Body), `"online"`) {
		t.Errorf("presence event %s from %s body %s", e.Type, e.Sender, e.Body)
	}
	u, err := w.svc.User(w.server, "bob")
	must(t, err)
	if u.Status != parley.StatusAvailable {
		t.Errorf("bob's status %q after going online", u.Status)
	}
	must(t, w.svc.SetPresence(w.user["bob"], false))
	if e := w.next(t); !strings.Contains(string(e.Body), `"offline"`) {
		t.Errorf("offline body %s", e.Body)
	}
	u, err = w.svc.User(w.server, "bob")
	must(t, err)
	if u.Status != parley.StatusOffline || u.LastActiveAt == 0 {
		t.Errorf("bob after going offline: status %q lastActiveAt %d", u.Status, u.LastActiveAt)
	}

	// A crash leaves cat online; the reset at start-up sets her offline.
	must(t, w.svc.SetPresence(w.user["cat"], true))
	w.next(t)
	must(t, w.svc.ResetPresence(context.Background()))
	u, err = w.svc.User(w.server, "cat")
	must(t, err)
	if u.Status != parley.StatusOffline || u.LastActiveAt == 0 {
		t.Errorf("cat after the reset: status %q lastActiveAt %d", u.Status, u.LastActiveAt)
	}
}

// SetPresences writes many users' changes in one call, each as
// SetPresence would (status and event, in order), and skips a user that no
// longer exists.
func TestSetPresencesInOrder(t *testing.T) {
	t.Parallel()
	w := newEventWorld(t)
	appID := parley.ActorFrom(w.server).AppID
	must(t, w.svc.SetPresences(context.Background(), appID, []chat.PresenceChange{
		{UID: "bob", Online: true}, {UID: "gone", Online: true}, {UID: "cat", Online: true}, {UID: "bob", Online: false}}))
	for _, want := range []struct{ uid, status string }{{"bob", `"online"`}, {"cat", `"online"`}, {"bob", `"offline"`}} {
		e := w.next(t)
		if e.Type != parley.EventPresence || e.Sender != want.uid || !strings.Contains(string(e.Body), want.status) {
			t.Errorf("event %s from %s body %s, want presence %s from %s", e.Type, e.Sender, e.Body, want.status, want.uid)
		}
	}
	w.none(t, "after the presence batch")
	for uid, status := range map[string]string{"bob": parley.StatusOffline, "cat": parley.StatusAvailable} {
		u, err := w.svc.User(w.server, uid)
		must(t, err)
		if u.Status != status {
			t.Errorf("%s's status %q, want %q", uid, u.Status, status)
		}
	}
}

// Joins run in the group-commit writer, many in a transaction: users
// joining at once all become members, each with one joined action
// message (published, ids dense and distinct) that starts their
// membership, the group counts them all, and a user joining twice at once
// joins once and is told the second time.
func TestConcurrentJoins(t *testing.T) {
	t.Parallel()
	w := newEventWorld(t)
	_, err := w.svc.CreateGroup(w.user["ann"], parley.NewGroup{GUID: "g", Name: "G", Type: parley.GroupPublic})
	must(t, err)
	w.next(t) // ann's own joined/created action
	appID := parley.ActorFrom(w.server).AppID
	const n = 40
	actors := make([]context.Context, n)
	for i := range actors {
		uid := fmt.Sprintf("j%02d", i)
		_, err := w.svc.CreateUser(w.server, parley.NewUser{UID: uid, Name: uid})
		must(t, err)
		actors[i] = parley.NewContext(context.Background(), parley.Actor{AppID: appID, Access: parley.AccessUser, UID: uid})
	}
	errs := make(chan error, n+1)
	var wg sync.WaitGroup
	for _, ctx := range actors {
		wg.Go(func() { _, err := w.svc.Join(ctx, "g", ""); errs <- err })
	}
	wg.Go(func() { _, err := w.svc.Join(actors[0], "g", ""); errs <- err }) // j00 twice
	wg.Wait()
	close(errs)
	already := 0
	for err := range errs {
		switch {
		case err == nil:
		case parley.CodeOf(err) == parley.CodeAlreadyJoined:
			already++
		default:
			t.Errorf("join: %v", err)
		}
	}
	if already != 1 {
		t.Errorf("%d joins answered already joined, want 1", already)
	}
	joined := map[string]int64{}
	for range n {
		e := w.next(t)
		if e.Type != parley.EventMessage || e.Route.Action != parley.ActionJoined {
			t.Fatalf("event %s action %q, want a joined action message", e.Type, e.Route.Action)
		}
		if _, dup := joined[e.Route.Target]; dup {
			t.Errorf("%s joined twice", e.Route.Target)
		}
		joined[e.Route.Target] = e.Route.MessageID
	}
	w.none(t, "after the joins")
	ids := map[int64]bool{}
	for _, id := range joined {
		if ids[id] {
			t.Errorf("message id %d used twice", id)
		}
		ids[id] = true
	}
	for i, ctx := range actors {
		g, err := w.svc.Group(ctx, "g")
		must(t, err)
		if g.HasJoined == nil || !*g.HasJoined {
			t.Errorf("j%02d is not a member after joining", i)
		}
	}
	g, err := w.svc.Group(w.server, "g")
	must(t, err)
	if g.MembersCount != n+1 {
		t.Errorf("membersCount %d, want %d", g.MembersCount, n+1)
	}
}

func TestViewAndMissedEvents(t *testing.T) {
	t.Parallel()
	w := newEventWorld(t)
	_, err := w.svc.CreateGroup(w.user["ann"], parley.NewGroup{GUID: "g", Name: "G", Type: parley.GroupPublic})
	must(t, err)
	send := func(from, to, typ string) int64 {
		t.Helper()
		res, err := w.svc.Send(w.user[from], parley.NewMessage{Receiver: to, ReceiverType: typ,
			Data: parley.MessageInput{Text: "m"}}, nil)
		must(t, err)
		return res.Message.ID
	}
	before := send("ann", "g", parley.ReceiverGroup) // before bob joins
	_, err = w.svc.Join(w.user["bob"], "g", "")
	must(t, err)
	inGroup := send("ann", "g", parley.ReceiverGroup)
	private := send("ann", "cat", parley.ReceiverUser) // not bob's
	direct := send("cat", "bob", parley.ReceiverUser)
	_, err = w.svc.AddFriends(w.server, "bob", []string{"cat"})
	must(t, err)
	_, err = w.svc.BlockUsers(w.user["ann"], "ann", []string{"bob"})
	must(t, err)

	v, err := w.svc.View(w.user["bob"])
	must(t, err)
	if v.UID != "bob" || v.Role != parley.DefaultRole || v.Position != direct {
		t.Errorf("view %+v, want bob, default role, position %d", v, direct)
	}
	if len(v.Groups) != 1 || v.Groups["g"] <= before || v.Groups["g"] >= inGroup {
		t.Errorf("view groups %v, want g joined between %d and %d", v.Groups, before, inGroup)
	}
	if !v.Friends["cat"] || len(v.Friends) != 1 || !v.Blocked["ann"] || len(v.Blocked) != 1 {
		t.Errorf("view friends %v blocked %v, want cat and ann", v.Friends, v.Blocked)
	}

	evs, more, err := w.svc.MissedEvents(w.user["bob"], 0, 100)
	must(t, err)
	var ids []int64
	for _, e := range evs {
		ids = append(ids, e.Route.MessageID)
	}
	want := []int64{v.Groups["g"], inGroup, direct}
	if !slices.Equal(ids, want) || more {
		t.Errorf("bob missed %v (more %v), want %v (not %d nor %d)", ids, more, want, before, private)
	}
	// From the start, bounded: the oldest first, and more to page.
	evs, more, err = w.svc.MissedEvents(w.user["bob"], 0, 2)
	must(t, err)
	if len(evs) != 2 || evs[0].Route.MessageID != v.Groups["g"] || !more {
		t.Errorf("resume from the start, bounded to 2: %d events, more %v; want from %d and more", len(evs), more, v.Groups["g"])
	}
	evs, more, err = w.svc.MissedEvents(w.user["bob"], v.Groups["g"], 1)
	must(t, err)
	if len(evs) != 1 || evs[0].Route.MessageID != inGroup || !more {
		t.Errorf("bounded resume: %d events, more %v; want %d and more", len(evs), more, inGroup)
	}
	all, err := w.svc.LogEvents(context.Background(), parley.ActorFrom(w.server).AppID, before-1, 100)
	must(t, err)
	if len(all) != int(direct-before+1) || all[0].Route.MessageID != before {
		t.Errorf("log events from %d: %d events", before, len(all))
	}
	all, err = w.svc.LogEvents(context.Background(), parley.ActorFrom(w.server).AppID, 0, 1)
	must(t, err)
	if len(all) != 1 || all[0].Route.MessageID != 1 {
		t.Errorf("log events from the start: %d events, want message 1", len(all))
	}
	latest, err := w.svc.LatestMessageID(context.Background(), parley.ActorFrom(w.server).AppID)
	must(t, err)
	if latest != direct {
		t.Errorf("latest id %d, want %d", latest, direct)
	}
	if _, _, err := w.svc.MissedEvents(w.server, 0, 10); parley.CodeOf(err) != parley.CodeNoAccess {
		t.Errorf("a server resuming: %v, want %s", err, parley.CodeNoAccess)
	}
}

func TestSocketAuth(t *testing.T) {
	t.Parallel()
	w := newEventWorld(t)
	appID := parley.ActorFrom(w.server).AppID
	a, err := w.svc.SocketAuth(context.Background(), appID, w.token["bob"], "laptop")
	must(t, err)
	if a.UID != "bob" || a.DeviceID != "laptop" || a.Access != parley.AccessUser || a.TokenID == "" {
		t.Errorf("actor %+v, want bob on laptop with a token id", a)
	}
	for _, c := range []struct {
		name, app, token, code string
	}{
		{"no token", appID, "", parley.CodeAuthTokenNotFound},
		{"bad token", appID, "nonsense", parley.CodeAuthTokenNotFound},
		{"other app", "nope", w.token["bob"], parley.CodeAppIDNotFound},
		{"no app", "", w.token["bob"], parley.CodeEmptyAppID},
	} {
		if _, err := w.svc.SocketAuth(context.Background(), c.app, c.token, ""); parley.CodeOf(err) != c.code {
			t.Errorf("%s: %v, want %s", c.name, err, c.code)
		}
	}
	_, err = w.svc.DeactivateUsers(w.server, []string{"bob"})
	must(t, err)
	if _, err := w.svc.SocketAuth(context.Background(), appID, w.token["bob"], ""); parley.CodeOf(err) != parley.CodeUserDeactivated {
		t.Errorf("deactivated: %v, want %s", err, parley.CodeUserDeactivated)
	}
}

func ptr[T any](v T) *T { return &v }

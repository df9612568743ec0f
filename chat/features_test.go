package chat_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/chat"
)

// featureWorld is a service with an app whose user "u" holds the role
// "limited"; "peer", "other" and "plain" hold the default role. Each case
// makes the records it acts on, so that a case's allowed call succeeds.
type featureWorld struct {
	*world
	server context.Context
	u      context.Context // u, as authenticated by an auth token
	n      int
}

func newFeatureWorld(t *testing.T) *featureWorld {
	t.Helper()
	w := &featureWorld{world: newWorld(t, 1)}
	w.server = parley.NewContext(context.Background(), parley.Actor{AppID: w.appID, Access: parley.AccessFullAccess})
	if _, err := w.svc.CreateRole(w.server, parley.Role{Role: "limited", Name: "Limited"}); err != nil {
		t.Fatal(err)
	}
	for _, uid := range []string{"u", "peer", "other", "plain"} {
		role := ""
		if uid == "u" {
			role = "limited"
		}
		if _, err := w.svc.CreateUser(w.server, parley.NewUser{UID: uid, Name: uid, Role: role}); err != nil {
			t.Fatal(err)
		}
	}
	w.u = w.login(t, "u")
	return w
}

// login authenticates uid by an auth token of theirs, as a client does.
func (w *featureWorld) login(t *testing.T, uid string) context.Context {
	t.Helper()
	tok, err := w.svc.CreateAuthToken(w.server, uid, parley.Device{})
	if err != nil {
		t.Fatal(err)
	}
	a, err := w.svc.Authenticate(context.Background(), chat.Credentials{AppID: w.appID, AuthToken: tok.Token})
	if err != nil {
		t.Fatal(err)
	}
	return parley.NewContext(context.Background(), a)
}

// as acts as uid through the REST API Key with onBehalfOf.
func (w *featureWorld) as(uid string) context.Context {
	return parley.NewContext(context.Background(), parley.Actor{AppID: w.appID, Access: parley.AccessFullAccess, UID: uid})
}

// group makes a new public group owned by owner with members and returns
// its guid.
func (w *featureWorld) group(t *testing.T, owner string, members ...string) string {
	t.Helper()
	w.n++
	guid := fmt.Sprintf("g%d", w.n)
	_, err := w.svc.CreateGroup(w.server, parley.NewGroup{GUID: guid, Name: guid, Type: parley.GroupPublic, Owner: owner,
		Members: parley.MemberLists{Participants: members}})
	if err != nil {
		t.Fatal(err)
	}
	return guid
}

// message sends a text from uid and returns its id.
func (w *featureWorld) message(t *testing.T, from, to, typ string) int64 {
	t.Helper()
	res, err := w.svc.Send(w.as(from), parley.NewMessage{Receiver: to, ReceiverType: typ,
		Data: parley.MessageInput{Text: "hello"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return res.Message.ID
}

// call starts a call from uid and returns its session id.
func (w *featureWorld) call(t *testing.T, from, to, toType string) string {
	t.Helper()
	m, err := w.svc.InitiateCall(w.as(from), parley.NewCall{Receiver: to, ReceiverType: toType, Type: parley.CallVideo})
	if err != nil {
		t.Fatal(err)
	}
	return m.Data.Entities["on"].Entity.(*parley.CallEntity).SessionID
}

func (w *featureWorld) latestID(t *testing.T) int64 {
	t.Helper()
	id, err := w.svc.LatestMessageID(context.Background(), w.appID)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// featureCase is one feature and the call it is: setup makes what the call
// acts on, call makes it as u.
type featureCase struct {
	feature string
	setup   func(t *testing.T, w *featureWorld) any
	call    func(w *featureWorld, ctx context.Context, arg any) error
}

func featureCases() []featureCase {
	none := func(*testing.T, *featureWorld) any { return nil }
	ownGroup := func(t *testing.T, w *featureWorld) any { return w.group(t, "u", "peer") }
	groupOfOther := func(t *testing.T, w *featureWorld) any { return w.group(t, "other", "u") }
	dm := func(t *testing.T, w *featureWorld) any { return w.message(t, "u", "peer", parley.ReceiverUser) }
	groupMsg := func(t *testing.T, w *featureWorld) any {
		return w.message(t, "u", w.group(t, "u", "peer"), parley.ReceiverGroup)
	}
	q := chat.MessageQuery{}
	return []featureCase{
		{"addMember", func(t *testing.T, w *featureWorld) any { return w.group(t, "u") },
			func(w *featureWorld, ctx context.Context, g any) error {
				_, err := w.svc.AddMembers(ctx, g.(string), parley.MemberLists{Participants: []string{"peer"}})
				return err
			}},
		{"massMemberOperate", func(t *testing.T, w *featureWorld) any { return w.group(t, "u") },
			func(w *featureWorld, ctx context.Context, g any) error {
				_, err := w.svc.AddMembers(ctx, g.(string), parley.MemberLists{Participants: []string{"peer", "other"}})
				return err
			}},
		{"ban", ownGroup, func(w *featureWorld, ctx context.Context, g any) error { return w.svc.Ban(ctx, g.(string), "peer") }},
		{"blockUser", none, func(w *featureWorld, ctx context.Context, _ any) error {
			_, err := w.svc.BlockUsers(ctx, "", []string{"plain"})
			return err
		}},
		{"changeScope", ownGroup, func(w *featureWorld, ctx context.Context, g any) error {
			_, err := w.svc.ChangeScope(ctx, g.(string), "peer", parley.ScopeModerator)
			return err
		}},
		{"createCall", none, func(w *featureWorld, ctx context.Context, _ any) error {
			m, err := w.svc.InitiateCall(ctx, parley.NewCall{Receiver: "peer", ReceiverType: parley.ReceiverUser, Type: parley.CallAudio})
			if err != nil {
				return err
			}
			// Hang up, so that u and peer are free for the other cases.
			_, err = w.svc.UpdateCall(w.server, m.Data.Entities["on"].Entity.(*parley.CallEntity).SessionID,
				parley.CallUpdate{Status: parley.CallCancelled})
			return err
		}},
		{"createGroup", none, func(w *featureWorld, ctx context.Context, _ any) error {
			w.n++
			_, err := w.svc.CreateGroup(ctx, parley.NewGroup{GUID: fmt.Sprintf("new%d", w.n), Name: "New", Type: parley.GroupPublic})
			return err
		}},
		{"createMessage", none, func(w *featureWorld, ctx context.Context, _ any) error {
			_, err := w.svc.Send(ctx, parley.NewMessage{Receiver: "peer", ReceiverType: parley.ReceiverUser,
				Data: parley.MessageInput{Text: "hi"}}, nil)
			return err
		}},
		{"createMessageThread", dm, func(w *featureWorld, ctx context.Context, id any) error {
			_, err := w.svc.Reply(ctx, parley.NewMessage{ParentID: parley.FlexID(id.(int64)), Data: parley.MessageInput{Text: "re"}}, nil)
			return err
		}},
		{"deleteConversationForUser", dm, func(w *featureWorld, ctx context.Context, _ any) error {
			return w.svc.DeleteConversation(ctx, parley.ConversationUser, "peer")
		}},
		{"deleteGroup", ownGroup, func(w *featureWorld, ctx context.Context, g any) error { return w.svc.DeleteGroup(ctx, g.(string)) }},
		{"deleteGroupMessages", groupMsg, func(w *featureWorld, ctx context.Context, id any) error {
			_, err := w.svc.DeleteMessage(ctx, id.(int64), false)
			return err
		}},
		{"deleteMessage", dm, func(w *featureWorld, ctx context.Context, id any) error {
			_, err := w.svc.DeleteMessage(ctx, id.(int64), false)
			return err
		}},
		{"getBlockedUsers", none, func(w *featureWorld, ctx context.Context, _ any) error {
			_, _, err := w.svc.BlockedUsers(ctx, "", "", chat.UserQuery{})
			return err
		}},
		{"getCall", func(t *testing.T, w *featureWorld) any {
			return w.call(t, "other", groupOfOther(t, w).(string), parley.ReceiverGroup)
		},
			func(w *featureWorld, ctx context.Context, session any) error {
				_, err := w.svc.Call(ctx, session.(string))
				return err
			}},
		{"getConversation", dm, func(w *featureWorld, ctx context.Context, _ any) error {
			_, err := w.svc.Conversation(ctx, parley.ConversationUser, "peer")
			return err
		}},
		{"getGroup", ownGroup, func(w *featureWorld, ctx context.Context, g any) error {
			_, err := w.svc.Group(ctx, g.(string))
			return err
		}},
		{"getGroupMessages", ownGroup, func(w *featureWorld, ctx context.Context, g any) error {
			_, err := w.svc.GroupMessages(ctx, g.(string), q)
			return err
		}},
		{"getMessage", dm, func(w *featureWorld, ctx context.Context, id any) error {
			_, err := w.svc.Message(ctx, id.(int64))
			return err
		}},
		{"getMyDetails", none, func(w *featureWorld, ctx context.Context, _ any) error {
			_, err := w.svc.Me(ctx)
			return err
		}},
		{"getUser", none, func(w *featureWorld, ctx context.Context, _ any) error {
			_, err := w.svc.User(ctx, "peer")
			return err
		}},
		{"getUserMessages", none, func(w *featureWorld, ctx context.Context, _ any) error {
			_, err := w.svc.UserMessages(ctx, "peer", q)
			return err
		}},
		{"joinGroup", func(t *testing.T, w *featureWorld) any { return w.group(t, "other") },
			func(w *featureWorld, ctx context.Context, g any) error {
				_, err := w.svc.Join(ctx, g.(string), "")
				return err
			}},
		{"kickMember", ownGroup, func(w *featureWorld, ctx context.Context, g any) error { return w.svc.Kick(ctx, g.(string), "peer") }},
		{"leaveGroup", groupOfOther, func(w *featureWorld, ctx context.Context, g any) error { return w.svc.Leave(ctx, g.(string)) }},
		{"listBannedUsers", ownGroup, func(w *featureWorld, ctx context.Context, g any) error {
			_, _, err := w.svc.Bans(ctx, g.(string), parley.MemberFilter{})
			return err
		}},
		{"listConversations", none, func(w *featureWorld, ctx context.Context, _ any) error {
			_, _, err := w.svc.Conversations(ctx, parley.ConversationFilter{})
			return err
		}},
		{"listGroupMembers", ownGroup, func(w *featureWorld, ctx context.Context, g any) error {
			_, _, err := w.svc.Members(ctx, g.(string), parley.MemberFilter{})
			return err
		}},
		{"listGroups", none, func(w *featureWorld, ctx context.Context, _ any) error {
			_, _, err := w.svc.Groups(ctx, parley.GroupFilter{})
			return err
		}},
		{"listMessages", none, func(w *featureWorld, ctx context.Context, _ any) error {
			_, err := w.svc.Messages(ctx, q)
			return err
		}},
		{"listThreadedMessages", dm, func(w *featureWorld, ctx context.Context, id any) error {
			_, err := w.svc.Thread(ctx, id.(int64), q)
			return err
		}},
		{"listUsers", none, func(w *featureWorld, ctx context.Context, _ any) error {
			_, _, err := w.svc.Users(ctx, chat.UserQuery{})
			return err
		}},
		{"logout", func(t *testing.T, w *featureWorld) any { return w.login(t, "u") },
			func(w *featureWorld, _ context.Context, own any) error { return w.svc.Logout(own.(context.Context)) }},
		{"patchOwner", ownGroup, func(w *featureWorld, ctx context.Context, g any) error {
			_, err := w.svc.TransferOwner(ctx, g.(string), "peer")
			return err
		}},
		{"unban", func(t *testing.T, w *featureWorld) any {
			g := w.group(t, "u", "peer")
			if err := w.svc.Ban(w.server, g, "peer"); err != nil {
				t.Fatal(err)
			}
			return g
		}, func(w *featureWorld, ctx context.Context, g any) error { return w.svc.Unban(ctx, g.(string), "peer") }},
		{"unblockUser", func(t *testing.T, w *featureWorld) any {
			if _, err := w.svc.BlockUsers(w.server, "u", []string{"plain"}); err != nil {
				t.Fatal(err)
			}
			return nil
		}, func(w *featureWorld, ctx context.Context, _ any) error {
			_, err := w.svc.UnblockUsers(ctx, "", []string{"plain"})
			return err
		}},
		{"updateAuthToken", none, func(w *featureWorld, ctx context.Context, _ any) error {
			name := "U"
			_, err := w.svc.UpdateMe(ctx, chat.MeUpdate{UserUpdate: parley.UserUpdate{Name: &name}})
			return err
		}},
		{"updateCall", func(t *testing.T, w *featureWorld) any { return w.call(t, "peer", "u", parley.ReceiverUser) },
			func(w *featureWorld, ctx context.Context, session any) error {
				_, err := w.svc.UpdateCall(ctx, session.(string), parley.CallUpdate{Status: parley.CallRejected})
				return err
			}},
		{"updateGroup", ownGroup, func(w *featureWorld, ctx context.Context, g any) error {
			name := "Renamed"
			_, err := w.svc.UpdateGroup(ctx, g.(string), parley.GroupUpdate{Name: &name})
			return err
		}},
		{"updateMessage", dm, func(w *featureWorld, ctx context.Context, id any) error {
			text := "edited"
			var in parley.MessageUpdate
			in.Data.Text = &text
			_, err := w.svc.EditMessage(ctx, id.(int64), in)
			return err
		}},
	}
}

// TestRestrictedFeatures shows each feature a role may restrict both
// refused (ERR_PERMISSION_DENIED, nothing written) to a user of the role
// whose role restricts it, and allowed again once the restriction is lifted.
func TestRestrictedFeatures(t *testing.T) {
	t.Parallel()
	w := newFeatureWorld(t)
	for _, c := range featureCases() {
		t.Run(c.feature, func(t *testing.T) {
			arg := c.setup(t, w)
			if _, err := w.svc.RestrictFeatures(w.server, "limited", []string{"u." + c.feature}); err != nil {
				t.Fatal(err)
			}
			before := w.latestID(t)
			err := c.call(w, w.u, arg)
			if e, _ := parley.AsError(err); e == nil || e.Code != parley.CodePermissionDenied || e.Kind != parley.KindForbidden {
				t.Fatalf("restricted: got %v, want %s", err, parley.CodePermissionDenied)
			}
			if after := w.latestID(t); after != before {
				t.Errorf("a refused call wrote to the log: %d, then %d", before, after)
			}
			if err := w.svc.AllowFeatures(w.server, "limited", nil, true); err != nil {
				t.Fatal(err)
			}
			if err := c.call(w, w.u, arg); err != nil {
				t.Fatalf("allowed: %v", err)
			}
		})
	}

	t.Run("EveryFeatureCovered", func(t *testing.T) {
		covered := map[string]bool{}
		for _, c := range featureCases() {
			covered[c.feature] = true
		}
		for _, f := range chat.Features() {
			if (f.Path != "") != covered[f.Key] {
				t.Errorf("feature %s (path %q): a case %v; every feature of a call, and no other, has one", f.Key, f.Path, covered[f.Key])
			}
		}
	})
}

// TestRestrictedFeaturesWho tests whom a restriction binds: the role's users
// by their own token or by onBehalfOf, not users of other roles, not the
// app acting as itself; and a role's features follow a user's role.
func TestRestrictedFeaturesWho(t *testing.T) {
	t.Parallel()
	w := newFeatureWorld(t)
	all := []string{}
	for _, f := range chat.Features() {
		all = append(all, f.Key)
	}
	if _, err := w.svc.RestrictFeatures(w.server, "limited", all); err != nil {
		t.Fatal(err)
	}
	send := func(ctx context.Context) error {
		_, err := w.svc.Send(ctx, parley.NewMessage{Receiver: "peer", ReceiverType: parley.ReceiverUser,
			Data: parley.MessageInput{Text: "hi"}}, nil)
		return err
	}
	for _, c := range []struct {
		name   string
		ctx    context.Context
		denied bool
	}{
		{"TokenOfTheRole", w.u, true},
		{"OnBehalfOfTheRole", w.as("u"), true},
		{"OtherRole", w.login(t, "plain"), false},
		{"OnBehalfOfOtherRole", w.as("plain"), false},
		{"AppItself", w.server, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := send(c.ctx)
			if got := parley.CodeOf(err) == parley.CodePermissionDenied; got != c.denied || (!c.denied && err != nil) {
				t.Errorf("send: %v, denied %v", err, c.denied)
			}
		})
	}
	t.Run("FollowsTheRole", func(t *testing.T) {
		role := parley.DefaultRole
		if _, err := w.svc.UpdateUser(w.server, "u", parley.UserUpdate{Role: &role}); err != nil {
			t.Fatal(err)
		}
		if err := send(w.login(t, "u")); err != nil {
			t.Errorf("send after leaving the role: %v", err)
		}
		if _, err := w.svc.RestrictFeatures(w.server, parley.DefaultRole, []string{"createMessage"}); err != nil {
			t.Fatal(err)
		}
		if err := send(w.login(t, "plain")); parley.CodeOf(err) != parley.CodePermissionDenied {
			t.Errorf("send with the default role restricted: %v", err)
		}
	})
}

// TestFeatureCatalog checks the catalog is sorted by key, with no key twice:
// lookups search it.
func TestFeatureCatalog(t *testing.T) {
	var keys []string
	for _, f := range chat.Features() {
		keys = append(keys, f.Key)
	}
	if !slices.IsSorted(keys) || len(slices.Compact(slices.Clone(keys))) != len(keys) {
		t.Errorf("feature keys not sorted or not unique: %v", keys)
	}
	if len(keys) != 44 {
		t.Errorf("%d features, want the 44 CometChat documents", len(keys))
	}
}

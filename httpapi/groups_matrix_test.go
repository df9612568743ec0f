package httpapi_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/chat"
)

// fastPasswords lowers the bcrypt cost of group passwords in tests.
func fastPasswords(c *chat.Config) { c.PasswordCost = 4 }

// groupCast are the users of a permission test: the owner (an admin), an
// admin, a moderator and a participant who act, one member of each scope to
// act on, a non-member, and two banned users.
var groupCast = []string{"owner", "adm", "mod", "par", "adm2", "mod2", "par2", "out", "out2", "ban1", "ban2"}

type groupWorld struct {
	e      *env
	tokens map[string]string
	n      atomic.Int64 // groups made: their guids
}

func newGroupWorld(t *testing.T) *groupWorld {
	e := newEnv(t, fastPasswords)
	w := &groupWorld{e: e, tokens: map[string]string{}}
	for _, uid := range groupCast {
		e.mustUser(t, uid)
		w.tokens[uid] = e.mustToken(t, uid)
	}
	return w
}

// freshGroup makes a public group owned by owner with the cast in place and
// returns its guid.
func (w *groupWorld) freshGroup(t *testing.T) string {
	t.Helper()
	guid := fmt.Sprintf("g%d", w.n.Add(1))
	w.e.ok(t, http.MethodPost, "/v3/groups", map[string]any{
		"guid": guid, "name": "Group", "type": "public", "owner": "owner",
		"members": map[string]any{
			"admins":       []string{"adm", "adm2"},
			"moderators":   []string{"mod", "mod2"},
			"participants": []string{"par", "par2"},
			"usersToBan":   []string{"ban1", "ban2"},
		},
	}, w.e.asKey())
	return guid
}

// as returns the headers of an actor: a cast member's token, or "server"
// for the REST API Key acting as no user.
func (w *groupWorld) as(actor string) hdr {
	if actor == "server" {
		return w.e.asKey()
	}
	return w.e.asToken(w.tokens[actor])
}

// TestGroupPermissionMatrix is DESIGN.md §4 as a table: actor × action ×
// target → status and code. An allowed call must also have its effect (the
// group, membership, scope or ban changed as asked); a refused one must
// write nothing.
func TestGroupPermissionMatrix(t *testing.T) {
	t.Parallel()
	w := newGroupWorld(t)
	const (
		forbidden = http.StatusForbidden
		notFound  = http.StatusNotFound
		conflict  = http.StatusConflict
		bad       = http.StatusBadRequest
	)
	// An action is a call on group g, with the effect it must have when
	// allowed (actor is who called; body the answer).
	type action struct {
		method, path string
		body         any
		effect       func(t *testing.T, g, actor string, body map[string]any)
	}
	update := func(g string) action {
		return action{"PUT", "/v3/groups/" + g, map[string]any{"name": "Renamed"}, func(t *testing.T, g, _ string, _ map[string]any) {
			if gr := w.group(t, g); gr == nil || gr.Name != "Renamed" {
				t.Errorf("group after the update: %+v, want it named Renamed", gr)
			}
		}}
	}
	del := func(g string) action {
		return action{"DELETE", "/v3/groups/" + g, nil, func(t *testing.T, g, _ string, _ map[string]any) {
			if gr := w.group(t, g); gr != nil {
				t.Errorf("group still there after its delete: %+v", gr)
			}
		}}
	}
	add := func(g string) action {
		return action{"POST", "/v3/groups/" + g + "/members", map[string]any{"participants": []string{"out2"}},
			func(t *testing.T, g, _ string, _ map[string]any) { w.wantScope(t, g, "out2", parley.ScopeParticipant) }}
	}
	kick := func(target string) func(string) action {
		return func(g string) action {
			return action{"DELETE", "/v3/groups/" + g + "/members/" + target, nil, func(t *testing.T, g, _ string, _ map[string]any) {
				w.wantScope(t, g, target, "")
				w.wantBanned(t, g, target, false)
			}}
		}
	}
	ban := func(target string) func(string) action {
		return func(g string) action {
			return action{"POST", "/v3/groups/" + g + "/bannedusers/" + target, nil, func(t *testing.T, g, _ string, _ map[string]any) {
				w.wantScope(t, g, target, "")
				w.wantBanned(t, g, target, true)
			}}
		}
	}
	unban := func(target string) func(string) action {
		return func(g string) action {
			return action{"DELETE", "/v3/groups/" + g + "/bannedusers/" + target, nil, func(t *testing.T, g, _ string, _ map[string]any) {
				w.wantBanned(t, g, target, false)
			}}
		}
	}
	scope := func(target, to string) func(string) action {
		return func(g string) action {
			return action{"PUT", "/v3/groups/" + g + "/members/" + target, map[string]any{"scope": to},
				func(t *testing.T, g, _ string, _ map[string]any) { w.wantScope(t, g, target, to) }}
		}
	}
	owner := func(to string) func(string) action {
		return func(g string) action {
			return action{"PATCH", "/v3/groups/" + g + "/owner", map[string]any{"owner": to}, func(t *testing.T, g, _ string, _ map[string]any) {
				if gr := w.group(t, g); gr == nil || gr.Owner != to {
					t.Errorf("group after the transfer: %+v, want owner %s", gr, to)
				}
				w.wantScope(t, g, to, parley.ScopeAdmin)
			}}
		}
	}
	listBans := func(g string) action {
		return action{"GET", "/v3/groups/" + g + "/bannedusers", nil, func(t *testing.T, _, _ string, body map[string]any) {
			if got := sorted(listOf(t, "list bans", body).uids()); fmt.Sprint(got) != "[ban1 ban2]" {
				t.Errorf("bans listed %v, want [ban1 ban2]", got)
			}
		}}
	}
	leave := func(g string) action {
		return action{"DELETE", "/v3/groups/" + g + "/members", nil,
			func(t *testing.T, g, actor string, _ map[string]any) { w.wantScope(t, g, actor, "") }}
	}
	join := func(g string) action {
		return action{"POST", "/v3/groups/" + g + "/members", map[string]any{},
			func(t *testing.T, g, actor string, _ map[string]any) {
				w.wantScope(t, g, actor, parley.ScopeParticipant)
			}}
	}

	rows := []struct {
		actor  string
		action string
		do     func(string) action
		status int
		code   string
	}{
		// update the group: admins and moderators.
		{"owner", "update", update, 200, ""},
		{"adm", "update", update, 200, ""},
		{"mod", "update", update, 200, ""},
		{"par", "update", update, forbidden, parley.CodeGroupNoModerator},
		{"out", "update", update, forbidden, parley.CodeNotAMember},
		{"ban1", "update", update, forbidden, parley.CodeBannedMember},
		{"server", "update", update, 200, ""},
		// delete the group: admins only.
		{"owner", "delete", del, 200, ""},
		{"adm", "delete", del, 200, ""},
		{"mod", "delete", del, forbidden, parley.CodeGroupNoAdmin},
		{"par", "delete", del, forbidden, parley.CodeGroupNoAdmin},
		{"out", "delete", del, forbidden, parley.CodeNotAMember},
		{"ban1", "delete", del, forbidden, parley.CodeBannedMember},
		{"server", "delete", del, 200, ""},
		// add members: admins only.
		{"owner", "add", add, 200, ""},
		{"adm", "add", add, 200, ""},
		{"mod", "add", add, forbidden, parley.CodeGroupNoAdmin},
		{"par", "add", add, forbidden, parley.CodeGroupNoAdmin},
		{"out", "add", add, forbidden, parley.CodeNotAMember},
		// kick: admins anyone but the owner; moderators participants.
		{"owner", "kick admin", kick("adm2"), 200, ""},
		{"owner", "kick self", kick("owner"), forbidden, parley.CodeGroupNoSelfAction},
		{"adm", "kick owner", kick("owner"), forbidden, parley.CodeGroupNoClearance},
		{"adm", "kick admin", kick("adm2"), 200, ""},
		{"adm", "kick moderator", kick("mod2"), 200, ""},
		{"adm", "kick participant", kick("par2"), 200, ""},
		{"adm", "kick non-member", kick("out"), notFound, parley.CodeNotAMember},
		{"adm", "kick unknown user", kick("nobody"), notFound, parley.CodeUIDNotFound},
		{"mod", "kick participant", kick("par2"), 200, ""},
		{"mod", "kick moderator", kick("mod2"), forbidden, parley.CodeGroupNoClearance},
		{"mod", "kick admin", kick("adm2"), forbidden, parley.CodeGroupNoClearance},
		{"mod", "kick owner", kick("owner"), forbidden, parley.CodeGroupNoClearance},
		{"par", "kick participant", kick("par2"), forbidden, parley.CodeGroupNoModerator},
		{"out", "kick participant", kick("par2"), forbidden, parley.CodeNotAMember},
		{"ban1", "kick participant", kick("par2"), forbidden, parley.CodeBannedMember},
		{"server", "kick owner", kick("owner"), forbidden, parley.CodeGroupNoClearance},
		{"server", "kick admin", kick("adm2"), 200, ""},
		// ban: as kick; a non-member may be banned too.
		{"owner", "ban admin", ban("adm2"), 200, ""},
		{"adm", "ban owner", ban("owner"), forbidden, parley.CodeGroupNoClearance},
		{"adm", "ban moderator", ban("mod2"), 200, ""},
		{"adm", "ban non-member", ban("out"), 200, ""},
		{"adm", "ban banned", ban("ban1"), conflict, parley.CodeAlreadyBanned},
		{"adm", "ban self", ban("adm"), forbidden, parley.CodeGroupNoSelfAction},
		{"mod", "ban participant", ban("par2"), 200, ""},
		{"mod", "ban moderator", ban("mod2"), forbidden, parley.CodeGroupNoClearance},
		{"mod", "ban admin", ban("adm2"), forbidden, parley.CodeGroupNoClearance},
		{"par", "ban participant", ban("par2"), forbidden, parley.CodeGroupNoModerator},
		{"out", "ban participant", ban("par2"), forbidden, parley.CodeNotAMember},
		// unban: admins and moderators.
		{"owner", "unban", unban("ban2"), 200, ""},
		{"adm", "unban", unban("ban2"), 200, ""},
		{"mod", "unban", unban("ban2"), 200, ""},
		{"par", "unban", unban("ban2"), forbidden, parley.CodeGroupNoModerator},
		{"adm", "unban not banned", unban("par2"), notFound, parley.CodeNotBanned},
		// list bans: admins and moderators.
		{"mod", "list bans", listBans, 200, ""},
		{"par", "list bans", listBans, forbidden, parley.CodeGroupNoModerator},
		// change scope: admins any member but the owner to any scope;
		// moderators moderators and participants, to moderator or participant.
		{"owner", "demote admin", scope("adm2", "participant"), 200, ""},
		{"adm", "promote moderator to admin", scope("mod2", "admin"), 200, ""},
		{"adm", "demote admin", scope("adm2", "moderator"), 200, ""},
		{"adm", "demote owner", scope("owner", "participant"), forbidden, parley.CodeGroupNoClearance},
		{"adm", "same scope", scope("par2", "participant"), conflict, parley.CodeSameScope},
		{"adm", "own scope", scope("adm", "participant"), forbidden, parley.CodeGroupNoSelfAction},
		{"adm", "bad scope", scope("par2", "king"), bad, parley.CodeInvalidScope},
		{"adm", "non-member", scope("out", "moderator"), notFound, parley.CodeNotAMember},
		{"mod", "promote participant", scope("par2", "moderator"), 200, ""},
		{"mod", "demote moderator", scope("mod2", "participant"), 200, ""},
		{"mod", "promote to admin", scope("par2", "admin"), forbidden, parley.CodeGroupNoScopeClear},
		{"mod", "demote admin", scope("adm2", "participant"), forbidden, parley.CodeGroupNoClearance},
		{"mod", "own scope", scope("mod", "participant"), forbidden, parley.CodeGroupNoSelfAction},
		{"par", "promote participant", scope("par2", "moderator"), forbidden, parley.CodeGroupNoModerator},
		{"out", "promote participant", scope("par2", "moderator"), forbidden, parley.CodeNotAMember},
		{"server", "demote owner", scope("owner", "participant"), forbidden, parley.CodeGroupNoClearance},
		{"server", "promote participant", scope("par2", "admin"), 200, ""},
		// transfer ownership: the owner, or a full access key.
		{"owner", "transfer", owner("par2"), 200, ""},
		{"owner", "transfer to non-member", owner("out"), notFound, parley.CodeNotAMember},
		{"owner", "transfer to self", owner("owner"), conflict, parley.CodeSameScope},
		{"adm", "transfer", owner("mod2"), forbidden, parley.CodeGroupNoClearance},
		{"par", "transfer", owner("par2"), forbidden, parley.CodeGroupNoClearance},
		{"server", "transfer", owner("mod2"), 200, ""},
		// leave and join.
		{"owner", "leave", leave, forbidden, parley.CodeGroupOwnerCannotLeave},
		{"par", "leave", leave, 200, ""},
		{"out", "leave", leave, forbidden, parley.CodeGroupNotJoined},
		{"out", "join", join, 200, ""},
		{"par", "join", join, conflict, parley.CodeAlreadyJoined},
		{"ban1", "join", join, forbidden, parley.CodeBannedMember},
	}
	for _, r := range rows {
		t.Run(r.actor+"/"+r.action, func(t *testing.T) {
			t.Parallel() // each row acts on a group of its own
			g := w.freshGroup(t)
			c := r.do(g)
			before := w.history(t, g)
			status, body := w.e.do(t, c.method, c.path, c.body, w.as(r.actor))
			if r.status == 200 {
				if status != 200 {
					t.Fatalf("got %d %v, want 200", status, body)
				}
				c.effect(t, g, r.actor, body)
				return
			}
			wantError(t, c.method+" "+c.path, status, body, r.status, r.code)
			if after := w.history(t, g); after != before {
				t.Errorf("a refused call wrote %d action messages", after-before)
			}
		})
	}
}

// history counts a group's messages, as the server sees them.
func (w *groupWorld) history(t *testing.T, guid string) int {
	t.Helper()
	status, b := w.e.do(t, "GET", "/v3/groups/"+guid+"/messages?limit=1000", nil, w.e.asKey())
	if status != 200 {
		return -1 // the group is gone
	}
	d, _ := b["data"].([]any)
	return len(d)
}

// group reads a group from the store, or nil when it is gone.
func (w *groupWorld) group(t *testing.T, guid string) *parley.Group {
	t.Helper()
	g, err := w.e.Store.Group(context.Background(), w.e.AppID, guid, "")
	if errors.Is(err, parley.ErrNotFound) {
		return nil
	}
	if err != nil {
		t.Fatalf("read group %s: %v", guid, err)
	}
	return g
}

// wantScope fails the test unless uid is a member of the group with scope,
// or, for scope "", not a member.
func (w *groupWorld) wantScope(t *testing.T, guid, uid, scope string) {
	t.Helper()
	got := ""
	m, err := w.e.Store.Member(context.Background(), w.e.AppID, guid, uid)
	switch {
	case err == nil:
		got = m.Scope
	case !errors.Is(err, parley.ErrNotFound):
		t.Fatalf("read member %s of %s: %v", uid, guid, err)
	}
	if got != scope {
		t.Errorf("%s's scope in %s = %q, want %q (empty: no member)", uid, guid, got, scope)
	}
}

// wantBanned fails the test unless uid's ban from the group is as want.
func (w *groupWorld) wantBanned(t *testing.T, guid, uid string, want bool) {
	t.Helper()
	got, err := w.e.Store.IsBanned(context.Background(), w.e.AppID, guid, uid)
	if err != nil {
		t.Fatalf("read ban of %s from %s: %v", uid, guid, err)
	}
	if got != want {
		t.Errorf("%s banned from %s = %v, want %v", uid, guid, got, want)
	}
}

package httpapi_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/parleychat/parley"
)

// A permanent delete of a user, a group or an app erases the files
// uploaded with the messages it removes: gone from disk, and the signed
// URLs handed out before answer 404. What the delete keeps keeps its files.
func TestMediaDeletedWithOwner(t *testing.T) {
	t.Run("UserPermanentDelete", func(t *testing.T) {
		e := newMediaEnv(t)
		sent, sentKey := e.upload(t, "team", "group", "by-bob.txt", []byte("bob's"), e.as("bob"))
		got, gotKey := e.upload(t, "bob", "user", "to-bob.txt", []byte("for bob"), e.as("alice"))
		kept, keptKey := e.upload(t, "team", "group", "by-carol.txt", []byte("carol's"), e.as("carol"))
		urls := map[string]string{}
		for what, m := range map[string]map[string]any{"sent": sent, "received": got, "kept": kept} {
			urls[what] = attachmentsOf(m)[0]["url"].(string)
			e.served(t, what+" before", urls[what], true)
		}
		e.ok(t, "DELETE", "/v3/users/bob", map[string]any{"permanent": true}, e.asKey())
		e.served(t, "bob's upload to the group", urls["sent"], false)
		e.served(t, "alice's upload to bob", urls["received"], false)
		e.served(t, "carol's upload to the group", urls["kept"], true)
		if e.onDisk(sentKey) || e.onDisk(gotKey) || !e.onDisk(keptKey) {
			t.Errorf("on disk after the delete: bob's %v, to bob %v, carol's %v; want false, false, true",
				e.onDisk(sentKey), e.onDisk(gotKey), e.onDisk(keptKey))
		}
	})
	t.Run("UserSoftDeleteKeepsFiles", func(t *testing.T) {
		e := newMediaEnv(t)
		m, key := e.upload(t, "team", "group", "by-bob.txt", []byte("bob's"), e.as("bob"))
		e.ok(t, "DELETE", "/v3/users/bob", nil, e.asKey())
		e.served(t, "a soft-deleted user's upload", attachmentsOf(m)[0]["url"].(string), true)
		if !e.onDisk(key) {
			t.Errorf("a soft delete erased the user's file")
		}
	})
	t.Run("GroupDelete", func(t *testing.T) {
		e := newMediaEnv(t)
		m, key := e.upload(t, "team", "group", "plan.txt", []byte("the plan"), e.as("bob"))
		other, otherKey := e.upload(t, "carol", "user", "dm.txt", []byte("not the group's"), e.as("bob"))
		e.ok(t, "DELETE", "/v3/groups/team", nil, e.as("alice"))
		e.served(t, "the deleted group's file", attachmentsOf(m)[0]["url"].(string), false)
		e.served(t, "a one-to-one file", attachmentsOf(other)[0]["url"].(string), true)
		if e.onDisk(key) || !e.onDisk(otherKey) {
			t.Errorf("on disk after the group's delete: its file %v, another %v; want false, true", e.onDisk(key), e.onDisk(otherKey))
		}
	})
	t.Run("GroupDeletedWithItsLastMember", func(t *testing.T) {
		// A deactivated owner with no member to inherit the group takes it,
		// and its history, away.
		e := newMediaEnv(t)
		e.mustGroup(t, "dave", map[string]any{"guid": "solo", "name": "Solo", "type": "public"})
		m, key := e.upload(t, "solo", "group", "note.txt", []byte("to self"), e.as("dave"))
		e.ok(t, "DELETE", "/v3/users", map[string]any{"uidsToDeactivate": []string{"dave"}}, e.asKey())
		e.fails(t, 404, parley.CodeGUIDNotFound, "GET", "/v3/groups/solo", nil, e.asKey())
		e.served(t, "the group's file", attachmentsOf(m)[0]["url"].(string), false)
		if e.onDisk(key) {
			t.Errorf("the group's file is kept")
		}
	})
	t.Run("AppDelete", func(t *testing.T) {
		e := newMediaEnv(t)
		appB, keyB, _ := e.newApp(t, "B")
		asB := hdr{"appid": appB, "apikey": keyB}
		e.okObj(t, "POST", "/v3/users", map[string]any{"uid": "u1", "name": "U1"}, asB)
		mB := e.sendFiles(t, map[string]any{"receiver": "u1", "receiverType": "user", "type": "file"},
			[]file{{"file", "b.txt", "", []byte("app B's")}}, asB)
		uB := attachmentsOf(mB)[0]["url"].(string)
		mA, keyA := e.upload(t, "team", "group", "a.txt", []byte("app A's"), e.as("alice"))
		e.served(t, "app B's file before", uB, true)
		e.ok(t, "DELETE", "/v3/apps/"+appB, nil, asOperator())
		e.served(t, "the deleted app's file", uB, false)
		if _, err := os.Stat(filepath.Join(e.dir, appB)); !os.IsNotExist(err) {
			t.Errorf("the deleted app's folder is kept: %v", err)
		}
		e.served(t, "the other app's file", attachmentsOf(mA)[0]["url"].(string), true)
		if !e.onDisk(keyA) {
			t.Errorf("the other app's file went")
		}
	})
}

package chat

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/parleychat/parley"
)

func TestParseMentions(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		text string
		want []string
	}{
		{"hi <@uid:Alice> and <@uid:bob>!", []string{"alice", "bob"}},
		{"<@uid:alice><@uid:ALICE>", []string{"alice"}},
		{"no mention <@alice> <@uid:> <@uid:a b> <@uid:x", nil},
		{"<@uid:<@uid:carol>>", []string{"carol"}},
		{"email a@b.c <@uid:dave_1-x>", []string{"dave_1-x"}},
	} {
		if diff := cmp.Diff(c.want, parseMentions(c.text)); diff != "" {
			t.Errorf("parseMentions(%q) (-want +got):\n%s", c.text, diff)
		}
	}
	many := strings.Repeat("<@uid:u>", 3)
	for i := 0; i < 40; i++ {
		many += "<@uid:u" + string(rune('a'+i%26)) + string(rune('a'+i/26)) + ">"
	}
	if got := parseMentions(many); len(got) != maxMentions {
		t.Errorf("mentions capped at %d, got %d", maxMentions, len(got))
	}
}

func FuzzParseMentions(f *testing.F) {
	for _, s := range []string{"hi <@uid:alice>", "<@uid:", "<@uid:a b>", "<@uid:<@uid:c>>", "<<@uid:x>>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		got := parseMentions(text)
		if len(got) > maxMentions {
			t.Fatalf("%d mentions", len(got))
		}
		seen := map[string]bool{}
		for _, uid := range got {
			if norm, ok := parley.NormalizeID(uid); !ok || norm != uid {
				t.Fatalf("mention %q is not a valid uid", uid)
			}
			if seen[uid] {
				t.Fatalf("mention %q twice", uid)
			}
			seen[uid] = true
			if !strings.Contains(strings.ToLower(text), "<@uid:"+uid+">") {
				t.Fatalf("mention %q not in the text", uid)
			}
		}
	})
}

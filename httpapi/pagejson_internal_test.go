package httpapi

import (
	"bytes"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/parleychat/parley"
)

// TestMessageEncoding: appendMessage writes a message with DataJSON byte
// for byte as encoding/json (writeJSON's way) writes the same message with
// the data decoded, when DataJSON holds the data as that encoder writes it.
func TestMessageEncoding(t *testing.T) {
	// The fields appendMessage writes, in order: a field added to
	// parley.Message must be added to it (and here).
	known := []string{"ID", "MUID", "ConversationID", "Sender", "Receiver", "ReceiverType", "Category", "Type", "Data",
		"Tags", "ParentID", "ReplyCount", "QuotedID", "QuotedMessage", "SentAt", "UpdatedAt", "EditedAt", "EditedBy",
		"DeletedAt", "DeletedBy", "DeliveredAt", "ReadAt", "DataJSON"}
	var fields []string
	for _, f := range reflect.VisibleFields(reflect.TypeFor[parley.Message]()) {
		fields = append(fields, f.Name)
	}
	if !slices.Equal(fields, known) {
		t.Fatalf("parley.Message has the fields %v; appendMessage knows %v", fields, known)
	}

	rng := rand.New(rand.NewPCG(7, 8))
	strs := []string{"", "u1", "group_g1", "a\"quote", `back\slash`, "tab\there", "<b>&amp;</b>", "héllo", "\u2028\u2029",
		"bad \xff utf8", "ctl \x01\x1f", "emoji 👍"}
	pick := func() string { return strs[rng.IntN(len(strs))] }
	num := func() int64 {
		if rng.IntN(2) == 0 {
			return 0
		}
		return rng.Int64N(1<<40) - 1<<20
	}
	for i := range 2000 {
		m := &parley.Message{ID: rng.Int64N(1 << 50), MUID: pick(), ConversationID: pick(), Sender: pick(), Receiver: pick(),
			ReceiverType: pick(), Category: pick(), Type: pick(), ParentID: num(), ReplyCount: int(num()), QuotedID: num(),
			SentAt: num(), UpdatedAt: num(), EditedAt: num(), EditedBy: pick(), DeletedAt: num(), DeletedBy: pick(),
			DeliveredAt: num(), ReadAt: num()}
		m.Data = parley.MessageData{Text: pick(), Metadata: map[string]any{"k": pick(), "n": 1.5}}
		if rng.IntN(3) == 0 {
			m.Data = parley.MessageData{}
		}
		if rng.IntN(2) == 0 {
			m.Tags = []string{pick(), pick()}
		}
		if rng.IntN(3) == 0 {
			m.Data.Reactions = []parley.ReactionCount{{Reaction: pick(), Count: 2, ReactedByMe: true}, {Reaction: "x", Count: 1}}
		}
		if rng.IntN(5) == 0 {
			m.QuotedMessage = &parley.Message{ID: 3, Sender: pick(), Data: parley.MessageData{Text: pick()}}
		}
		var want, data bytes.Buffer
		if err := encodeTo(&want, m); err != nil {
			t.Fatal(err)
		}
		stored := m.Data
		stored.Reactions = nil
		if err := encodeTo(&data, stored); err != nil {
			t.Fatal(err)
		}
		c := *m
		c.Data, c.DataJSON = parley.MessageData{Reactions: m.Data.Reactions}, data.String()
		var got pageBuf
		if err := got.appendMessage(&c); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.out.Bytes(), want.Bytes()) {
			t.Fatalf("message %d:\n got %s\nwant %s", i, got.out.Bytes(), want.Bytes())
		}
	}
}

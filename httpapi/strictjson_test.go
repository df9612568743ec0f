package httpapi

import (
	"bytes"
	"encoding/json"
	"io"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/parleychat/parley"
)

// dupFree is an independent statement of half the rule: no JSON object in
// data names a member twice (exactly). It walks the token stream.
func dupFree(data []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(data))
	type frame struct {
		obj   bool
		names map[string]bool
		key   bool // the next token in this object is a name
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return true
		}
		if err != nil {
			return true // not JSON: the other rules decide
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if top != nil && top.obj && top.key {
			if d, ok := tok.(json.Delim); ok && d == '}' {
				stack = stack[:len(stack)-1]
				continue
			}
			name := tok.(string)
			if top.names[name] {
				return false
			}
			top.names[name] = true
			top.key = false
			continue
		}
		if top != nil && top.obj {
			top.key = true // this token is the member's value (or opens it)
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &frame{obj: true, names: map[string]bool{}, key: true})
		case json.Delim('['):
			stack = append(stack, &frame{})
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
		}
	}
}

// FuzzDecodeBytes: the strict decoder never panics; what it accepts,
// encoding/json reads to the same value, and has no duplicate names; what
// encoding/json refuses, it refuses.
func FuzzDecodeBytes(f *testing.F) {
	for _, s := range []string{
		`{"receiver":"bob","receiverType":"user","category":"message","type":"text","data":{"text":"hi"}}`,
		`{"receiver":"bob","RECEIVER":"eve"}`,
		`{"receiver":"bob","receiver":"eve"}`,
		`{"data":{"metadata":{"a":1,"A":2,"a":3}}}`,
		`{"data":{"customData":{"x":[{"k":1},{"k":2,"k":3}]}}}`,
		`{"tags":["a","b"],"muid":"m","parentId":"12","quotedMessageId":7}`,
		`{"\u0072eceiver":"x","receiver":"y"}`,
		`{"ſender":"x"}`,
		`{"multipleReceivers":{"uids":["a"],"UIDS":["b"]}}`,
		`{"data":{"attachments":[{"url":"http://x","URL":"http://y"}]}}`,
		`[]`, `null`, `{}`, `{"a":`, `{"a":1} x`, "",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var strict parley.NewMessage
		err := decodeBytes(data, &strict)
		if err != nil {
			if e, ok := parley.AsError(err); !ok || (e.Code != parley.CodeBadRequest) {
				t.Fatalf("error %v is not ERR_BAD_REQUEST", err)
			}
		}
		var loose parley.NewMessage
		looseErr := json.Unmarshal(data, &loose)
		if len(bytes.TrimSpace(data)) == 0 {
			looseErr = nil // an empty body is {}
		}
		if looseErr != nil && err == nil {
			t.Fatalf("encoding/json refuses (%v), the strict decoder accepts", looseErr)
		}
		if err != nil {
			return
		}
		if diff := cmp.Diff(loose, strict); diff != "" {
			t.Fatalf("strict and encoding/json differ (-json +strict):\n%s", diff)
		}
		if !dupFree(data) {
			t.Fatalf("accepted a duplicate name: %q", data)
		}
		// The same for a free-form target (metadata, custom data).
		var m any
		if decodeBytes(data, &m) == nil && !dupFree(data) {
			t.Fatalf("accepted a duplicate name into any: %q", data)
		}
	})
}

// TestDecodeCaseVariantsOfKnownFields: a name that differs from a field's
// only in case (ASCII, or Unicode folding as encoding/json does it: the
// KELVIN SIGN for k, the long s for s) is refused, at any depth.
func TestDecodeCaseVariantsOfKnownFields(t *testing.T) {
	for _, body := range []string{`{"Receiver":"x"}`, `{"receiverTYPE":"user"}`, `{"data":{"Text":"x"}}`,
		`{"data":{"attachments":[{"URL":"http://x"}]}}`, `{"multipleReceivers":{"UIDs":["a"]}}`,
		`{"tag\u017f":["a"]}`, `{"data":{"\u212Aeep":1,"interactionGoal":{"elementIds":[],"elementIDs":[]}}}`} {
		var in parley.NewMessage
		if err := decodeBytes([]byte(body), &in); parley.CodeOf(err) != parley.CodeBadRequest {
			t.Errorf("%s: %v, want ERR_BAD_REQUEST", body, err)
		}
	}
}

// BenchmarkDecodeBytes: the cost of strictness on a typical send.
func BenchmarkDecodeBytes(b *testing.B) {
	body := []byte(`{"receiver":"bob","receiverType":"user","category":"message","type":"text",` +
		`"data":{"text":"hello there","metadata":{"client":"web","v":3}},"tags":["a"],"muid":"m-1"}`)
	b.Run("strict", func(b *testing.B) {
		for b.Loop() {
			var in parley.NewMessage
			if err := decodeBytes(body, &in); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding/json", func(b *testing.B) {
		for b.Loop() {
			var in parley.NewMessage
			if err := json.Unmarshal(body, &in); err != nil {
				b.Fatal(err)
			}
		}
	})
}

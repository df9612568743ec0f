package parley

import (
	"strings"
	"testing"
	"unicode"
)

// refNormalizeID is an independent statement of the id rule (API.md §1):
// surrounding white space is ignored, and what is left must be 1–100
// characters each of A-Z, a-z, 0-9, _ or -; the id is that, with A-Z folded
// to a-z.
func refNormalizeID(s string) (string, bool) {
	s = strings.TrimFunc(s, unicode.IsSpace)
	if len(s) < 1 || len(s) > 100 {
		return "", false
	}
	out := make([]rune, 0, len(s))
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_', r == '-':
			out = append(out, r)
		case r >= 'A' && r <= 'Z':
			out = append(out, r+('a'-'A'))
		default:
			return "", false
		}
	}
	return string(out), true
}

func TestNormalizeID(t *testing.T) {
	for _, c := range []struct {
		in   string
		want string
		ok   bool
	}{
		{"alice", "alice", true},
		{"Alice_Smith-1", "alice_smith-1", true},
		{"  bob\t", "bob", true},
		{strings.Repeat("a", 100), strings.Repeat("a", 100), true},
		{strings.Repeat("A", 100), strings.Repeat("a", 100), true},
		{strings.Repeat("a", 101), "", false},
		{"", "", false},
		{"   ", "", false},
		{"a b", "", false},
		{"a.b", "", false},
		{"a@b", "", false},
		{"zoë", "", false},
		{"\u212aelvin", "", false}, // KELVIN SIGN lower-cases to 'k' under Unicode rules
		{"\u0130", "", false},      // LATIN CAPITAL I WITH DOT ABOVE
		{"a\x00", "", false},
	} {
		got, ok := NormalizeID(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("NormalizeID(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func FuzzNormalizeID(f *testing.F) {
	for _, s := range []string{"alice", "Alice_Smith-1", " bob ", "", "a b", "zoë", "\u212a", "\u0130",
		strings.Repeat("x", 100), strings.Repeat("X", 101), "a\x00b", "\xff", "_-_", "ǅ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := NormalizeID(s)
		want, wantOK := refNormalizeID(s)
		if ok != wantOK || got != want {
			t.Fatalf("NormalizeID(%q) = %q, %v; the rule says %q, %v", s, got, ok, want, wantOK)
		}
		if !ok {
			if got != "" {
				t.Fatalf("NormalizeID(%q) refused but returned %q", s, got)
			}
			return
		}
		if len(got) < 1 || len(got) > MaxIDLen {
			t.Fatalf("NormalizeID(%q) = %q: length %d", s, got, len(got))
		}
		if got != strings.ToLower(got) {
			t.Fatalf("NormalizeID(%q) = %q: not lower case", s, got)
		}
		for i := 0; i < len(got); i++ {
			if c := got[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
				t.Fatalf("NormalizeID(%q) = %q: byte %q not allowed", s, got, c)
			}
		}
		again, ok2 := NormalizeID(got)
		if !ok2 || again != got {
			t.Fatalf("NormalizeID not idempotent: %q → %q → %q, %v", s, got, again, ok2)
		}
	})
}

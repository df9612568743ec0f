package parley

import "testing"

func TestCheckName(t *testing.T) {
	for _, c := range []struct {
		in   string
		code string // "" when fine
	}{
		{"Alice", ""},
		{"Zoë", ""},
		{"e\u0301", ""}, // a letter and its combining accent
		{"👩‍👩‍👧", ""},   // joined by zero-width joiners
		{"محمد", ""},
		{"Alice\u200F", ""}, // a right-to-left mark beside text
		{"Al\x00ice", CodeInvalidParam},
		{"\x1b[31mred", CodeInvalidParam},
		{"tab\there", CodeInvalidParam},
		{"a\u2028b", CodeInvalidParam},
		{"a\u2066b\u2069", CodeInvalidParam},
		{"a\u202Eb", CodeInvalidParam},
		{"bad\xffutf8", CodeInvalidParam},
		{"", CodeEmptyName},
		{"\u200B", CodeEmptyName},
		{"\u200B \u200C \u2060", CodeEmptyName},
		{"\u3164", CodeEmptyName},
		{"\u2800\u2800", CodeEmptyName},
		{"\uFE0F", CodeEmptyName},
		{"\U000E0041", CodeEmptyName}, // a tag character
		{"\u3000", CodeEmptyName},     // ideographic space
	} {
		err := CheckName("name", c.in)
		if got := CodeOf(err); got != c.code {
			t.Errorf("CheckName(%+q) = %v, want code %q", c.in, err, c.code)
		}
	}
}

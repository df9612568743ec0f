package parley

import (
	"encoding/json"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on what a record may hold.
const (
	MaxIDLen       = 100
	MaxMetadata    = 5 * 1024 // bytes of JSON
	MaxTags        = 25
	MaxTagLen      = 100
	MaxNameLen     = 100
	MaxURLLen      = 2048
	MaxTextField   = 1024 // status messages, descriptions
	MaxBulkUIDs    = 25
	MaxDeviceField = 255
)

// NormalizeID folds an id (uid, guid, role) to lower case and checks it is
// 1–MaxIDLen characters of a-z, 0-9, _ and -. It reports false when invalid.
// Only A-Z fold: Unicode case mapping would turn some other letters into
// ASCII ones (KELVIN SIGN into k, İ into i), letting them pass as ids.
func NormalizeID(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > MaxIDLen {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') && (c < '0' || c > '9') && c != '_' && c != '-' {
			return "", false
		}
	}
	return strings.ToLower(s), true
}

// MetadataTooLarge reports whether m encodes to more than MaxMetadata bytes.
func MetadataTooLarge(m map[string]any) bool {
	if m == nil {
		return false
	}
	b, err := json.Marshal(m)
	return err != nil || len(b) > MaxMetadata
}

// NormalizeTags trims, de-duplicates and checks tags; it reports false when
// there are more than MaxTags, or one is empty or longer than MaxTagLen.
func NormalizeTags(tags []string) ([]string, bool) {
	if len(tags) > MaxTags {
		return nil, false
	}
	out := make([]string, 0, len(tags))
	seen := make(map[string]bool, len(tags))
	for _, t := range tags {
		t = strings.TrimSpace(t)
		if t == "" || len(t) > MaxTagLen {
			return nil, false
		}
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out, true
}

// CheckName checks a display name (of a user or a group) for what a person
// must be able to read: valid UTF-8, no control characters (NUL, C0, DEL,
// C1), no line or paragraph separators, no bidirectional overrides or
// isolates (which make a name read as another one), and at least one
// visible character. A name of only spaces, zero-width characters, combining
// marks or blank "letters" (Hangul fillers, the Braille blank) counts as
// empty: ERR_EMPTY_NAME. Other faults are ERR_BAD_REQUEST. Length is
// the caller's check.
func CheckName(field, s string) error {
	if !utf8.ValidString(s) {
		return Errorf(KindInvalid, CodeInvalidParam, "%s is not valid UTF-8", field)
	}
	visible := false
	for _, r := range s {
		if unsafeInName(r) {
			return Errorf(KindInvalid, CodeInvalidParam, "%s holds a control or formatting character (U+%04X)", field, r)
		}
		visible = visible || isVisible(r)
	}
	if !visible {
		return Errorf(KindInvalid, CodeEmptyName, "%s is required and must hold a visible character", field)
	}
	return nil
}

// unsafeInName reports a rune no name may hold.
func unsafeInName(r rune) bool {
	switch {
	case unicode.IsControl(r): // C0 (NUL, tab, newline…), DEL, C1
		return true
	case r == '\u2028' || r == '\u2029': // line and paragraph separators
		return true
	case r >= '\u202A' && r <= '\u202E', r >= '\u2066' && r <= '\u2069': // bidi embeddings, overrides, isolates
		return true
	}
	return false
}

// isVisible reports whether r draws something: not a space, not a format
// character (zero-width space and joiners, soft hyphen, tags), not a
// combining mark on its own, not one of the letters that render blank.
func isVisible(r rune) bool {
	switch r {
	case '\u115F', '\u1160', '\u3164', '\uFFA0', // Hangul fillers
		'\u2800': // Braille pattern blank
		return false
	}
	return unicode.IsGraphic(r) && !unicode.IsSpace(r) &&
		!unicode.In(r, unicode.Cf, unicode.Mn, unicode.Me)
}

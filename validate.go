package parley

import (
	"encoding/json"
	"strings"
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

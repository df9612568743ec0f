package chat

import (
	"strings"

	"github.com/parleychat/parley"
)

// maxMentions bounds the mentions one message resolves.
const maxMentions = 25

// parseMentions returns the uids mentioned in text as <@uid:UID>, folded to
// lower case, each once, in order of first appearance. Malformed mentions
// are plain text.
func parseMentions(text string) []string {
	var out []string
	seen := map[string]bool{}
	for {
		i := strings.Index(text, "<@uid:")
		if i < 0 {
			return out
		}
		text = text[i+len("<@uid:"):]
		end := strings.IndexByte(text, '>')
		if end < 0 {
			return out
		}
		uid, ok := parley.NormalizeID(text[:end])
		ok = ok && uid == strings.ToLower(text[:end]) // no spaces around
		if ok && !seen[uid] {
			seen[uid] = true
			out = append(out, uid)
			if len(out) == maxMentions {
				return out
			}
		}
		if ok {
			text = text[end+1:]
		}
	}
}

package parley

// UserConversationID is the id of the one-to-one conversation of two users:
// the two uids sorted, joined by "_user_".
func UserConversationID(a, b string) string {
	if b < a {
		a, b = b, a
	}
	return a + "_user_" + b
}

// GroupConversationID is the id of a group's conversation.
func GroupConversationID(guid string) string { return "group_" + guid }

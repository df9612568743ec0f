package chat

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"

	"github.com/parleychat/parley"
)

// encodeJSON encodes v as encoding/json does, but for <, > and &, which it
// leaves as they are, as the REST answers are written: so that the body of a
// message's event can be the answer to its send too (publishSent), encoded
// once.
func encodeJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// publishSent publishes the event of a message just sent and returns the
// event's body when it is also the message's answer to its sender: when
// the answer holds nothing the event leaves out or differs in (a quoted
// message, which depends on the reader; the signed URLs of stored files,
// signed again for the answer). Nil when it is not, or when nothing was
// published.
func (s *Service) publishSent(ctx context.Context, appID string, m *parley.Message) []byte {
	s.pushMessages(appID, []*parley.Message{m}) // to users not connected: pushrules.go
	if s.broker == nil {
		return nil
	}
	e := s.messageEvent(appID, parley.ActorFrom(ctx).DeviceID, m)
	s.publish(ctx, e)
	if e == nil || m.QuotedID != 0 || m.Category == parley.CategoryAction || m.DeliveredAt != 0 || m.ReadAt != 0 ||
		len(m.Data.Reactions) > 0 {
		return nil
	}
	for _, at := range m.Data.Attachments {
		if strings.HasPrefix(at.URL, mediaScheme) {
			return nil
		}
	}
	return e.Body
}

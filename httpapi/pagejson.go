package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/parleychat/parley"
)

// A page of messages is written by hand: each message's data goes out as
// the store keeps it (parley.Message.DataJSON), spliced into the message
// rather than decoded and encoded again, which was most of the CPU of a
// page (docs/benchmarks.md). The answer is the one writeJSON would write
// for the decoded page, but for the order of the keys of objects kept in
// the data and the escaping of <, > and & there (the store's encoder
// escapes them as \u003c and the like): the same JSON values.

// pageBuf is the answer being built.
type pageBuf struct {
	out bytes.Buffer
}

// maxPooledPage is the largest buffer put back in the pool: a rare huge
// page should not stay in memory.
const maxPooledPage = 1 << 20

// pageBufs recycles the buffers pages are built in.
type pageBufs struct{ p sync.Pool }

func (p *pageBufs) get() *pageBuf {
	if b, ok := p.p.Get().(*pageBuf); ok {
		return b
	}
	return new(pageBuf)
}

func (p *pageBufs) put(b *pageBuf) {
	if b.out.Cap() <= maxPooledPage {
		b.out.Reset()
		p.p.Put(b)
	}
}

// writeMessagePage writes {"data": ms, "meta": meta} with status 200.
func (s *Server) writeMessagePage(w http.ResponseWriter, ms []*parley.Message, meta any) error {
	b := s.pages.get()
	defer s.pages.put(b)
	b.out.WriteString(`{"data":[`)
	for i, m := range ms {
		if i > 0 {
			b.out.WriteByte(',')
		}
		if err := b.appendMessage(m); err != nil {
			return parley.Internal(err)
		}
	}
	b.out.WriteString(`],"meta":`)
	if err := encodeTo(&b.out, meta); err != nil {
		return parley.Internal(err)
	}
	b.out.WriteString("}\n")
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	// With its length known net/http writes the page in one piece, where a
	// body of unknown length goes out in chunks.
	w.Header().Set("Content-Length", strconv.Itoa(b.out.Len()))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b.out.Bytes()) // the client went away; nothing to do
	return nil
}

// encodeTo appends v's JSON to buf as writeJSON encodes it (no HTML
// escaping), without the newline.
func encodeTo(buf *bytes.Buffer, v any) error {
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	buf.Truncate(buf.Len() - 1)
	return nil
}

// appendMessage appends m as encoding/json writes it (as writeJSON: no
// HTML escaping), but for DataJSON, written as its data with Data's
// reactions (the reader's) added. The fields, their order and their
// omitempty follow parley.Message's tags; TestMessageEncoding holds the two
// encoders to the same bytes, and fails when Message gains a field.
func (b *pageBuf) appendMessage(m *parley.Message) error {
	if m.DataJSON == "" {
		return encodeTo(&b.out, m)
	}
	o := &b.out
	o.WriteString(`{"id":`)
	b.quotedInt(m.ID)
	if m.MUID != "" {
		b.key("muid")
		b.str(m.MUID)
	}
	for _, f := range [...]struct{ k, v string }{{"conversationId", m.ConversationID}, {"sender", m.Sender},
		{"receiver", m.Receiver}, {"receiverType", m.ReceiverType}, {"category", m.Category}, {"type", m.Type}} {
		b.key(f.k)
		b.str(f.v)
	}
	b.key("data")
	if err := b.appendData(m.DataJSON, m.Data.Reactions); err != nil {
		return err
	}
	if len(m.Tags) > 0 {
		b.key("tags")
		if err := encodeTo(o, m.Tags); err != nil {
			return err
		}
	}
	if m.ParentID != 0 {
		b.key("parentId")
		b.quotedInt(m.ParentID)
	}
	b.optInt("replyCount", int64(m.ReplyCount))
	if m.QuotedID != 0 {
		b.key("quotedMessageId")
		b.quotedInt(m.QuotedID)
	}
	if m.QuotedMessage != nil {
		b.key("quotedMessage")
		if err := b.appendMessage(m.QuotedMessage); err != nil {
			return err
		}
	}
	b.key("sentAt")
	b.int(m.SentAt)
	b.key("updatedAt")
	b.int(m.UpdatedAt)
	b.optInt("editedAt", m.EditedAt)
	b.optStr("editedBy", m.EditedBy)
	b.optInt("deletedAt", m.DeletedAt)
	b.optStr("deletedBy", m.DeletedBy)
	b.optInt("deliveredAt", m.DeliveredAt)
	b.optInt("readAt", m.ReadAt)
	o.WriteByte('}')
	return nil
}

// key starts a field after another.
func (b *pageBuf) key(k string) {
	b.out.WriteString(`,"`)
	b.out.WriteString(k)
	b.out.WriteString(`":`)
}

func (b *pageBuf) int(n int64) { b.out.Write(strconv.AppendInt(b.out.AvailableBuffer(), n, 10)) }

// quotedInt is an int64 with the ,string option.
func (b *pageBuf) quotedInt(n int64) {
	b.out.WriteByte('"')
	b.int(n)
	b.out.WriteByte('"')
}

func (b *pageBuf) optInt(k string, n int64) {
	if n != 0 {
		b.key(k)
		b.int(n)
	}
}

func (b *pageBuf) optStr(k, s string) {
	if s != "" {
		b.key(k)
		b.str(s)
	}
}

// str appends a JSON string: as it is when nothing in it needs escaping
// (ids, types: nearly always), else as encoding/json escapes it.
func (b *pageBuf) str(s string) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= 0x80 {
			_ = encodeTo(&b.out, s) // a string always encodes
			return
		}
	}
	b.out.WriteByte('"')
	b.out.WriteString(s)
	b.out.WriteByte('"')
}

// appendData appends a stored data object with reactions as its last key,
// where MessageData's encoding has them.
func (b *pageBuf) appendData(data string, reactions []parley.ReactionCount) error {
	data = strings.TrimSpace(data)
	if len(reactions) == 0 {
		b.out.WriteString(data)
		return nil
	}
	if len(data) < 2 || data[0] != '{' || data[len(data)-1] != '}' {
		return errors.New("httpapi: stored message data is not a JSON object")
	}
	body := strings.TrimSpace(data[1 : len(data)-1])
	b.out.WriteByte('{')
	b.out.WriteString(body)
	if len(body) > 0 {
		b.out.WriteByte(',')
	}
	b.out.WriteString(`"reactions":`)
	if err := encodeTo(&b.out, reactions); err != nil {
		return err
	}
	b.out.WriteByte('}')
	return nil
}

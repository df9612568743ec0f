package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
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

// pageBuf is the answer being built and a scratch buffer for one message.
type pageBuf struct {
	out, msg bytes.Buffer
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
	if b.out.Cap() <= maxPooledPage && b.msg.Cap() <= maxPooledPage {
		b.out.Reset()
		b.msg.Reset()
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

// emptyData is how a message with zero Data encodes its data, after a
// field before it: the fields before data are strings, in which every
// quote is escaped, so the first match is the message's own.
var emptyData = []byte(`,"data":{}`)

// appendMessage appends m: as encoding/json writes it, but for DataJSON
// spliced in as its data, with Data's reactions (the reader's) added.
func (b *pageBuf) appendMessage(m *parley.Message) error {
	if m.DataJSON == nil {
		return encodeTo(&b.out, m)
	}
	c := *m
	c.Data, c.DataJSON = parley.MessageData{}, nil
	b.msg.Reset()
	if err := encodeTo(&b.msg, &c); err != nil {
		return err
	}
	enc := b.msg.Bytes()
	at := bytes.Index(enc, emptyData)
	if at < 0 {
		return errors.New("httpapi: a message's encoding has no empty data to splice into")
	}
	at += len(emptyData) - len("{}")
	b.out.Write(enc[:at])
	if err := b.appendData(m.DataJSON, m.Data.Reactions); err != nil {
		return err
	}
	b.out.Write(enc[at+len("{}"):])
	return nil
}

// appendData appends a stored data object with reactions as its last key,
// where MessageData's encoding has them.
func (b *pageBuf) appendData(data []byte, reactions []parley.ReactionCount) error {
	data = bytes.TrimSpace(data)
	if len(reactions) == 0 {
		b.out.Write(data)
		return nil
	}
	if len(data) < 2 || data[0] != '{' || data[len(data)-1] != '}' {
		return errors.New("httpapi: stored message data is not a JSON object")
	}
	body := bytes.TrimSpace(data[1 : len(data)-1])
	b.out.WriteByte('{')
	b.out.Write(body)
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

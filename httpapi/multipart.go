package httpapi

import (
	"encoding/json"
	"mime"
	"net/http"
	"strings"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/chat"
)

// A multipart send comes in one of two forms, as clients write it:
//
//   - a data part holding the whole JSON body of POST /v3/messages, with the
//     files beside it;
//   - the message's fields as plain form fields (receiver, receiverType,
//     category, type, muid, tags, parentId, quotedMessageId,
//     multipleReceivers), as curl users and media uploads write them; data
//     is then the message's own data object ({"text": …, "metadata": …}).
//
// The second form is recognised by any of its fields; either way the body
// is decoded by the JSON body's rules.

// formFields are the top-level fields of a send that a form may carry as
// plain fields; their values are JSON when they are objects or lists.
var formFields = map[string]bool{
	"receiver": true, "receiverType": true, "category": true, "type": true, "muid": true,
	"tags": true, "parentId": true, "quotedMessageId": true, "multipleReceivers": true,
}

// readSend reads the body of a send: JSON, or multipart/form-data with the
// files of a media message.
func (s *Server) readSend(r *http.Request) (parley.NewMessage, []chat.Upload, func(), error) {
	var in parley.NewMessage
	nop := func() {}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		return in, nil, nop, decode(r, &in)
	}
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		return in, nil, nop, bodyErr(err, "multipart body")
	}
	cleanup := func() { r.MultipartForm.RemoveAll() }
	body, err := formBody(r.MultipartForm.Value)
	if err != nil {
		return in, nil, cleanup, err
	}
	if err := decodeBytes(body, &in); err != nil {
		return in, nil, cleanup, err
	}
	var ups []chat.Upload
	for _, name := range []string{"file", "files[]", "files"} {
		for _, fh := range r.MultipartForm.File[name] {
			f, err := fh.Open()
			if err != nil {
				return in, nil, cleanup, parley.Internal(err)
			}
			prev := cleanup
			cleanup = func() { f.Close(); prev() }
			ups = append(ups, chat.Upload{Name: fh.Filename, MimeType: fh.Header.Get("Content-Type"), Body: f})
		}
	}
	return in, ups, cleanup, nil
}

// formBody turns the values of a multipart send into the JSON body of a
// send.
func formBody(v map[string][]string) ([]byte, error) {
	fields := false
	for k := range v {
		if formFields[strings.TrimSuffix(k, "[]")] {
			fields = true
		}
	}
	data := v["data"]
	if !fields {
		if len(data) != 1 {
			return nil, formErr("a multipart message needs one data part, or its fields (receiver, receiverType, …) as form fields")
		}
		return []byte(data[0]), nil
	}
	obj := map[string]json.RawMessage{}
	if len(data) > 1 {
		return nil, formErr("the data field is given %d times", len(data))
	}
	if len(data) == 1 {
		if !isJSON(data[0], '{') {
			return nil, formErr("the data field must be a JSON object: the message's data")
		}
		obj["data"] = json.RawMessage(data[0])
	}
	for k := range formFields {
		vals := v[k]
		if k == "tags" {
			vals = append(vals, v["tags[]"]...)
		}
		switch {
		case len(vals) == 0:
		case k == "tags":
			tags, err := formTags(vals)
			if err != nil {
				return nil, err
			}
			obj[k] = tags
		case len(vals) > 1:
			return nil, formErr("the field %s is given %d times", k, len(vals))
		case k == "multipleReceivers":
			if !isJSON(vals[0], '{') {
				return nil, formErr("multipleReceivers must be a JSON object")
			}
			obj[k] = json.RawMessage(vals[0])
		default:
			obj[k], _ = json.Marshal(strings.TrimSpace(vals[0]))
		}
	}
	return json.Marshal(obj)
}

// formTags reads tags given as a JSON list, or as repeated or
// comma-separated values.
func formTags(vals []string) (json.RawMessage, error) {
	if len(vals) == 1 && isJSON(vals[0], '[') {
		return json.RawMessage(vals[0]), nil
	}
	tags := []string{}
	for _, v := range vals {
		for _, t := range strings.Split(v, ",") {
			if t = strings.TrimSpace(t); t != "" {
				tags = append(tags, t)
			}
		}
	}
	b, err := json.Marshal(tags)
	return b, err
}

// isJSON reports whether s is valid JSON opening with open ('{' or '[').
func isJSON(s string, open byte) bool {
	s = strings.TrimSpace(s)
	return s != "" && s[0] == open && json.Valid([]byte(s))
}

func formErr(format string, args ...any) error {
	return parley.Errorf(parley.KindInvalid, parley.CodeBadRequest, format, args...)
}

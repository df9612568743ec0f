package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/parleychat/parley"
)

// statusOf is the one table from error kind to HTTP status.
var statusOf = map[parley.Kind]int{
	parley.KindInternal:     http.StatusInternalServerError,
	parley.KindInvalid:      http.StatusBadRequest,
	parley.KindUnauthorized: http.StatusUnauthorized,
	parley.KindForbidden:    http.StatusForbidden,
	parley.KindNotFound:     http.StatusNotFound,
	parley.KindConflict:     http.StatusConflict,
	parley.KindTooLarge:     http.StatusRequestEntityTooLarge,
	parley.KindTooMany:      http.StatusTooManyRequests,
	parley.KindUnavailable:  http.StatusServiceUnavailable,
}

// statusClientClosed is the status logged for a request whose client went
// away before the answer, as nginx counts it; no client reads it.
const statusClientClosed = 499

// envelope is the success body.
type envelope struct {
	Data any `json:"data"`
	Meta any `json:"meta,omitempty"`
}

// errorBody is the failure body.
type errorBody struct {
	Error *parley.WireError `json:"error"`
}

// writeJSON writes v with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // the client went away; nothing to do
}

// ok writes a success envelope.
func ok(w http.ResponseWriter, data, meta any) error {
	writeJSON(w, http.StatusOK, envelope{Data: data, Meta: meta})
	return nil
}

// done writes the success body of a delete or other action with no object.
func done(w http.ResponseWriter, message string) error {
	return ok(w, map[string]any{"success": true, "message": message}, nil)
}

// writeError writes err's envelope and returns its status.
func writeError(w http.ResponseWriter, err error) int {
	status := statusOf[parley.KindOf(err)]
	writeJSON(w, status, errorBody{Error: parley.Wire(err)})
	return status
}

// decode reads a JSON object body into v. An empty body decodes as {}.
// Unknown fields are ignored; malformed JSON, a wrong type or trailing data
// is an ERR_BAD_REQUEST, an over-size body ERR_REQUEST_TOO_LARGE.
func decode(r *http.Request, v any) error {
	return decodeFrom(r.Body, v)
}

// decodeBytes is decode for a body already read (a multipart part).
func decodeBytes(b []byte, v any) error {
	return decodeFrom(bytes.NewReader(b), v)
}

func decodeFrom(body io.Reader, v any) error {
	dec := json.NewDecoder(body)
	err := dec.Decode(v)
	if err == nil {
		if _, extra := dec.Token(); extra != io.EOF {
			err = errors.New("trailing data after the JSON object")
		}
	}
	switch {
	case err == nil, errors.Is(err, io.EOF):
		return nil
	}
	return bodyErr(err, "the body")
}

// bodyErr maps a failure to read or decode a body to its API error.
func bodyErr(err error, what string) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return parley.Errorf(parley.KindTooLarge, parley.CodeTooLarge,
			"the request body is over %d bytes", tooBig.Limit)
	}
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		if typeErr.Field == "" {
			return parley.Errorf(parley.KindInvalid, parley.CodeBadRequest, "the body must be a JSON object")
		}
		return parley.Errorf(parley.KindInvalid, parley.CodeBadRequest,
			"%s must be of type %s", typeErr.Field, jsonType(typeErr.Type.Kind().String()))
	}
	return parley.Errorf(parley.KindInvalid, parley.CodeBadRequest, "%s is not valid: %s",
		what, strings.TrimPrefix(err.Error(), "json: "))
}

// jsonType names a Go kind as JSON calls it.
func jsonType(kind string) string {
	switch kind {
	case "string":
		return "string"
	case "bool":
		return "boolean"
	case "slice", "array":
		return "array"
	case "map", "struct", "ptr":
		return "object"
	}
	if strings.HasPrefix(kind, "int") || strings.HasPrefix(kind, "uint") || strings.HasPrefix(kind, "float") {
		return "number"
	}
	return fmt.Sprint(kind)
}

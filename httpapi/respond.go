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

// okJSON writes a success envelope around data already encoded (as
// writeJSON encodes: no HTML escaping).
func okJSON(w http.ResponseWriter, data []byte) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	b := make([]byte, 0, len(data)+len(`{"data":}`)+1)
	b = append(append(append(b, `{"data":`...), data...), "}\n"...)
	_, _ = w.Write(b) // the client went away; nothing to do
	return nil
}

// done writes the success body of a delete or other action with no object.
func done(w http.ResponseWriter, message string) error {
	return ok(w, map[string]any{"success": true, "message": message}, nil)
}

// writeError writes err's envelope and returns its status.
func writeError(w http.ResponseWriter, err error) int {
	status := statusFor(err)
	if status == http.StatusRequestTimeout {
		// The rest of the body may never come: don't wait for it to
		// reuse the connection.
		w.Header().Set("Connection", "close")
	}
	writeJSON(w, status, errorBody{Error: parley.Wire(err)})
	return status
}

// statusFor is statusOf, but for the one code whose status no kind decides:
// a body that stopped arriving is 408, which is about the transport, not
// about what the request says, so it has no kind in the vocabulary.
func statusFor(err error) int {
	if parley.CodeOf(err) == parley.CodeRequestTimeout {
		return http.StatusRequestTimeout
	}
	return statusOf[parley.KindOf(err)]
}

// decode reads a JSON object body into v. An empty body decodes as {}.
// Unknown fields are ignored; malformed JSON, a wrong type, trailing data, a
// name given twice in one object or in another case than the field's (see
// checkKeys) is an ERR_BAD_REQUEST, an over-size body ERR_REQUEST_TOO_LARGE,
// a body that stopped arriving ERR_REQUEST_TIMEOUT.
func decode(r *http.Request, v any) error {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		return bodyErr(err, "the body")
	}
	return decodeBytes(b, v)
}

// decodeBytes is decode for a body already read (a multipart part).
func decodeBytes(b []byte, v any) error {
	if len(bytes.TrimSpace(b)) == 0 {
		return nil
	}
	if err := json.Unmarshal(b, v); err != nil {
		return bodyErr(err, "the body")
	}
	return checkKeys(b, v)
}

// typeCodes are the codes CometChat names for a field of the wrong type;
// any other field of the wrong type is ERR_BAD_REQUEST.
var typeCodes = map[string]string{
	"data.text":       parley.CodeInvalidMessageText,
	"data.customData": parley.CodeInvalidCustomData,
	"data.metadata":   parley.CodeInvalidMetadata,
}

// bodyErr maps a failure to read or decode a body to its API error.
func bodyErr(err error, what string) error {
	if errors.Is(err, errBodyTooSlow) {
		return timeoutErr()
	}
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
		code, named := typeCodes[typeErr.Field]
		if !named {
			code = parley.CodeBadRequest
		}
		return parley.Errorf(parley.KindInvalid, code,
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

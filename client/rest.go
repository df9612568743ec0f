package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/parleychat/parley"
)

// Codes of errors the SDK makes itself, without a server's answer. Every
// other error a call returns is a *parley.Error with the server's code.
const (
	// CodeNotLoggedIn: a user call before Login (or after Logout).
	CodeNotLoggedIn = "ERR_NOT_LOGGED_IN"
	// CodeConnection: the server could not be reached, or the connection
	// broke before an answer; Err holds the cause.
	CodeConnection = "ERR_CONNECTION"
	// CodeBadResponse: the server answered something that is not Parley's
	// envelope (a proxy's error page, say).
	CodeBadResponse = "ERR_BAD_RESPONSE"
	// CodeNotConnected: a WebSocket frame (typing, transient) while the
	// socket is not connected.
	CodeNotConnected = "ERR_NOT_CONNECTED"
	// CodeInvalidArgument: a call the SDK refuses before sending it.
	CodeInvalidArgument = "ERR_INVALID_ARGUMENT"
)

// maxResponse bounds the body of an answer the SDK reads.
const maxResponse = 64 << 20

// creds are the credentials of one call.
type creds struct {
	authToken  string // a user session
	apiKey     string // a REST API Key or Auth Key
	operator   string // the operator token
	onBehalfOf string // with apiKey: act as this user
	deviceID   string // the deviceId header
}

// meta is the meta object of a list answer.
type meta struct {
	Pagination *parley.Pagination `json:"pagination"`
	Current    *struct {
		Limit int `json:"limit"`
		Count int `json:"count"`
	} `json:"current"`
	Next     *cursorMeta `json:"next"`
	Previous *cursorMeta `json:"previous"`
}

// cursorMeta is where a message list goes on.
type cursorMeta struct {
	Affix string `json:"affix"`
	ID    int64  `json:"id,string"`
}

// envelope is the body of every answer.
type envelope struct {
	Data  json.RawMessage   `json:"data"`
	Meta  json.RawMessage   `json:"meta"`
	Error *parley.WireError `json:"error"`
}

// rawBody is a request body that is not JSON (a multipart form).
type rawBody struct {
	contentType string
	r           io.Reader
}

// kindOf maps an HTTP status back to the error kind the server chose it by.
func kindOf(status int) parley.Kind {
	switch status {
	case http.StatusBadRequest, http.StatusMethodNotAllowed, http.StatusRequestTimeout:
		return parley.KindInvalid
	case http.StatusUnauthorized:
		return parley.KindUnauthorized
	case http.StatusForbidden:
		return parley.KindForbidden
	case http.StatusNotFound:
		return parley.KindNotFound
	case http.StatusConflict:
		return parley.KindConflict
	case http.StatusRequestEntityTooLarge:
		return parley.KindTooLarge
	case http.StatusTooManyRequests:
		return parley.KindTooMany
	case http.StatusServiceUnavailable, http.StatusBadGateway, http.StatusGatewayTimeout:
		return parley.KindUnavailable
	}
	return parley.KindInternal
}

// errorf returns an SDK-made error.
func errorf(kind parley.Kind, code, format string, args ...any) *parley.Error {
	return &parley.Error{Kind: kind, Code: code, Message: fmt.Sprintf(format, args...)}
}

// path joins escaped path segments under /v3.
func path(segs ...string) string {
	var b strings.Builder
	b.WriteString("/v3")
	for _, s := range segs {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(s))
	}
	return b.String()
}

// idString writes a message id as the wire does.
func idString(id int64) string { return strconv.FormatInt(id, 10) }

// do makes one REST call: in (JSON-encoded unless a *rawBody) is the body,
// the answer's data is decoded into out (when not nil), and its meta is
// returned. A failure is a *parley.Error: the server's code, or one of the
// Code constants of this package.
func (c *Client) do(ctx context.Context, cr creds, method, p string, q url.Values, in, out any) (*meta, error) {
	u := c.base + p
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	var body io.Reader
	ctype := ""
	switch b := in.(type) {
	case nil:
	case *rawBody:
		body, ctype = b.r, b.contentType
	default:
		buf, err := json.Marshal(in)
		if err != nil {
			return nil, errorf(parley.KindInvalid, CodeInvalidArgument, "encode the request: %v", err)
		}
		body, ctype = bytes.NewReader(buf), "application/json"
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return nil, errorf(parley.KindInvalid, CodeInvalidArgument, "%v", err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	req.Header.Set("Accept", "application/json")
	if c.s.AppID != "" {
		req.Header.Set("appid", c.s.AppID)
	}
	switch {
	case cr.operator != "":
		req.Header.Set("Authorization", "Bearer "+cr.operator)
	case cr.apiKey != "":
		req.Header.Set("apikey", cr.apiKey)
	case cr.authToken != "":
		req.Header.Set("authtoken", cr.authToken)
	}
	if cr.onBehalfOf != "" {
		req.Header.Set("onBehalfOf", cr.onBehalfOf)
	}
	if cr.deviceID != "" {
		req.Header.Set("deviceId", cr.deviceID)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, &parley.Error{Kind: parley.KindUnavailable, Code: CodeConnection,
			Message: fmt.Sprintf("%s %s: the server could not be reached", method, p), Err: err}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return nil, &parley.Error{Kind: parley.KindUnavailable, Code: CodeConnection,
			Message: fmt.Sprintf("%s %s: the answer was cut off", method, p), Err: err}
	}
	var env envelope
	if err := json.Unmarshal(raw, &env); err != nil {
		if resp.StatusCode >= 300 {
			return nil, &parley.Error{Kind: kindOf(resp.StatusCode), Code: CodeBadResponse,
				Message: fmt.Sprintf("%s %s: status %d without an error envelope", method, p, resp.StatusCode)}
		}
		return nil, &parley.Error{Kind: parley.KindInternal, Code: CodeBadResponse,
			Message: fmt.Sprintf("%s %s: the answer is not JSON", method, p), Err: err}
	}
	if resp.StatusCode >= 300 || env.Error != nil {
		e := &parley.Error{Kind: kindOf(resp.StatusCode), Code: CodeBadResponse,
			Message: fmt.Sprintf("%s %s: status %d", method, p, resp.StatusCode)}
		if env.Error != nil {
			e.Code, e.Message = env.Error.Code, env.Error.Message
		}
		if ra := resp.Header.Get("Retry-After"); ra != "" && e.Kind == parley.KindTooMany {
			e.Message += " (retry after " + ra + " s)"
		}
		return nil, e
	}
	if out != nil && len(env.Data) > 0 {
		if err := decodeJSON(env.Data, out); err != nil {
			return nil, &parley.Error{Kind: parley.KindInternal, Code: CodeBadResponse,
				Message: fmt.Sprintf("%s %s: unexpected data: %v", method, p, err), Err: err}
		}
	}
	var m meta
	if len(env.Meta) > 0 {
		_ = decodeJSON(env.Meta, &m) // meta is advisory: a list without it is one page
	}
	return &m, nil
}

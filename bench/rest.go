package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// rest is a lean REST client: one keep-alive pool sized to the number of
// concurrent callers, bodies built by the caller, answers read whole (so
// the connection is reused) and decoded only where setup needs a field.
type rest struct {
	base, app, key string
	hc             *http.Client
}

func newREST(t Target, conns int) *rest {
	tr := &http.Transport{
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns, // the default (2) would open and close a connection per request
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	return &rest{base: t.URL, app: t.AppID, key: t.Key, hc: &http.Client{Transport: tr, Timeout: time.Minute}}
}

func (r *rest) close() { r.hc.CloseIdleConnections() }

// cred is how a request authenticates: a user's auth token, or (token
// empty) the app's REST API Key.
type cred struct{ token string }

// apiError is an answer other than 200.
type apiError struct {
	method, path string
	status       int
	body         string
}

func (e *apiError) Error() string {
	return fmt.Sprintf("%s %s: status %d: %.300s", e.method, e.path, e.status, e.body)
}

// do sends one request and returns the answer's body, appended to buf
// (which may be nil); a status other than 200 is an *apiError.
func (r *rest) do(ctx context.Context, method, path string, body []byte, c cred, buf []byte) ([]byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, r.base+path, rd)
	if err != nil {
		return buf, err
	}
	req.Header["Appid"] = []string{r.app}
	if c.token != "" {
		req.Header["Authtoken"] = []string{c.token}
	} else {
		req.Header["Apikey"] = []string{r.key}
	}
	if body != nil {
		req.Header["Content-Type"] = []string{"application/json"}
	}
	resp, err := r.hc.Do(req)
	if err != nil {
		return buf, err
	}
	defer resp.Body.Close()
	w := bytes.NewBuffer(buf[:0])
	if _, err := w.ReadFrom(resp.Body); err != nil {
		return w.Bytes(), err
	}
	if resp.StatusCode != 200 {
		return w.Bytes(), &apiError{method, path, resp.StatusCode, w.String()}
	}
	return w.Bytes(), nil
}

// call sends a JSON body and decodes the answer's data into out (if not nil).
func (r *rest) call(ctx context.Context, method, path string, in any, c cred, out any) error {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return err
		}
	}
	b, err := r.do(ctx, method, path, body, c, nil)
	if err != nil || out == nil {
		return err
	}
	var env struct{ Data json.RawMessage }
	if err := json.Unmarshal(b, &env); err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	return json.Unmarshal(env.Data, out)
}

// user is a user bench made, with the auth token it acts with.
type user struct {
	uid   string
	token string
}

// createUsers makes n users named prefix00000…, each with an auth token.
func (r *rest) createUsers(ctx context.Context, p *progress, prefix string, n int) ([]user, error) {
	users := make([]user, n)
	err := parallel(ctx, p, "users created", n, 32, func(ctx context.Context, i int) error {
		uid := fmt.Sprintf("%s%06d", prefix, i)
		var out struct {
			AuthToken string `json:"authToken"`
		}
		err := r.call(ctx, "POST", "/v3/users", map[string]any{"uid": uid, "name": "Bench " + uid, "withAuthToken": true}, cred{}, &out)
		if err == nil && out.AuthToken == "" {
			err = fmt.Errorf("POST /v3/users: no authToken in the answer")
		}
		users[i] = user{uid: uid, token: out.AuthToken}
		return err
	})
	return users, err
}

// createGroup makes a public group owned by owner with the other users as
// participants (added by the REST API Key, 25 a call, the API's limit).
func (r *rest) createGroup(ctx context.Context, guid, owner string, participants []string) error {
	err := r.call(ctx, "POST", "/v3/groups", map[string]any{"guid": guid, "name": "Bench " + guid, "type": "public", "owner": owner}, cred{}, nil)
	if err != nil {
		return err
	}
	for lo := 0; lo < len(participants); lo += 25 {
		batch := participants[lo:min(lo+25, len(participants))]
		if err := r.call(ctx, "POST", "/v3/groups/"+guid+"/members", map[string]any{"participants": batch}, cred{}, nil); err != nil {
			return err
		}
	}
	return nil
}

// join makes u join a public group, as the user.
func (r *rest) join(ctx context.Context, guid string, u user) error {
	_, err := r.do(ctx, "POST", "/v3/groups/"+guid+"/members", []byte("{}"), cred{u.token}, nil)
	return err
}

// textBody is a send's JSON body, built without encoding/json: a text
// message to receiver whose text is the bench's own, so a receiver can
// tell it apart and time it.
func textBody(buf []byte, receiver, receiverType, text string) []byte {
	buf = append(buf[:0], `{"receiver":`...)
	buf = strconv.AppendQuote(buf, receiver)
	buf = append(buf, `,"receiverType":"`...)
	buf = append(buf, receiverType...)
	buf = append(buf, `","category":"message","type":"text","data":{"text":`...)
	buf = strconv.AppendQuote(buf, text)
	return append(buf, "}}"...)
}

// messageID finds the id of the message a send answered with (the
// answer's first "id"), 0 if none.
func messageID(answer []byte) int64 {
	i := bytes.Index(answer, []byte(`"id":"`))
	if i < 0 {
		return 0
	}
	rest := answer[i+len(`"id":"`):]
	j := bytes.IndexByte(rest, '"')
	if j < 0 {
		return 0
	}
	id, _ := strconv.ParseInt(string(rest[:j]), 10, 64)
	return id
}

// parallel runs f(0…n-1), conc at a time, stopping at the first error,
// and reports how far it got every second.
func parallel(ctx context.Context, p *progress, what string, n, conc int, f func(ctx context.Context, i int) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var next, done atomic.Int64
	stop := p.every(func() string { return fmt.Sprintf("setup: %d/%d %s", done.Load(), n, what) })
	defer stop()
	var wg sync.WaitGroup
	for range min(conc, n) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n || ctx.Err() != nil {
					return
				}
				if err := f(ctx, i); err != nil {
					cancel(err)
					return
				}
				done.Add(1)
			}
		})
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil && done.Load() < int64(n) {
		return err
	}
	return nil
}

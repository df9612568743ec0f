package client

import (
	"context"
	"net/http"

	"github.com/parleychat/parley"
)

// Login starts a user session with an auth token (made by the app's
// backend: Server.CreateAuthToken, or POST /v3/users/{uid}/auth_tokens)
// and returns the user. In auto mode it then connects the WebSocket and
// returns once the first connection is up or its first attempt failed
// (the SDK goes on trying in the background; a connection listener hears
// how it goes). A Login while logged in replaces the session.
func (c *Client) Login(ctx context.Context, authToken string) (*parley.User, error) {
	if authToken == "" {
		return nil, errorf(parley.KindInvalid, CodeInvalidArgument, "an auth token is required")
	}
	var u parley.User
	if _, err := c.do(ctx, creds{authToken: authToken, deviceID: c.s.DeviceID}, http.MethodGet, path("me"), nil, nil, &u); err != nil {
		return nil, err
	}
	c.rt.stop() // the previous session's connection, if any
	c.mu.Lock()
	c.user, c.token = &u, authToken
	c.mu.Unlock()
	if !c.s.ManualConnect {
		if err := c.rt.start(ctx); err != nil {
			c.log.Info("parley: the first connection failed; retrying in the background", "err", err)
		}
	}
	return &u, nil
}

// LoginWithAuthKey logs uid in with a key that may create auth tokens (the
// app's Auth Key, or a REST API Key): it makes an auth token for this
// device (Settings.DeviceID) and logs in with it. Meant for development
// and bots; production apps make tokens on their backend and call Login.
func (c *Client) LoginWithAuthKey(ctx context.Context, uid, authKey string) (*parley.User, error) {
	tok, err := c.CreateAuthToken(ctx, authKey, uid, parley.Device{Platform: "go", DeviceID: c.s.DeviceID})
	if err != nil {
		return nil, err
	}
	return c.Login(ctx, tok.Token)
}

// Logout disconnects the WebSocket and logs the session's auth token out
// (DELETE /v3/me): it stops working at once. The Client forgets the
// session even when the call fails; the error says whether the server
// heard it.
func (c *Client) Logout(ctx context.Context) error {
	cr, err := c.session()
	if err != nil {
		return err
	}
	c.rt.stop()
	c.mu.Lock()
	c.user, c.token = nil, ""
	c.mu.Unlock()
	_, err = c.do(ctx, cr, http.MethodDelete, path("me"), nil, nil, nil)
	return err
}

// Me reads the logged-in user from the server and returns them.
func (c *Client) Me(ctx context.Context) (*parley.User, error) {
	var u parley.User
	if _, err := c.call(ctx, http.MethodGet, path("me"), nil, nil, &u); err != nil {
		return nil, err
	}
	c.setUser(&u)
	return &u, nil
}

// MeUpdate changes the logged-in user's profile (nil fields stay) and the
// device info of the session's token.
type MeUpdate struct {
	parley.UserUpdate
	Platform string         `json:"platform,omitempty"`
	DeviceID string         `json:"deviceId,omitempty"`
	AppInfo  map[string]any `json:"appInfo,omitempty"`
}

// UpdateMe changes the logged-in user's own profile (not their role) and
// returns them.
func (c *Client) UpdateMe(ctx context.Context, in MeUpdate) (*parley.User, error) {
	var u parley.User
	if _, err := c.call(ctx, http.MethodPut, path("me"), nil, in, &u); err != nil {
		return nil, err
	}
	c.setUser(&u)
	return &u, nil
}

func (c *Client) setUser(u *parley.User) {
	c.mu.Lock()
	if c.token != "" {
		c.user = u
	}
	c.mu.Unlock()
}

// CreateUser creates a user with a key that may (the app's Auth Key or a
// REST API Key), as a client app's sign-up does. With u.WithAuthToken the
// answer carries an auth token to Login with.
func (c *Client) CreateUser(ctx context.Context, authKey string, u parley.NewUser) (*parley.User, error) {
	return c.WithKey(authKey).CreateUser(ctx, u)
}

// CreateAuthToken makes an auth token for uid with a key that may (the
// Auth Key or a REST API Key). d describes the device; it may be zero.
func (c *Client) CreateAuthToken(ctx context.Context, authKey, uid string, d parley.Device) (*parley.AuthToken, error) {
	return c.WithKey(authKey).CreateAuthToken(ctx, uid, d)
}

// Package client is Parley's Go SDK: what a bot, a service or a tool uses
// to talk to a Parley server, over its REST API and its WebSocket
// (docs/api.md, docs/protocol.md). It mirrors the concepts of CometChat's
// SDKs (docs/sdk.md maps them one to one) in idiomatic Go.
//
// A Client holds the app's Settings and, after Login, one user's session:
//
//	c, err := client.New(client.Settings{BaseURL: "http://127.0.0.1:8080", AppID: appID})
//	me, err := c.LoginWithAuthKey(ctx, "bot", authKey) // or c.Login(ctx, authToken)
//	defer c.Close()
//	c.OnMessage(client.MessageListener{OnText: func(m *parley.Message) { … }})
//	c.SendText(ctx, client.ToUser("alice"), "hello")
//	page, err := c.Messages().WithGroup("team").Limit(50).Before(id).Fetch(ctx)
//
// The calls of an app's backend (create users and auth tokens, manage
// keys, groups, friends) take a key: c.WithKey(restAPIKey); the
// operator's (apps) take the operator token: c.WithOperator(token).
//
// # Real time
//
// In auto mode (the default) Login connects the WebSocket and the Client
// keeps it connected: it pings within the server's 30-second idle timeout,
// and reconnects after a drop with a jittered exponential backoff, resuming
// after the last message id it received. The server sends each connection
// its app's messages in id order, so a message listener receives every
// message sent after the first connection exactly once, in order, across
// reconnections. With Settings.ManualConnect the app calls Connect and
// Disconnect itself.
//
// Listeners (OnMessage, OnUser, OnGroup, OnCall, OnConnection, OnEvent)
// run one at a time on the Client's dispatch goroutine, in the order the
// server sent the events. A user's own messages reach their listeners too
// (with the DeviceID of the device that sent them): a bot that answers
// messages skips its own.
//
// # Errors
//
// Every failed call returns a *parley.Error: Code is the server's code
// (ERR_UID_NOT_FOUND, AUTH_ERR_AUTH_TOKEN_NOT_FOUND, …) and Kind its class,
// or one of this package's Code constants for errors the SDK makes itself
// (a network failure is CodeConnection, with the cause in Err).
//
// Decoding is tolerant: ids and counts are read whether the server writes
// them as JSON strings or numbers.
package client

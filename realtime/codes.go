package realtime

import "github.com/parleychat/parley/realtime/ws"

// Close codes of the hub, in the private range, next to the transport's
// (ws.CloseIdle 4000, ws.CloseSlow 4008, and the RFC 6455 ones). Each is
// documented in docs/protocol.md with what a client should do.
const (
	// CloseUnauthorized: the auth frame's token or app is not valid.
	// Don't reconnect with the same token.
	CloseUnauthorized = 4001
	// CloseAuthTimeout: no auth frame came within Config.AuthTimeout.
	CloseAuthTimeout = 4002
	// CloseForbidden: the user is deactivated.
	CloseForbidden = 4003
	// CloseTokenRevoked: this connection's auth token was deleted (logged
	// out, or revoked by the app's backend).
	CloseTokenRevoked = 4004
	// CloseSessionsEnded: every connection of the user was ended: their
	// tokens were flushed, the user was deactivated or deleted, or the app
	// was deleted.
	CloseSessionsEnded = 4005
	// CloseTooManyConnections: the user already holds
	// Config.MaxConnsPerUser connections on this server.
	CloseTooManyConnections = 4006
	// CloseRateLimited: the client kept sending frames faster than allowed
	// after being warned.
	CloseRateLimited = 4007
	// CloseResync: the server lost events it had to deliver (its broker
	// subscription fell behind). Reconnect at once with lastMessageId.
	CloseResync = 4009
	// CloseInternal: the server could not set the session up (a store
	// outage). Reconnect with backoff.
	CloseInternal = ws.CloseInternalError
)

// Error codes of error frames that the REST API has no code for. Errors
// that come from the service (auth, membership, validation) keep the
// REST API's code.
const (
	CodeUnknownType          = "ERR_WS_UNKNOWN_TYPE"          // a frame type the server does not take
	CodeNotAuthenticated     = "ERR_WS_NOT_AUTHENTICATED"     // a frame other than auth or ping before auth
	CodeAlreadyAuthenticated = "ERR_WS_ALREADY_AUTHENTICATED" // a second auth frame
	CodeAuthTimeout          = "ERR_WS_AUTH_TIMEOUT"          // no auth frame in time
	CodeTooManyConnections   = "ERR_WS_TOO_MANY_CONNECTIONS"  // the user's connection limit
	CodeSessionEnded         = "ERR_WS_SESSION_ENDED"         // token revoked, user deactivated or deleted
)

// Package parley holds Parley's vocabulary: the domain types of a chat
// platform (apps, users, groups, messages, conversations), the error type
// every layer speaks, the identity carried in a request's context, and the
// interfaces that storage backends implement.
//
// It imports only the standard library, so the Go SDK and other consumers
// pull in no database driver. The rules live in package chat, persistence in
// store/..., transports in httpapi and realtime.
package parley

// SystemUID is the sender used when a REST API Key acts without onBehalfOf.
const SystemUID = "app_system"

// Package docs holds the documents that ship inside the binary: the REST
// API's OpenAPI description, served at GET /v3/openapi.yaml. The prose
// references (api.md, protocol.md, …) sit beside it and are not embedded.
package docs

import _ "embed" // for go:embed

//go:embed openapi.yaml
var openAPI []byte

// OpenAPI returns docs/openapi.yaml, the OpenAPI 3.1 description of the
// REST API. The slice is shared: callers must not modify it.
func OpenAPI() []byte { return openAPI }

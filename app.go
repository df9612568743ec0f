package parley

// App is a tenant. Every record belongs to exactly one app and no query
// crosses apps.
type App struct {
	ID        string `json:"appId"`
	Name      string `json:"name"`
	Region    string `json:"region,omitempty"`
	CreatedAt int64  `json:"createdAt"`
	UpdatedAt int64  `json:"updatedAt,omitempty"`

	// Keys holds the app's two first keys in full; set only in the answer
	// that creates the app, since keys are stored hashed.
	Keys []*APIKey `json:"keys,omitempty"`
}

// Key scopes.
const (
	ScopeAuthOnly   = "authOnly"   // the Auth Key: create users, create auth tokens
	ScopeFullAccess = "fullAccess" // the REST API Key: anything in the app
)

// MaxAPIKeys is how many API keys one app may hold.
const MaxAPIKeys = 25

// APIKey is an app's server or client key. The secret is stored as a hash;
// Key holds the full value only in the answer that creates it, and the masked
// form everywhere else. ID is the key's public handle (its first characters).
type APIKey struct {
	ID        string `json:"id"`
	AppID     string `json:"-"`
	Key       string `json:"apiKey"`
	Name      string `json:"name"`
	Scope     string `json:"scope"`
	Hash      []byte `json:"-"`
	CreatedAt int64  `json:"createdAt"`
	UpdatedAt int64  `json:"updatedAt,omitempty"`
}

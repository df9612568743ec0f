// Package token makes and checks Parley's secrets: API keys, auth tokens and
// operator tokens. A secret is an id (its public handle, shown in lists)
// followed by a random part; only its SHA-256 is stored, and a presented
// secret is checked by hashing it and comparing in constant time. Secrets
// carry at least 160 random bits, so a fast hash is the right choice: no
// guessing attack gets near them.
package token

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"strings"
)

// IDLen is the length of a secret's public id, in hex characters.
const IDLen = 12

// secretLen is the length of the random part, in bytes.
const secretLen = 20

// Secret is a new secret: the full value to give out once, its public id and
// the hash to store.
type Secret struct {
	Value string
	ID    string
	Hash  []byte
}

// New makes a fresh random secret.
func New() Secret {
	b := make([]byte, IDLen/2+secretLen)
	rand.Read(b) // never fails (crypto/rand, Go 1.24+)
	v := hex.EncodeToString(b)
	return Secret{Value: v, ID: v[:IDLen], Hash: Hash(v)}
}

// Hash returns the stored form of a secret.
func Hash(value string) []byte {
	h := sha256.Sum256([]byte(value))
	return h[:]
}

// ID returns the public id of a presented secret, and false if it cannot be
// one of ours (wrong length or not lower-case hex).
func ID(value string) (string, bool) {
	if len(value) != IDLen+2*secretLen {
		return "", false
	}
	for i := 0; i < len(value); i++ {
		c := value[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return "", false
		}
	}
	return value[:IDLen], true
}

// Equal reports in constant time whether value hashes to hash.
func Equal(value string, hash []byte) bool {
	return subtle.ConstantTimeCompare(Hash(value), hash) == 1
}

// Mask shows a secret's id and hides the rest, for lists.
func Mask(id string) string {
	return id + strings.Repeat("*", 2*secretLen)
}

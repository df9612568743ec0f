package chat

import (
	"context"
	"strings"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/internal/token"
)

// NewAPIKey is what creates an API key.
type NewAPIKey struct {
	Name  string `json:"name"`
	Scope string `json:"scope"`
}

// APIKeyUpdate changes a key's name or scope.
type APIKeyUpdate struct {
	Name  *string `json:"name"`
	Scope *string `json:"scope"`
}

func errAPIKeyNotFound() *parley.Error {
	return parley.Errorf(parley.KindNotFound, parley.CodeAPIKeyIDNotFound, "no such api key in this app")
}

// keyID resolves a key's path handle: its public id, its full value, or the
// masked value lists show.
func keyID(handle string) string {
	if id, ok := token.ID(handle); ok {
		return id
	}
	return strings.TrimRight(handle, "*")
}

func masked(k *parley.APIKey) *parley.APIKey {
	c := *k
	c.Key = token.Mask(k.ID)
	return &c
}

// shown is k as an answer about the key named by handle shows it: in full
// when the handle is the key's full value, which the caller proved to hold
// by sending it, and masked when the handle is its id or masked value.
func shown(k *parley.APIKey, handle string) *parley.APIKey {
	if _, full := token.ID(handle); full && token.Equal(handle, k.Hash) {
		c := *k
		c.Key = handle
		return &c
	}
	return masked(k)
}

// loadKey reads the key a handle names. A handle in the form of a full
// value must be that key's value: one that only shares its id names no key.
func loadKey(ctx context.Context, r parley.Tx, appID, handle string) (*parley.APIKey, error) {
	k, err := r.APIKey(ctx, appID, keyID(handle))
	if err == nil {
		if _, full := token.ID(handle); full && !token.Equal(handle, k.Hash) {
			err = parley.ErrNotFound
		}
	}
	return k, storeErr(err, errAPIKeyNotFound(), nil)
}

func checkScope(scope string) error {
	if scope != parley.ScopeAuthOnly && scope != parley.ScopeFullAccess {
		return invalid("scope must be authOnly or fullAccess")
	}
	return nil
}

// CreateAPIKey makes a key; its value is returned in full, once.
func (s *Service) CreateAPIKey(ctx context.Context, in NewAPIKey) (*parley.APIKey, error) {
	a, err := needFull(ctx, "manage api keys")
	if err != nil {
		return nil, err
	}
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" {
		return nil, parley.Errorf(parley.KindInvalid, parley.CodeEmptyName, "name is required")
	}
	if err := checkLen("name", in.Name, parley.MaxNameLen); err != nil {
		return nil, err
	}
	if err := checkScope(in.Scope); err != nil {
		return nil, err
	}
	var k *parley.APIKey
	err = s.store.InTx(ctx, func(tx parley.Tx) error {
		keys, err := tx.APIKeys(ctx, a.AppID)
		if err != nil {
			return err
		}
		if len(keys) >= parley.MaxAPIKeys {
			return parley.Errorf(parley.KindConflict, parley.CodeAPIKeyLimit, "an app holds at most %d api keys", parley.MaxAPIKeys)
		}
		k, err = newAPIKey(ctx, tx, a.AppID, in.Name, in.Scope, s.unix())
		return err
	})
	return k, storeErr(err, nil, nil)
}

// APIKeys lists a page of the app's keys, oldest first, masked.
func (s *Service) APIKeys(ctx context.Context, p parley.Page) ([]*parley.APIKey, parley.Pagination, error) {
	a, err := needFull(ctx, "manage api keys")
	if err != nil {
		return nil, parley.Pagination{}, err
	}
	if p, err = s.page(p); err != nil {
		return nil, parley.Pagination{}, err
	}
	keys, err := s.store.APIKeys(ctx, a.AppID)
	if err != nil {
		return nil, parley.Pagination{}, storeErr(err, nil, nil)
	}
	keys, meta := pageOf(keys, p)
	for i, k := range keys {
		keys[i] = masked(k)
	}
	return keys, meta, nil
}

// APIKey returns one key; handle is its id, its masked value or its full
// value, and only the last is echoed in full (see shown).
func (s *Service) APIKey(ctx context.Context, handle string) (*parley.APIKey, error) {
	a, err := needFull(ctx, "manage api keys")
	if err != nil {
		return nil, err
	}
	k, err := loadKey(ctx, s.store, a.AppID, handle)
	if err != nil {
		return nil, err
	}
	return shown(k, handle), nil
}

// UpdateAPIKey renames a key or changes its scope; a key can't change itself.
func (s *Service) UpdateAPIKey(ctx context.Context, handle string, in APIKeyUpdate) (*parley.APIKey, error) {
	a, err := needFull(ctx, "manage api keys")
	if err != nil {
		return nil, err
	}
	id := keyID(handle)
	if id == a.KeyID {
		return nil, parley.Errorf(parley.KindForbidden, parley.CodeAPIKeySelf, "an api key can't change itself")
	}
	if in.Name != nil {
		if *in.Name = strings.TrimSpace(*in.Name); *in.Name == "" {
			return nil, parley.Errorf(parley.KindInvalid, parley.CodeEmptyName, "name can't be empty")
		}
		if err := checkLen("name", *in.Name, parley.MaxNameLen); err != nil {
			return nil, err
		}
	}
	if in.Scope != nil {
		if err := checkScope(*in.Scope); err != nil {
			return nil, err
		}
	}
	var k *parley.APIKey
	err = s.store.InTx(ctx, func(tx parley.Tx) (err error) {
		if k, err = loadKey(ctx, tx, a.AppID, handle); err != nil {
			return err
		}
		if in.Name != nil {
			k.Name = *in.Name
		}
		if in.Scope != nil {
			k.Scope = *in.Scope
		}
		k.UpdatedAt = s.unix()
		return tx.UpdateAPIKey(ctx, k)
	})
	if err != nil {
		return nil, storeErr(err, errAPIKeyNotFound(), nil)
	}
	return shown(k, handle), nil
}

// DeleteAPIKey removes a key; a key can't delete itself.
func (s *Service) DeleteAPIKey(ctx context.Context, handle string) error {
	a, err := needFull(ctx, "manage api keys")
	if err != nil {
		return err
	}
	id := keyID(handle)
	if id == a.KeyID {
		return parley.Errorf(parley.KindForbidden, parley.CodeAPIKeySelf, "an api key can't delete itself")
	}
	return storeErr(s.store.InTx(ctx, func(tx parley.Tx) error {
		if _, err := loadKey(ctx, tx, a.AppID, handle); err != nil {
			return err
		}
		return tx.DeleteAPIKey(ctx, a.AppID, id)
	}), errAPIKeyNotFound(), nil)
}

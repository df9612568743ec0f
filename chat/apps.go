package chat

import (
	"context"
	"encoding/hex"
	"errors"
	"strings"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/internal/token"
)

// Bootstrapped says what Bootstrap did on this start.
type Bootstrapped struct {
	// App is the default app when this start created it, with its keys in
	// full; nil on later starts.
	App *parley.App
	// OperatorToken is the generated operator token when this start made
	// one; empty otherwise (given on the command line, or made before).
	OperatorToken string
	// Apps is how many apps exist after the start.
	Apps int
	// DefaultAppID is the id of the app the first start made, while it
	// exists; empty once it was deleted. An app id is not a secret: a
	// restart shows it so that the keys' app is known.
	DefaultAppID string
}

// settingDefaultApp names the id of the app made at first start.
const settingDefaultApp = "default_app"

// Bootstrap prepares a store at server start: it records the operator token
// (operatorToken when given, else a generated one on first start) and
// creates a default app when the store has none. Secrets are stored hashed,
// so what it returns is the only time they are seen.
func (s *Service) Bootstrap(ctx context.Context, operatorToken string) (Bootstrapped, error) {
	var out Bootstrapped
	err := s.store.InTx(ctx, func(tx parley.Tx) error {
		switch _, err := tx.Setting(ctx, settingOperatorHash); {
		case operatorToken != "":
		case errors.Is(err, parley.ErrNotFound):
			operatorToken = token.New().Value
			out.OperatorToken = operatorToken
		case err != nil:
			return err
		}
		if operatorToken != "" {
			h := hex.EncodeToString(token.Hash(operatorToken))
			if err := tx.SetSetting(ctx, settingOperatorHash, h); err != nil {
				return err
			}
		}
		if err := s.loadMediaKey(ctx, tx); err != nil {
			return err
		}
		apps, err := tx.Apps(ctx)
		if err != nil {
			return err
		}
		out.Apps = len(apps)
		if len(apps) > 0 {
			id, err := tx.Setting(ctx, settingDefaultApp)
			if err != nil && !errors.Is(err, parley.ErrNotFound) {
				return err
			}
			for _, a := range apps {
				if a.ID == id {
					out.DefaultAppID = id
				}
			}
			return nil
		}
		app, err := s.createApp(ctx, tx, "Default app", "")
		if err != nil {
			return err
		}
		out.App, out.Apps, out.DefaultAppID = app, 1, app.ID
		return tx.SetSetting(ctx, settingDefaultApp, app.ID)
	})
	return out, storeErr(err, nil, nil)
}

// NewApp is what creates an app.
type NewApp struct {
	Name   string `json:"name"`
	Region string `json:"region"`
}

// CreateApp makes an app with its role default, a REST API Key and an Auth
// Key. The keys are returned in full, once.
func (s *Service) CreateApp(ctx context.Context, in NewApp) (*parley.App, error) {
	if err := needOperator(ctx); err != nil {
		return nil, err
	}
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" {
		return nil, parley.Errorf(parley.KindInvalid, parley.CodeEmptyName, "name is required")
	}
	if err := checkLen("name", in.Name, parley.MaxNameLen); err != nil {
		return nil, err
	}
	if err := checkLen("region", in.Region, parley.MaxNameLen); err != nil {
		return nil, err
	}
	var app *parley.App
	err := s.store.InTx(ctx, func(tx parley.Tx) (err error) {
		app, err = s.createApp(ctx, tx, in.Name, in.Region)
		return err
	})
	return app, storeErr(err, nil, nil)
}

func (s *Service) createApp(ctx context.Context, tx parley.Tx, name, region string) (*parley.App, error) {
	now := s.unix()
	id := token.New().Value[:16] // lower-case hex: a valid host label
	app := &parley.App{ID: id, Name: name, Region: region, CreatedAt: now, UpdatedAt: now}
	if err := tx.CreateApp(ctx, app); err != nil {
		return nil, wrapf(err, "create app")
	}
	role := &parley.Role{Role: parley.DefaultRole, Name: "Default", CreatedAt: now, UpdatedAt: now}
	if err := tx.CreateRole(ctx, id, role); err != nil {
		return nil, wrapf(err, "create default role")
	}
	for _, k := range []struct{ name, scope string }{
		{"Rest API Key", parley.ScopeFullAccess},
		{"Auth Key", parley.ScopeAuthOnly},
	} {
		key, err := newAPIKey(ctx, tx, id, k.name, k.scope, now)
		if err != nil {
			return nil, err
		}
		app.Keys = append(app.Keys, key)
	}
	return app, nil
}

func newAPIKey(ctx context.Context, tx parley.Tx, appID, name, scope string, now int64) (*parley.APIKey, error) {
	sec := token.New()
	k := &parley.APIKey{ID: sec.ID, AppID: appID, Key: sec.Value, Name: name, Scope: scope,
		Hash: sec.Hash, CreatedAt: now, UpdatedAt: now}
	if err := tx.CreateAPIKey(ctx, k); err != nil {
		return nil, wrapf(err, "create api key")
	}
	return k, nil
}

func errAppNotFound(id string) *parley.Error {
	return parley.Errorf(parley.KindNotFound, parley.CodeAppNotFound, "no app with id %s", id)
}

// App returns one app (operator only).
func (s *Service) App(ctx context.Context, appID string) (*parley.App, error) {
	if err := needOperator(ctx); err != nil {
		return nil, err
	}
	app, err := s.store.App(ctx, appID)
	return app, storeErr(err, errAppNotFound(appID), nil)
}

// Apps lists every app (operator only).
func (s *Service) Apps(ctx context.Context) ([]*parley.App, error) {
	if err := needOperator(ctx); err != nil {
		return nil, err
	}
	apps, err := s.store.Apps(ctx)
	return apps, storeErr(err, nil, nil)
}

// DeleteApp removes an app and everything in it (operator only), and once
// that commits its uploaded files: every key under "<appID>/".
func (s *Service) DeleteApp(ctx context.Context, appID string) error {
	if err := needOperator(ctx); err != nil {
		return err
	}
	if err := s.store.DeleteApp(ctx, appID); err != nil {
		return storeErr(err, errAppNotFound(appID), nil)
	}
	s.publish(ctx, sessionEnd(appID, "", ""))
	if s.blobs != nil {
		// The app is gone for good: a client hanging up must not stop this.
		ctx := context.WithoutCancel(ctx)
		if err := s.blobs.DeleteAll(ctx, appID); err != nil {
			s.log.WarnContext(ctx, "drop app files", "app", appID, "err", err)
		}
	}
	return nil
}

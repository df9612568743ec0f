package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/push"
)

// PushSettings are the credentials of the push services: the server's
// (flags and PARLEY_PUSH_* variables), or one app's (the --push-apps file,
// keyed by app id, whose settings replace the server's per platform).
// docs/push.md shows how to obtain each.
type PushSettings struct {
	FCMCredentials string `json:"fcmCredentials"` // service account key file (JSON)
	FCMURL         string `json:"fcmUrl"`         // FCM's API; push.DefaultFCMURL when empty
	APNsKey        string `json:"apnsKey"`        // .p8 signing key file
	APNsKeyID      string `json:"apnsKeyId"`
	APNsTeamID     string `json:"apnsTeamId"`
	APNsTopic      string `json:"apnsTopic"` // the app's bundle id
	APNsURL        string `json:"apnsUrl"`   // production when empty; "sandbox" or a URL
	WebhookURL     string `json:"webhookUrl"`
	WebhookSecret  string `json:"webhookSecret"`
}

// pushAppsFile is the --push-apps file.
type pushAppsFile struct {
	Apps map[string]PushSettings `json:"apps"`
}

// providers builds the providers the settings configure.
func (p PushSettings) providers(client *http.Client) (push.Providers, error) {
	out := push.Providers{}
	if p.FCMCredentials != "" {
		creds, err := os.ReadFile(p.FCMCredentials)
		if err != nil {
			return nil, fmt.Errorf("fcm credentials: %w", err)
		}
		f, err := push.NewFCM(push.FCMConfig{Credentials: creds, BaseURL: p.FCMURL, Client: client})
		if err != nil {
			return nil, err
		}
		out[parley.PushFCM] = f
	}
	if p.APNsKey != "" {
		key, err := os.ReadFile(p.APNsKey)
		if err != nil {
			return nil, fmt.Errorf("apns key: %w", err)
		}
		u := p.APNsURL
		switch u {
		case "", "production":
			u = push.APNsProductionURL
		case "sandbox", "development":
			u = push.APNsSandboxURL
		}
		a, err := push.NewAPNs(push.APNsConfig{Key: key, KeyID: p.APNsKeyID, TeamID: p.APNsTeamID, Topic: p.APNsTopic,
			BaseURL: u, Client: client})
		if err != nil {
			return nil, err
		}
		out[parley.PushAPNs] = a
	} else if p.APNsKeyID != "" || p.APNsTeamID != "" || p.APNsTopic != "" {
		return nil, errors.New("apns: a key id, team id or topic without the key file")
	}
	if p.WebhookURL != "" {
		w, err := push.NewWebhook(push.WebhookConfig{URL: p.WebhookURL, Secret: p.WebhookSecret, Client: client})
		if err != nil {
			return nil, err
		}
		out[parley.PushWebhook] = w
	}
	return out, nil
}

// pushClient is the HTTP client of every provider: HTTP/2 where the
// service speaks it (APNs speaks nothing else), trusting the system's
// roots and those of caFile, if any (a proxy that inspects TLS).
func pushClient(caFile string) (*http.Client, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.ForceAttemptHTTP2 = true
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("push CA file: %w", err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("push CA file %s holds no PEM certificate", caFile)
		}
		tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}, nil
}

// newPusher builds the push dispatcher the configuration asks for, or nil
// when it configures no provider. resolve and invalid are the service's.
func (m *Main) newPusher(resolve func(context.Context, string, *parley.Message) ([]parley.PushDelivery, error),
	invalid func(context.Context, *parley.PushToken) error) (*push.Dispatcher, error) {
	c := m.Config
	client, err := pushClient(c.PushCAFile)
	if err != nil {
		return nil, err
	}
	server, err := c.Push.providers(client)
	if err != nil {
		return nil, fmt.Errorf("push: %w", err)
	}
	apps := map[string]push.Providers{}
	if c.PushAppsFile != "" {
		b, err := os.ReadFile(c.PushAppsFile)
		if err != nil {
			return nil, fmt.Errorf("push apps file: %w", err)
		}
		var f pushAppsFile
		if err := json.Unmarshal(b, &f); err != nil {
			return nil, fmt.Errorf("push apps file %s: %w", c.PushAppsFile, err)
		}
		for appID, s := range f.Apps {
			if apps[appID], err = s.providers(client); err != nil {
				return nil, fmt.Errorf("push apps file, app %s: %w", appID, err)
			}
		}
	}
	n := len(server)
	for _, p := range apps {
		n += len(p)
	}
	if n == 0 {
		return nil, nil
	}
	window := c.PushCollapseWindow
	if window == 0 {
		window = -1 // 0 on the command line: no collapsing
	}
	m.Logger.Info("push notifications on", "server_providers", len(server), "apps", len(apps), "collapse_window", c.PushCollapseWindow)
	return push.New(push.Config{Resolve: resolve, Invalid: invalid, Providers: server, Apps: apps,
		Workers: c.PushWorkers, Queue: c.PushQueue, CollapseWindow: window, Logger: m.Logger}), nil
}

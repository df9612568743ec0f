package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parleychat/parley/push/pushtest"
)

// TestPushThroughEachProvider: the whole server, configured as an operator
// would (key files, flags' settings, a CA file for the APNs stand-in),
// pushes a message for an offline user to each of their devices through
// the local fakes of FCM, APNs and the app's webhook; a device token FCM
// reports unregistered is forgotten.
func TestPushThroughEachProvider(t *testing.T) {
	dir := t.TempDir()
	fcm, apns, hook := pushtest.NewFCM(t), pushtest.NewAPNs(t), pushtest.NewWebhook(t)
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cfg := testConfig(filepath.Join(dir, "data"))
	cfg.Push = PushSettings{
		FCMCredentials: write("fcm.json", fcm.Credentials), FCMURL: fcm.URL,
		APNsKey: write("apns.p8", apns.Key), APNsKeyID: pushtest.APNsKeyID, APNsTeamID: pushtest.APNsTeamID,
		APNsTopic: pushtest.APNsTopic, APNsURL: apns.URL,
		WebhookURL: hook.URL + "/push", WebhookSecret: "hook-secret",
	}
	cfg.PushCAFile = apns.WriteCA(t, dir)
	cfg.PushCollapseWindow = -1
	m, out := start(t, cfg)
	if m.Push == nil {
		t.Fatal("no push dispatcher with three providers configured")
	}
	s := parseSecrets(out)
	url, key := m.URL(), []string{"appid", s.AppID, "apikey", s.RESTKey}
	token := map[string]string{}
	for _, uid := range []string{"alice", "bob"} {
		mustOK(t, "POST", url+"/v3/users", map[string]any{"uid": uid, "name": strings.ToUpper(uid[:1]) + uid[1:]}, key...)
		d := mustOK(t, "POST", url+"/v3/users/"+uid+"/auth_tokens", nil, key...)
		token[uid], _ = d["authToken"].(string)
	}
	bob := []string{"appid", s.AppID, "authtoken", token["bob"]}
	for _, d := range []map[string]any{
		{"platform": "fcm", "token": "bob-fcm"}, {"platform": "apns", "token": "b0b4a9e5"}, {"platform": "webhook", "token": "bob-hook"},
	} {
		mustOK(t, "POST", url+"/v3/me/push_tokens", d, bob...)
	}

	alice := []string{"appid", s.AppID, "authtoken", token["alice"]}
	mustOK(t, "POST", url+"/v3/messages", map[string]any{"receiver": "bob", "receiverType": "user",
		"data": map[string]any{"text": "lunch?"}}, alice...)
	waitFor(t, func() error {
		if a, b, c := len(fcm.Sends()), len(apns.Requests()), len(hook.Pushes()); a != 1 || b != 1 || c != 1 {
			return fmt.Errorf("fcm %d, apns %d, webhook %d pushes; want one each (fake failures: %q %q)",
				a, b, c, fcm.Failures(), apns.Failures())
		}
		return nil
	})
	msg := fcm.Sends()[0].Body["message"].(map[string]any)
	if n := msg["notification"].(map[string]any); n["title"] != "Alice" || n["body"] != "lunch?" || msg["token"] != "bob-fcm" {
		t.Errorf("FCM message %v", msg)
	}
	r := apns.Requests()[0]
	if aps := r.Body["aps"].(map[string]any); r.Device != "b0b4a9e5" || r.Proto != "HTTP/2.0" ||
		aps["alert"].(map[string]any)["body"] != "lunch?" || aps["thread-id"] != "alice_user_bob" {
		t.Errorf("APNs request %s %s %v", r.Proto, r.Device, r.Body)
	}
	h := hook.Pushes()[0]
	if h.Header.Get("Authorization") != "Bearer hook-secret" || h.Body["token"] != "bob-hook" || h.Body["uid"] != "bob" {
		t.Errorf("webhook push %v %v", h.Header, h.Body)
	}

	// FCM says the app was uninstalled: the token goes, the others stay.
	fcm.Unregister("bob-fcm")
	mustOK(t, "POST", url+"/v3/messages", map[string]any{"receiver": "bob", "receiverType": "user",
		"data": map[string]any{"text": "hello?"}}, alice...)
	waitFor(t, func() error {
		status, body := call(t, "GET", url+"/v3/me/push_tokens", nil, bob...)
		list, _ := body["data"].([]any)
		b, _ := json.Marshal(list)
		if status != 200 || len(list) != 2 || strings.Contains(string(b), "bob-fcm") {
			return fmt.Errorf("bob's tokens: %d %s; want the apns and webhook ones", status, b)
		}
		return nil
	})
}

// TestPushConfig: push flags and environment variables, and a bad
// credentials file refusing to start.
func TestPushConfig(t *testing.T) {
	clearEnv(t)
	t.Setenv("PARLEY_PUSH_WEBHOOK_SECRET", "from-env")
	c, err := parseConfig([]string{"--push-apns-key", "k.p8", "--push-apns-key-id", "K", "--push-apns-team-id", "T",
		"--push-apns-topic", "com.x", "--push-apns-url", "sandbox", "--push-collapse-window", "0", "--push-workers", "2"}, os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	if c.Push.APNsKey != "k.p8" || c.Push.WebhookSecret != "from-env" || c.Push.APNsURL != "sandbox" || c.PushCollapseWindow != 0 || c.PushWorkers != 2 || c.PushQueue != 4096 {
		t.Errorf("config %+v", c)
	}
	if _, err := parseConfig([]string{"--push-workers", "0"}, os.Stderr); err == nil {
		t.Error("--push-workers 0 accepted")
	}
	dir := t.TempDir()
	cfg := testConfig(filepath.Join(dir, "data"))
	cfg.Push.FCMCredentials = filepath.Join(dir, "missing.json")
	m := NewMain(cfg, os.Stdout, os.Stderr)
	if err := m.Open(t.Context()); err == nil || !strings.Contains(err.Error(), "fcm credentials") {
		t.Errorf("Open with a missing FCM credentials file: %v", err)
	}
	m.Close()
	cfg = testConfig(filepath.Join(dir, "data2"))
	apps := filepath.Join(dir, "apps.json")
	if err := os.WriteFile(apps, []byte(`{"apps": {"app1": {"webhookUrl": "http://127.0.0.1:9/push"}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg.PushAppsFile = apps
	m2, _ := start(t, cfg)
	if m2.Push == nil {
		t.Error("no dispatcher with an app's webhook configured")
	}
	m3, _ := start(t, testConfig(filepath.Join(dir, "data3")))
	if m3.Push != nil {
		t.Error("a dispatcher with no push service configured")
	}
}

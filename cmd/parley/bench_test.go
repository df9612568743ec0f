package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
)

// testAsMain, set in the environment, makes this test binary run as the
// program when started with "serve …": `parley bench` starts its server
// by running its own binary (os.Executable), which in a test is this one.
const testAsMain = "PARLEY_TEST_AS_MAIN"

// benchRun runs `parley bench args… --json` and returns the figures of
// its last line of stdout.
func benchRun(t *testing.T, args ...string) map[string]float64 {
	t.Helper()
	t.Setenv(testAsMain, "1")
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), append(append([]string{"bench"}, args...), "--json"), &stdout, &stderr)
	if code != 0 {
		t.Fatalf("parley bench %v: exit %d\nstdout:\n%s\nstderr:\n%s", args, code, &stdout, &stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	var raw map[string]any
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &raw); err != nil {
		t.Fatalf("last line of stdout is not JSON: %v\n%s", err, &stdout)
	}
	figures := map[string]float64{}
	for k, v := range raw {
		if f, ok := v.(float64); ok {
			figures[k] = f
		}
	}
	t.Logf("parley bench %v:\n%s", args, lines[len(lines)-1])
	return figures
}

// want checks figures: exact values, and keys that must be there and
// positive.
func want(t *testing.T, got map[string]float64, exact map[string]float64, positive ...string) {
	t.Helper()
	for k, v := range exact {
		if g, ok := got[k]; !ok || g != v {
			t.Errorf("%s = %v (present %v), want %v", k, g, ok, v)
		}
	}
	for _, k := range positive {
		if g, ok := got[k]; !ok || g <= 0 {
			t.Errorf("%s = %v (present %v), want > 0", k, g, ok)
		}
	}
}

// ordered checks that latency figures read p50 ≤ p99 ≤ max.
func ordered(t *testing.T, got map[string]float64, keys ...string) {
	t.Helper()
	for i := 1; i < len(keys); i++ {
		if got[keys[i-1]] > got[keys[i]] {
			t.Errorf("%s %v > %s %v", keys[i-1], got[keys[i-1]], keys[i], got[keys[i]])
		}
	}
}

// TestBenchFanout: every member of every group gets every message once:
// the counts add up exactly and the delivered ratio is 1.
func TestBenchFanout(t *testing.T) {
	rate, groups, members := 40, 2, 3
	if raceEnabled {
		rate = 20
	}
	got := benchRun(t, "fanout", "--groups", strconv.Itoa(groups), "--members", strconv.Itoa(members),
		"--senders", "2", "--rate", strconv.Itoa(rate), "--duration", "1s")
	want(t, got, map[string]float64{
		"accepted":            float64(rate),
		"deliveries":          float64(rate * members),
		"expected_deliveries": float64(rate * members),
		"delivered_ratio":     1,
		"send_errors":         0,
		"duplicates":          0,
		"conns":               float64(groups * members),
	}, "accepted_per_s", "deliveries_per_s", "lat_p50_ms", "lat_p99_ms", "lat_max_ms", "send_p50_ms", "send_p99_ms",
		"server_rss_mb", "server_rss_anon_mb", "server_cpu_s", "deliveries_per_server_cpu_s", "connect_s", "join_s")
	ordered(t, got, "lat_p50_ms", "lat_p99_ms", "lat_max_ms")
	ordered(t, got, "send_p50_ms", "send_p99_ms")
	// Paced: the rate asked for, over the second (not a burst).
	if r := got["accepted_per_s"]; r < float64(rate)*0.5 || r > float64(rate)*1.1 {
		t.Errorf("accepted_per_s = %v at --rate %d", r, rate)
	}
	if d := got["deliveries_per_s"]; d > got["accepted_per_s"]*float64(members)*1.1 {
		t.Errorf("deliveries_per_s = %v: more than accepted_per_s × members", d)
	}
}

// TestBenchDirect: senders in pairs, then into one group, as fast as
// answered: every send answered, none failed.
func TestBenchDirect(t *testing.T) {
	for _, shape := range []string{"pairs", "group"} {
		t.Run(shape, func(t *testing.T) {
			got := benchRun(t, "direct", "--senders", "4", "--shape", shape, "--duration", "1s")
			want(t, got, map[string]float64{"send_errors": 0},
				"accepted", "accepted_per_s", "send_p50_ms", "send_p99_ms", "server_rss_mb", "server_cpu_s",
				"messages_per_server_cpu_s")
			ordered(t, got, "send_p50_ms", "send_p99_ms", "send_max_ms")
			if _, ok := got["delivered_ratio"]; ok {
				t.Errorf("direct reports a delivered ratio, with no receiver connected")
			}
		})
	}
}

// TestBenchDirectURL: against a running server (--url, --app, --key,
// --pid), every message bench counts as accepted is in the server's log.
func TestBenchDirectURL(t *testing.T) {
	cfg := testConfig(t.TempDir())
	m, out := start(t, cfg)
	s := parseSecrets(out)
	got := benchRun(t, "direct", "--url", m.URL(), "--app", s.AppID, "--key", s.RESTKey,
		"--pid", strconv.Itoa(os.Getpid()), "--senders", "4", "--rate", "50", "--duration", "1s")
	latest, err := m.Service.LatestMessageID(context.Background(), s.AppID)
	if err != nil {
		t.Fatal(err)
	}
	want(t, got, map[string]float64{"accepted": float64(latest), "send_errors": 0}, "server_cpu_s", "server_rss_mb")
}

// TestBenchIdle: every connection stays open through the idle window,
// and the server's memory per connection is reported. The connections
// declare a keepalive, which the server must report taking (the default,
// none declared, is what the fanout scenario's sockets do).
func TestBenchIdle(t *testing.T) {
	got := benchRun(t, "idle", "--conns", "20", "--duration", "1s", "--keepalive", "120")
	want(t, got, map[string]float64{"conns": 20, "keepalive_s": 120}, "server_rss_mb", "connect_s")
	for _, k := range []string{"rss_per_conn_kb", "anon_per_conn_kb", "server_cpu_pct", "server_cpu_s"} {
		if _, ok := got[k]; !ok {
			t.Errorf("no %s", k)
		}
	}
}

// TestBenchHistory: the messages asked for are stored, every page read is
// full, and a second run on the same data reads them again without
// storing more.
func TestBenchHistory(t *testing.T) {
	data := t.TempDir()
	args := []string{"history", "--messages", "200", "--groups", "2", "--senders", "8", "--readers", "4",
		"--duration", "1s", "--data", data}
	got := benchRun(t, args...)
	want(t, got, map[string]float64{"messages_stored": 200, "short_pages": 0, "read_errors": 0},
		"seed_per_s", "pages_per_s", "page_p50_ms", "page_p99_ms", "server_cpu_s", "pages_per_server_cpu_s")
	ordered(t, got, "page_p50_ms", "page_p99_ms", "page_max_ms")

	again := benchRun(t, args...)
	want(t, again, map[string]float64{"messages_stored": 200, "short_pages": 0, "read_errors": 0}, "pages_per_s")
	if _, ok := again["seed_per_s"]; ok {
		t.Errorf("the second run on the same data stored messages again")
	}
}

// TestBenchFlags: a bad command line is refused with a message that names
// the problem and exit status 2, before anything starts.
func TestBenchFlags(t *testing.T) {
	for _, c := range []struct {
		args []string
		msg  string
	}{
		{nil, "Usage: parley bench"},
		{[]string{"stampede"}, `unknown scenario "stampede"`},
		{[]string{"fanout", "--rate", "0"}, "--rate must be positive"},
		{[]string{"fanout", "--members", "-1"}, "--members must be a positive number"},
		{[]string{"fanout", "--duration", "0s"}, "--duration must be positive"},
		{[]string{"direct", "--shape", "star"}, "--shape must be pairs or group"},
		{[]string{"idle", "--conns", "0"}, "--conns must be a positive number"},
		{[]string{"idle", "--keepalive", "-1"}, "--keepalive must be a number of seconds"},
		{[]string{"history", "--readers", "0"}, "--readers must be a positive number"},
		{[]string{"fanout", "--bogus"}, "flag provided but not defined: -bogus"},
		{[]string{"fanout", "--rate", "fast"}, `invalid value "fast" for flag -rate`},
		{[]string{"fanout", "extra"}, "unexpected arguments"},
		{[]string{"direct", "--url", "http://127.0.0.1:1"}, "--url needs --app and --key"},
		{[]string{"direct", "--url", "127.0.0.1:1", "--app", "a", "--key", "k"}, "--url must start with http://"},
		{[]string{"direct", "--pid", "1"}, "--app, --key and --pid go with --url"},
		{[]string{"direct", "--url", "http://127.0.0.1:1", "--app", "a", "--key", "k", "--data", "d"}, "not with --url"},
		{[]string{"direct", "--url", "http://127.0.0.1:1", "--app", "a", "--key", "k", "--server-bin", "p"}, "not with --url"},
	} {
		t.Run(fmt.Sprint(c.args), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), append([]string{"bench"}, c.args...), &stdout, &stderr)
			if code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
			if !strings.Contains(stderr.String(), c.msg) {
				t.Errorf("stderr does not say %q:\n%s", c.msg, &stderr)
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout: %s", &stdout)
			}
		})
	}
}

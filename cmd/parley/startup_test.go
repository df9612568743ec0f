package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

// TestMainRefusesSecondServerOnSameData starts a server, then a second one
// on the same data directory: the second is refused, naming the directory,
// before it prints anything; once the first stops, a server starts there.
func TestMainRefusesSecondServerOnSameData(t *testing.T) {
	dir := t.TempDir()
	m, _ := start(t, testConfig(dir))

	var out bytes.Buffer
	m2 := NewMain(testConfig(dir), &out, io.Discard)
	err := m2.Open(context.Background())
	m2.Close()
	if err == nil {
		t.Fatal("a second server on the same data dir started")
	}
	if msg := err.Error(); !strings.Contains(msg, dir) || !strings.Contains(msg, "in use by another parley server") {
		t.Errorf("error %q: want it to name %s and say it is in use", msg, dir)
	}
	if out.Len() > 0 {
		t.Errorf("the refused server printed:\n%s", out.String())
	}

	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	m3, _ := start(t, testConfig(dir)) // the lock went with the first server
	mustOK(t, "GET", m3.URL()+"/readyz", nil)
}

// TestMainDataDirErrors checks that a data directory that can't be used
// fails the start with its path and the system's reason.
func TestMainDataDirErrors(t *testing.T) {
	t.Run("a path under a regular file", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "file")
		if err := os.WriteFile(file, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		dir := filepath.Join(file, "data")
		m := NewMain(testConfig(dir), io.Discard, io.Discard)
		err := m.Open(context.Background())
		m.Close()
		if err == nil || !strings.Contains(err.Error(), dir) || !strings.Contains(err.Error(), "not a directory") {
			t.Errorf("Open = %v, want an error naming %s and saying \"not a directory\"", err, dir)
		}
	})
}

// TestRunFlagErrorOnce checks that a bad flag's error is printed once, with
// a pointer to the help rather than the whole of it, and that asked-for
// help goes to stdout.
func TestRunFlagErrorOnce(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--nope"}, "flag provided but not defined: -nope"},
		{[]string{"serve", "--addr"}, "flag needs an argument: -addr"},
		{[]string{"serve", "--max-body", "x"}, `--max-body must be a positive number, not "x"`},
	} {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			clearEnv(t)
			var stdout, stderr bytes.Buffer
			if code := run(context.Background(), c.args, &stdout, &stderr); code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
			if n := strings.Count(stderr.String(), c.want); n != 1 || strings.Contains(stderr.String(), "-rate-max-keys") {
				t.Errorf("stderr has the error %d times (want once, without the flag list):\n%s", n, stderr.String())
			}
			if stdout.Len() > 0 {
				t.Errorf("stdout: %q", stdout.String())
			}
		})
	}
	t.Run("serve -h", func(t *testing.T) {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), []string{"serve", "-h"}, &stdout, &stderr); code != 0 {
			t.Errorf("exit %d", code)
		}
		if !strings.Contains(stdout.String(), "-addr") || !strings.Contains(stdout.String(), "PARLEY_ADDR") || stderr.Len() > 0 {
			t.Errorf("stdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
		}
	})
}

func TestVersion(t *testing.T) {
	info := func(version string, settings ...string) *debug.BuildInfo {
		b := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/parleychat/parley", Version: version}}
		for i := 0; i+1 < len(settings); i += 2 {
			b.Settings = append(b.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
		}
		return b
	}
	const rev = "0123456789abcdef0123456789abcdef01234567"
	for _, c := range []struct {
		info *debug.BuildInfo
		want string
	}{
		{info("(devel)", "vcs", "git", "vcs.revision", rev, "vcs.modified", "false"), "parley (devel) revision " + rev + " go1.26.8"},
		{info("(devel)", "vcs.revision", rev, "vcs.modified", "true"), "parley (devel) revision " + rev + "+dirty go1.26.8"},
		{info("v1.2.3"), "parley v1.2.3 revision unknown go1.26.8"},
		{info(""), "parley (devel) revision unknown go1.26.8"},
	} {
		if got := version(c.info, true); got != c.want {
			t.Errorf("got %q, want %q", got, c.want)
		}
	}
	if got := version(nil, false); !strings.Contains(got, "unknown") {
		t.Errorf("without build info: %q", got)
	}
	for _, args := range [][]string{{"version"}, {"--version"}} {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), args, &stdout, &stderr); code != 0 || !strings.HasPrefix(stdout.String(), "parley ") ||
			!strings.Contains(stdout.String(), " revision ") {
			t.Errorf("parley %s: exit %d, stdout %q, stderr %q", args[0], code, stdout.String(), stderr.String())
		}
	}
}

// TestMainBannerWithoutDefaultApp restarts a server whose default app was
// deleted (another app remains): the banner says so instead of naming an
// app that is gone.
func TestMainBannerWithoutDefaultApp(t *testing.T) {
	dir := t.TempDir()
	m, out := start(t, testConfig(dir))
	s := parseSecrets(out)
	mustOK(t, "POST", m.URL()+"/v3/apps", map[string]any{"name": "Other"}, "Authorization", "Bearer "+s.Operator)
	mustOK(t, "DELETE", m.URL()+"/v3/apps/"+s.AppID, nil, "Authorization", "Bearer "+s.Operator)
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	_, out2 := start(t, testConfig(dir))
	if strings.Contains(out2, s.AppID) || !strings.Contains(out2, "default app was deleted") || !strings.Contains(out2, "1 app(s)") {
		t.Errorf("restart banner:\n%s", out2)
	}
}

package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/parleychat/parley/internal/syncbuf"
)

// repoRoot is the module's root, where the Makefile is.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "Makefile")); err != nil {
		t.Fatalf("no Makefile at the module root: %v", err)
	}
	return root
}

// makeCmd is make run in the module root with target and variables.
func makeCmd(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	if _, err := exec.LookPath("make"); err != nil {
		t.Fatalf("the README's commands need make: %v", err)
	}
	cmd := exec.Command("make", args...)
	cmd.Dir = repoRoot(t)
	return cmd
}

// TestMakeBuild builds the binary as the README says (make build) and runs
// what the README runs with it: --version, version and serve -h.
func TestMakeBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	t.Parallel()
	bin := filepath.Join(t.TempDir(), "parley")
	if out, err := makeCmd(t, "build", "BIN="+bin).CombinedOutput(); err != nil {
		t.Fatalf("make build: %v\n%s", err, out)
	}
	runBin := func(args ...string) string {
		t.Helper()
		out, err := exec.Command(bin, args...).CombinedOutput()
		if err != nil {
			t.Fatalf("parley %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	v := runBin("--version")
	if v2 := runBin("version"); v2 != v {
		t.Errorf("parley version %q, parley --version %q", v2, v)
	}
	// "(devel)" in a worktree; in a clone Go stamps a pseudo-version from
	// the commit (v0.0.0-<time>-<hash>).
	if !regexp.MustCompile(`^parley (\(devel\)|v\S+) revision \S+ go\S+\n$`).MatchString(v) {
		t.Errorf("parley --version: %q", v)
	}
	// Go records the revision of a git clone (a .git folder); a git
	// worktree (a .git file) it does not read, and says "unknown".
	root := repoRoot(t)
	if fi, err := os.Stat(filepath.Join(root, ".git")); err == nil && fi.IsDir() {
		head, err := exec.Command("git", "-C", root, "rev-parse", "HEAD").Output()
		if err != nil {
			t.Fatalf("git rev-parse: %v", err)
		}
		if want := "revision " + strings.TrimSpace(string(head)); !strings.Contains(v, want) {
			t.Errorf("parley --version: %q, want %q", v, want)
		}
	} else if !strings.Contains(v, "revision unknown") {
		t.Errorf("parley --version outside a git clone: %q", v)
	}
	if h := runBin("serve", "-h"); !strings.Contains(h, "-addr") || !strings.Contains(h, "PARLEY_DATA") {
		t.Errorf("parley serve -h:\n%s", h)
	}
}

// TestMakeRunInterrupted runs make run, waits for the server, and presses
// Ctrl-C (SIGINT to the foreground process group, as a terminal does): the
// server logs one line that it stopped, and neither make nor anything else
// reports a failure.
func TestMakeRunInterrupted(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	t.Parallel()
	dir := t.TempDir()
	cmd := makeCmd(t, "run", "BIN="+filepath.Join(dir, "parley"))
	cmd.Env = append(os.Environ(), "PARLEY_ADDR=127.0.0.1:0", "PARLEY_DATA="+filepath.Join(dir, "data"))
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out := &syncbuf.Buffer{}
	cmd.Stdout = out
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = pw
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	t.Cleanup(func() { syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); cmd.Wait() })
	serving := make(chan struct{})
	copied := make(chan struct{})
	go func() {
		defer close(copied)
		sc := bufio.NewScanner(pr)
		once := false
		for sc.Scan() {
			out.Write(append(sc.Bytes(), '\n'))
			if !once && strings.Contains(sc.Text(), "parley serving") {
				once = true
				close(serving)
			}
		}
	}()
	select {
	case <-serving:
	case <-copied:
		cmd.Wait()
		t.Fatalf("make run ended before serving:\n%s", out)
	case <-time.After(3 * time.Minute):
		t.Fatalf("make run did not serve:\n%s", out)
	}
	if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	<-copied
	// make itself dies of the SIGINT it got too, as a shell expects of an
	// interrupted command; it must not report the recipe as failed.
	if ee, ok := err.(*exec.ExitError); err != nil && (!ok || ee.ExitCode() > 0) {
		t.Errorf("make run: %v", err)
	}
	text := out.String()
	for _, noise := range []string{"make:", "***", "Error", "exit status", "signal:"} {
		if strings.Contains(text, noise) {
			t.Errorf("the output reports %q:\n%s", noise, text)
		}
	}
	if n := strings.Count(text, `msg="parley stopped"`); n != 1 {
		t.Errorf("%d lines say the server stopped, want 1:\n%s", n, text)
	}
}

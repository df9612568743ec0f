package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// docBlock is one fenced ```sh block of a document.
type docBlock struct {
	line int // of the opening fence
	text string
}

// shBlocks returns the ```sh blocks of file, in order; with section set,
// only those under that "## " heading.
func shBlocks(t *testing.T, file, section string) []docBlock {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []docBlock
	var cur *docBlock
	in := section == ""
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case cur != nil && strings.HasPrefix(line, "```"):
			if in {
				out = append(out, *cur)
			}
			cur = nil
		case cur != nil:
			cur.text += line + "\n"
		case strings.HasPrefix(line, "```sh"):
			cur = &docBlock{line: n}
		case section != "" && strings.HasPrefix(line, "## "):
			in = line == section
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// The variable block both documents open their examples with, and what it
// must set: the base URL is the same in both (it ends in /v3).
var (
	docVars    = []string{"APP", "KEY", "AUTH", "OP", "BASE"}
	docBaseURL = "http://127.0.0.1:8080/v3"
	reAssign   = regexp.MustCompile(`(?m)^([A-Z]+)=(\S*)`)
	// Every jq in the examples reads one value by a path: what the stand-in
	// below runs where jq is not installed.
	reJQ     = regexp.MustCompile(`\bjq\b[^|)\n]*`)
	reJQPath = regexp.MustCompile(`^jq -r '?(\.[A-Za-z_][A-Za-z0-9_]*|\[[0-9]+\])+'?\s*$`)
)

// TestDocsExamples runs the examples of docs/api.md, in order, with bash and
// curl against a fresh server, and then the README's walk-through against
// another: every call must answer 2xx, so the examples can't rot. The
// variable block is run as written, then given the values this server
// printed, as a reader pastes them.
func TestDocsExamples(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the documentation's examples")
	}
	for _, tool := range []string{"bash", "curl"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("the documentation's examples need %s: %v", tool, err)
		}
	}
	root := repoRoot(t)
	api := shBlocks(t, filepath.Join(root, "docs", "api.md"), "")
	readme := shBlocks(t, filepath.Join(root, "README.md"), "## A first walk-through with curl")
	if len(api) < 2 || len(readme) < 2 {
		t.Fatalf("found %d examples in docs/api.md and %d in the README's walk-through", len(api), len(readme))
	}
	if api[0].text != readme[0].text {
		t.Errorf("the variable blocks differ:\ndocs/api.md:\n%sREADME.md:\n%s", api[0].text, readme[0].text)
	}
	var set []string
	for _, m := range reAssign.FindAllStringSubmatch(api[0].text, -1) {
		set = append(set, m[1])
		if m[1] == "BASE" && m[2] != docBaseURL {
			t.Errorf("BASE=%s in the variable block, want %s", m[2], docBaseURL)
		}
	}
	if strings.Join(set, " ") != strings.Join(docVars, " ") {
		t.Errorf("the variable block sets %v, want %v", set, docVars)
	}
	for _, b := range append(append([]docBlock{}, api...), readme...) {
		for _, call := range reJQ.FindAllString(b.text, -1) {
			if !reJQPath.MatchString(call) {
				t.Errorf("example at line %d: %q is not jq -r PATH", b.line, call)
			}
		}
		if strings.Contains(b.text, "$BASE/v3") {
			t.Errorf("example at line %d: $BASE already ends in /v3", b.line)
		}
	}
	t.Run("docs/api.md", func(t *testing.T) { runExamples(t, "docs/api.md", api) })
	t.Run("README.md", func(t *testing.T) { runExamples(t, "README.md", readme) })
}

// runExamples runs blocks as one bash script against a new server.
func runExamples(t *testing.T, doc string, blocks []docBlock) {
	m, out := start(t, testConfig(t.TempDir()))
	s := parseSecrets(out)
	var script strings.Builder
	// Fail at the first call that fails (curl: at any status but 2xx),
	// saying where; the answers go to the log.
	script.WriteString(`set -euo pipefail
shopt -s inherit_errexit
curl() { command curl --silent --show-error --fail-with-body "$@" && echo; }
trap 'echo "FAILED (exit $?): $BASH_COMMAND" >&2' ERR
`)
	for i, b := range blocks {
		fmt.Fprintf(&script, "echo '### %s line %d'\n%s", doc, b.line, b.text)
		if i == 0 {
			fmt.Fprintf(&script, "APP=%s KEY=%s AUTH=%s OP=%s BASE=%s\n", s.AppID, s.RESTKey, s.AuthKey, s.Operator, m.URL()+"/v3")
		}
	}
	cmd := exec.Command("bash", "-c", script.String())
	cmd.Dir = t.TempDir() // files the examples write (an upload) land here
	cmd.Env = append(os.Environ(), "PATH="+jqPath(t))
	got, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the examples of %s failed: %v\n%s", doc, err, got)
	}
	t.Logf("%s", got)
}

// jqPath is PATH, with a stand-in for jq ahead of it when jq is not
// installed: this test binary, which evaluates jq -r PATH.
func jqPath(t *testing.T) string {
	path := os.Getenv("PATH")
	if _, err := exec.LookPath("jq"); err == nil {
		return path
	}
	bin := t.TempDir()
	shim := fmt.Sprintf("#!/bin/sh\nPARLEY_TEST_JQ=1 exec %s \"$@\"\n", strconv.Quote(os.Args[0]))
	if err := os.WriteFile(filepath.Join(bin, "jq"), []byte(shim), 0o755); err != nil {
		t.Fatal(err)
	}
	return bin + string(os.PathListSeparator) + path
}

// miniJQ is jq -r PATH for the documentation's examples where jq is not
// installed: it prints the value at PATH (.a.b[0].c) of each JSON value on
// stdin, strings raw, null when absent.
func miniJQ(args []string, stdin io.Reader, stdout io.Writer) int {
	if len(args) != 2 || args[0] != "-r" {
		fmt.Fprintf(os.Stderr, "jq stand-in: only jq -r PATH, not %q\n", args)
		return 2
	}
	steps := regexp.MustCompile(`\.([A-Za-z_][A-Za-z0-9_]*)|\[([0-9]+)\]`).FindAllStringSubmatch(args[1], -1)
	dec := json.NewDecoder(stdin)
	for {
		var v any
		if err := dec.Decode(&v); err == io.EOF {
			return 0
		} else if err != nil {
			fmt.Fprintf(os.Stderr, "jq stand-in: %v\n", err)
			return 2
		}
		for _, s := range steps {
			switch x := v.(type) {
			case map[string]any:
				v = x[s[1]]
			case []any:
				i, _ := strconv.Atoi(s[2])
				v = nil
				if s[1] == "" && i < len(x) {
					v = x[i]
				}
			default:
				v = nil
			}
		}
		if str, ok := v.(string); ok {
			fmt.Fprintln(stdout, str)
			continue
		}
		b, _ := json.Marshal(v)
		fmt.Fprintln(stdout, string(b))
	}
}

func TestMiniJQ(t *testing.T) {
	in := `{"data":{"id":"7","list":[{"url":"/v3/x"}],"n":2}}` + "\n" + `{"data":{}}`
	for path, want := range map[string]string{
		".data.id":             "7\nnull\n",
		".data.list[0].url":    "/v3/x\nnull\n",
		".data.n":              "2\nnull\n",
		".data.list[1].url":    "null\nnull\n",
		".data.id.nothing[0]":  "null\nnull\n",
		".meta.previous.id":    "null\nnull\n",
		".data.list[0]":        "{\"url\":\"/v3/x\"}\nnull\n",
		".data.list[0].url.x":  "null\nnull\n",
		".data.list.url":       "null\nnull\n",
		".data.list[0][0].url": "null\nnull\n",
	} {
		var out strings.Builder
		if code := miniJQ([]string{"-r", path}, strings.NewReader(in), &out); code != 0 || out.String() != want {
			t.Errorf("jq -r %s: %d %q, want %q", path, code, out.String(), want)
		}
	}
}

package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/client"
)

// The CLI subcommands talk to a running server through the Go SDK
// (package client), as any program would. Each family has its file:
// cli_apps.go (apps, keys), cli_users.go (users, tokens), cli_groups.go
// and cli_chat.go (send, listen, chat).

const cliUsage = `Talk to a Parley server (flags have environment twins):

  parley apps create --name NAME [--region R] | list | delete APP_ID      (operator token)
  parley keys create --name NAME [--scope fullAccess|authOnly] | list | revoke KEY_ID
  parley users create --uid UID [--name NAME] [--role ROLE] | get UID | list [--search S] | delete UID [--permanent]
  parley tokens create UID [--device ID]
  parley groups create --guid GUID [--name N] [--type public|password|private] [--owner UID] | list |
                members GUID | add GUID UID... [--scope participant|moderator|admin]
  parley send --as UID (--to UID | --group GUID) TEXT...
  parley listen --as UID                      print every live event (one JSON line each with --json)
  parley chat --as UID (--with UID | --group GUID)   an interactive chat in the terminal

Common flags:
  --url URL               the server ($PARLEY_URL, default http://127.0.0.1:8080)
  --app ID                the App ID ($PARLEY_APP_ID)
  --key KEY               a REST API Key of the app ($PARLEY_API_KEY)
  --operator-token TOKEN  the operator token ($PARLEY_OPERATOR_TOKEN)
  --json                  print JSON instead of text
`

// cliCommand returns the function of a CLI subcommand.
func cliCommand(name string) func(ctx context.Context, e *cliEnv, args []string) error {
	switch name {
	case "apps":
		return appsCmd
	case "keys":
		return keysCmd
	case "users":
		return usersCmd
	case "tokens":
		return tokensCmd
	case "groups":
		return groupsCmd
	case "send":
		return sendCmd
	case "listen":
		return listenCmd
	case "chat":
		return chatCmd
	}
	return nil
}

// cli runs one CLI subcommand (args[0] is its name) and returns the exit
// code: 0, 1 for a failure (the server's code and message on stderr), 2
// for bad usage.
func cli(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cmd := cliCommand(args[0])
	if cmd == nil {
		fmt.Fprintf(stderr, "parley: unknown command %q\n\n%s", args[0], cliUsage)
		return 2
	}
	name := "parley " + args[0]
	if len(args) > 1 && !strings.HasPrefix(args[1], "-") && args[0] != "send" {
		name += " " + args[1] // the action: parley users get
	}
	e := &cliEnv{name: name, stdin: stdin, stdout: &lockedWriter{w: stdout}, stderr: stderr}
	err := cmd(ctx, e, args[1:])
	var ue usageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "%s: %v\n\n%s", e.name, err, cliUsage)
		return 2
	}
	if pe, ok := parley.AsError(err); ok {
		fmt.Fprintf(stderr, "%s: %s: %s\n", e.name, pe.Code, pe.Message)
	} else {
		fmt.Fprintf(stderr, "%s: %v\n", e.name, err)
	}
	return 1
}

// usageError is a command line that makes no sense.
type usageError struct{ msg string }

// Error implements error.
func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// cliEnv is what every subcommand has: its streams and, once parsed, the
// common flags.
type cliEnv struct {
	name          string
	stdin         io.Reader
	stdout        io.Writer
	stderr        io.Writer
	url, app      string
	key, operator string
	json          bool
}

// flags returns a flag set with the common flags.
func (e *cliEnv) flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(e.name+" "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() { fmt.Fprint(e.stderr, cliUsage) }
	envString(fs, &e.url, "url", "PARLEY_URL", "http://127.0.0.1:8080", "the server's base URL")
	envString(fs, &e.app, "app", "PARLEY_APP_ID", "", "the App ID")
	envString(fs, &e.key, "key", "PARLEY_API_KEY", "", "a REST API Key of the app")
	envString(fs, &e.operator, "operator-token", "PARLEY_OPERATOR_TOKEN", "", "the operator token")
	fs.BoolVar(&e.json, "json", false, "print JSON")
	return fs
}

// envString defines a string flag whose default comes from env when set.
func envString(fs *flag.FlagSet, p *string, name, env, def, help string) {
	if v, ok := os.LookupEnv(env); ok {
		def = v
	}
	fs.StringVar(p, name, def, help+" ($"+env+")")
}

// parse parses args with flags and positional arguments in any order.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usageError{err.Error()}
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// client returns an SDK client of the configured server and app.
func (e *cliEnv) client(manual bool) (*client.Client, error) {
	if e.app == "" {
		return nil, usagef("--app (or $PARLEY_APP_ID) is required")
	}
	return client.New(client.Settings{BaseURL: e.url, AppID: e.app, DeviceID: "parley-cli", ManualConnect: manual})
}

// server returns the calls of the app's backend: with the key, else the
// operator token.
func (e *cliEnv) server() (*client.Server, error) {
	c, err := e.client(true)
	if err != nil {
		return nil, err
	}
	switch {
	case e.key != "":
		return c.WithKey(e.key), nil
	case e.operator != "":
		return c.WithOperator(e.operator), nil
	}
	return nil, usagef("--key (or $PARLEY_API_KEY) or --operator-token is required")
}

// print writes v as JSON with --json, else calls text.
func (e *cliEnv) print(v any, text func(w io.Writer)) error {
	if e.json {
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		return enc.Encode(v)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	text(tw)
	return tw.Flush()
}

// when writes a Unix time for people.
func when(ts int64) string {
	if ts == 0 {
		return "-"
	}
	return time.Unix(ts, 0).UTC().Format("2006-01-02 15:04:05")
}

// lockedWriter serialises writes: the SDK's listeners print from their own
// goroutine.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

// Write implements io.Writer.
func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// one returns the single positional argument.
func one(pos []string, what string) (string, error) {
	if len(pos) != 1 || strings.TrimSpace(pos[0]) == "" {
		return "", usagef("expected one %s, got %q", what, pos)
	}
	return pos[0], nil
}

// sub splits "create --name x" into the action and the rest.
func sub(args []string, actions ...string) (string, []string, error) {
	if len(args) == 0 || !slices.Contains(actions, args[0]) {
		return "", nil, usagef("expected one of %s", strings.Join(actions, ", "))
	}
	return args[0], args[1:], nil
}

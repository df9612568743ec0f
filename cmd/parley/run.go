package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
)

const usage = `Parley: a self-hosted chat platform.

Usage:
  parley serve [flags]   run the server (see parley serve -h)
  parley bench <scenario> [flags]
                         load a server and measure it: fanout, direct, idle, history
                         (see parley bench -h)
  parley version         print the version and the revision it was built from (also --version)
  parley apps|keys|users|tokens|groups|send|listen|chat ...
                         talk to a server (see parley help cli)
`

// run dispatches a subcommand and returns the process exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], stdout, stderr)
	case "bench":
		return benchCmd(ctx, args[1:], stdout, stderr)
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, version(debug.ReadBuildInfo()))
		return 0
	case "help", "-h", "--help":
		if len(args) > 1 && args[1] == "cli" {
			fmt.Fprint(stdout, cliUsage)
			return 0
		}
		fmt.Fprint(stdout, usage)
		return 0
	case "apps", "keys", "users", "tokens", "groups", "send", "listen", "chat":
		return cli(ctx, args, os.Stdin, stdout, stderr) // cli.go
	}
	fmt.Fprintf(stderr, "parley: unknown command %q\n\n%s", args[0], usage)
	return 2
}

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, err := parseConfig(args, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "parley serve: %v\nparley serve -h lists the flags.\n", err)
		return 2
	}
	m := NewMain(cfg, stdout, stderr)
	if err := m.Open(ctx); err != nil {
		fmt.Fprintf(stderr, "parley serve: %v\n", err)
		m.Close()
		return 1
	}
	<-ctx.Done()
	if err := m.Close(); err != nil {
		fmt.Fprintf(stderr, "parley serve: shutdown: %v\n", err)
		return 1
	}
	return 0
}

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/parleychat/parley"
)

const usage = `Parley: a self-hosted chat platform.

Usage:
  parley serve [flags]   run the server (see parley serve -h)
  parley bench <scenario> [flags]
                         load a server and measure it: fanout, direct, idle, history
                         (see parley bench -h)
  parley version         print the version
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
	case "version":
		fmt.Fprintf(stdout, "parley %s %s\n", parley.Version, parley.Commit)
		return 0
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "parley: unknown command %q\n\n%s", args[0], usage)
	return 2
}

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, err := parseConfig(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "parley serve: %v\n", err)
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

// Command parley is the Parley chat server and its tools in one binary.
//
//	parley serve     run the server (on an embedded SQLite database)
//	parley bench     load a server and measure it (docs/benchmarks.md)
//	parley version   print the version and VCS revision (also --version)
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

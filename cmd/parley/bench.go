package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/parleychat/parley/bench"
)

const benchUsage = `Usage: parley bench <scenario> [flags]

Load a Parley server and measure it (docs/benchmarks.md). Without --url,
bench starts "parley serve" itself (this binary, a free loopback port, a
temporary data directory, rate limits off), so the server's memory and CPU
are measured apart from the generator's.

Scenarios:
  fanout    groups x members, each member a live WebSocket; senders post at
            --rate messages/s in all (open loop); every member must get
            every message of its group
  direct    senders post one-to-one messages over REST (--shape group: into
            one group) as fast as answered, or at --rate
  idle      --conns authenticated idle WebSockets: server memory per
            connection and CPU to keep them (one server ping and client
            pong per --keepalive seconds each)
  history   stores --messages messages in --groups groups over REST, then
            --readers read random 50-message pages

A summary ends the run (stdout); --json adds it as one JSON object on the
last line. Progress goes to stderr.

Run "parley bench <scenario> -h" for the flags and the scenario's defaults.
`

// benchCmd runs `parley bench`.
func benchCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
			fmt.Fprint(stdout, benchUsage)
			return 0
		}
		fmt.Fprint(stderr, benchUsage)
		return 2
	}
	scenario := args[0]
	cfg := bench.Defaults(scenario)
	if err := cfg.Validate(scenario); err != nil {
		fmt.Fprintf(stderr, "parley bench: %v\n\n%s", err, benchUsage)
		return 2
	}
	fs := flag.NewFlagSet("parley bench "+scenario, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&cfg.Groups, "groups", cfg.Groups, "groups (fanout, history)")
	fs.IntVar(&cfg.Members, "members", cfg.Members, "members of each group, each a WebSocket (fanout)")
	fs.IntVar(&cfg.Senders, "senders", cfg.Senders, "concurrent senders (fanout, direct; history: while storing)")
	fs.Float64Var(&cfg.Rate, "rate", cfg.Rate, "messages a second in all, paced open loop (fanout; direct: 0 is as fast as answered)")
	fs.DurationVar(&cfg.Duration, "duration", cfg.Duration, "the measured window (idle: how long the connections idle)")
	fs.IntVar(&cfg.Conns, "conns", cfg.Conns, "idle connections (idle)")
	fs.IntVar(&cfg.Keepalive, "keepalive", cfg.Keepalive, "seconds each idle connection declares in its auth frame, 25-300: the server pings it that often (idle); 0: not sent (the server's 25)")
	fs.IntVar(&cfg.Messages, "messages", cfg.Messages, "messages to store (history)")
	fs.IntVar(&cfg.Readers, "readers", cfg.Readers, "concurrent readers of pages (history)")
	fs.StringVar(&cfg.Shape, "shape", cfg.Shape, "pairs (one-to-one) or group (direct)")
	jsonOut := fs.Bool("json", false, "also print the summary as one JSON object on the last line of stdout")
	var t bench.Target
	fs.StringVar(&t.URL, "url", "", "a running server's base URL (http://host:port); empty: start one")
	fs.StringVar(&t.AppID, "app", "", "the App ID (with --url)")
	fs.StringVar(&t.Key, "key", "", "the app's REST API Key, full access (with --url)")
	fs.IntVar(&t.PID, "pid", 0, "the --url server's process id, to measure its memory and CPU (same machine)")
	data := fs.String("data", "", "data directory of the server bench starts, kept after the run (history: a later run on it reuses the stored messages); empty: a temporary one")
	debugAddr := fs.String("debug-addr", "", "--debug-addr of the server bench starts: net/http/pprof there, to profile it under load")
	serverBin := fs.String("server-bin", "", "the parley binary to start as the server (to compare builds); empty: this one")
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if err := checkBenchFlags(fs, cfg, t, *data+*debugAddr+*serverBin, scenario); err != nil {
		fmt.Fprintf(stderr, "parley bench %s: %v\n", scenario, err)
		return 2
	}
	cfg.Progress = stderr

	if t.URL == "" {
		exe := *serverBin
		if exe == "" {
			var err error
			if exe, err = os.Executable(); err != nil {
				fmt.Fprintf(stderr, "parley bench: can't find this binary to start the server: %v\n", err)
				return 1
			}
		}
		srv, err := bench.StartServer(ctx, bench.ServerOptions{Exe: exe, DataDir: *data, DebugAddr: *debugAddr, Log: stderr})
		if err != nil {
			fmt.Fprintf(stderr, "parley bench: %v\n", err)
			return 1
		}
		defer srv.Stop()
		t = srv.Target
		if *data != "" {
			cfg.StateDir = *data
		}
		fmt.Fprintf(stderr, "bench: started parley serve (pid %d) on %s, data in %s\n", t.PID, t.URL, srv.Dir())
	}
	res, err := bench.Run(ctx, scenario, t, cfg)
	if err != nil {
		fmt.Fprintf(stderr, "parley bench %s: %v\n", scenario, err)
		return 1
	}
	fmt.Fprint(stdout, res.Text())
	if r, ok := res.Get(bench.KeyDeliveredRatio); ok && r != 1 {
		fmt.Fprintf(stderr, "bench: delivered ratio %v: not every member got every message\n", r)
	}
	if *jsonOut {
		fmt.Fprintln(stdout, res.JSON())
	}
	return 0
}

// checkBenchFlags refuses flags that contradict each other or the
// scenario's needs. serverFlags is what was given of --data, --debug-addr
// and --server-bin, which only go with a server bench starts.
func checkBenchFlags(fs *flag.FlagSet, cfg bench.Config, t bench.Target, serverFlags, scenario string) error {
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	if err := cfg.Validate(scenario); err != nil {
		return err
	}
	if t.URL == "" {
		if t.AppID != "" || t.Key != "" || t.PID != 0 {
			return errors.New("--app, --key and --pid go with --url (without --url bench starts its own server)")
		}
		return nil
	}
	if !strings.HasPrefix(t.URL, "http://") && !strings.HasPrefix(t.URL, "https://") {
		return fmt.Errorf("--url must start with http:// or https://, not %q", t.URL)
	}
	if t.AppID == "" || t.Key == "" {
		return errors.New("--url needs --app and --key (the app's REST API Key)")
	}
	if t.PID < 0 {
		return fmt.Errorf("--pid must be a process id, not %d", t.PID)
	}
	if serverFlags != "" {
		return errors.New("--data, --debug-addr and --server-bin are for the server bench starts, not with --url")
	}
	return nil
}

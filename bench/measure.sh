#!/usr/bin/env bash
# The runs of docs/benchmarks.md's "merged build on a quiet machine" table:
# one `parley bench` JSON line per run, with the load average at its start.
#   PARLEY=./parley           the build measured (go build -o parley ./cmd/parley)
#   PARLEY_BASE=/tmp/base     an older build to compare with (--server-bin); runs skipped if absent
#   PARLEY_HIST_DATA=DIR      where the 1,000,000-message history is seeded and kept
# Run it on an otherwise idle machine; it takes about 18 minutes (the seeding and the idle runs most of it).
set -u
B=${PARLEY:-./parley}
BASE=${PARLEY_BASE:-}
HIST=${PARLEY_HIST_DATA:-/tmp/hist-data}
run() { echo "## $* (load $(cut -d' ' -f1 /proc/loadavg))"; "$@" --json 2>/dev/null | tail -1; }
base() { [ -n "$BASE" ] && run "$@" --server-bin "$BASE"; }
run $B bench fanout --groups 100 --members 50 --rate 1000 --duration 10s
base $B bench fanout --groups 100 --members 50 --rate 1000 --duration 10s
run $B bench fanout --groups 100 --members 50 --rate 1000 --duration 10s
run $B bench fanout --groups 1 --members 2000 --rate 100 --duration 10s
run $B bench fanout --groups 1 --members 2000 --rate 100 --duration 10s
run $B bench direct --senders 128 --duration 10s
base $B bench direct --senders 128 --duration 10s
run $B bench direct --senders 128 --duration 10s
run $B bench idle --conns 15000 --duration 60s
run $B bench idle --conns 15000 --duration 60s --keepalive 60
run $B bench idle --conns 15000 --duration 60s --keepalive 120
run $B bench idle --conns 15000 --duration 60s --keepalive 300
run $B bench history --messages 1000000 --readers 16 --groups 10 --data "$HIST"
run $B bench history --messages 1000000 --readers 16 --groups 10 --data "$HIST"

#!/usr/bin/env bash
# The runs of docs/benchmarks.md's "Issue 12: final figures" table: one
# `parley bench` JSON line per run, with the load average at its start.
#   PARLEY=./parley            the build measured (go build -o parley ./cmd/parley)
#   PARLEY_BASE=/tmp/base      an older build to compare with (--server-bin); runs skipped if absent
#   PARLEY_HIST_DATA=DIR       where the 1,000,000-message history is seeded and kept
#   PARLEY_HIST10M_DATA=DIR    the same for 10,000,000 messages (seeding them takes 30–40 minutes);
#                              skipped unless set
# Run it on an otherwise idle machine; without the 10,000,000 it takes about 15 minutes (the
# first seeding of 1,000,000 about 4 more).
set -u
B=${PARLEY:-./parley}
BASE=${PARLEY_BASE:-}
HIST=${PARLEY_HIST_DATA:-/tmp/hist-data}
HIST10M=${PARLEY_HIST10M_DATA:-}
run() { echo "## $* (load $(cut -d' ' -f1 /proc/loadavg))"; "$@" --json 2>/dev/null | tail -1; }
base() { [ -n "$BASE" ] && run "$@" --server-bin "$BASE"; }
for _ in 1 2; do
  run $B bench fanout --groups 100 --members 50 --rate 1000 --duration 10s
  base $B bench fanout --groups 100 --members 50 --rate 1000 --duration 10s
done
run $B bench fanout --groups 1 --members 2000 --rate 100 --duration 10s
run $B bench fanout --groups 1 --members 2000 --rate 100 --duration 10s
out=$(run $B bench direct --senders 128 --duration 10s)
echo "$out"
peak=$(echo "$out" | tail -1 | sed -n 's/.*"accepted_per_s":\([0-9]*\).*/\1/p')
base $B bench direct --senders 128 --duration 10s
run $B bench direct --senders 128 --duration 10s
base $B bench direct --senders 128 --duration 10s
# paced at half the first run's peak
half=$(( ${peak:-4000} / 2 ))
run $B bench direct --senders 128 --rate $half --duration 10s
base $B bench direct --senders 128 --rate $half --duration 10s
run $B bench direct --senders 128 --rate $half --duration 10s
run $B bench idle --conns 15000 --duration 60s
run $B bench idle --conns 15000 --duration 120s --keepalive 120
# 20 s windows: a server just started spends its first seconds faulting the database's pages
# in (10 s windows read 15-25 % fewer pages/s)
for _ in 1 2; do
  run $B bench history --messages 1000000 --readers 16 --groups 10 --data "$HIST" --duration 20s
  base $B bench history --messages 1000000 --readers 16 --groups 10 --data "$HIST" --duration 20s
done
if [ -n "$HIST10M" ]; then
  # the first run seeds; then the 17 GB file is read once so that it is in the page cache
  run $B bench history --messages 10000000 --readers 16 --groups 10 --data "$HIST10M" --duration 20s
  cat "$HIST10M/parley.db" > /dev/null
  run $B bench history --messages 10000000 --readers 16 --groups 10 --data "$HIST10M" --duration 20s
  base $B bench history --messages 10000000 --readers 16 --groups 10 --data "$HIST10M" --duration 20s
fi

//go:build !race

package chat_test

// raceEnabled reports whether the race detector instruments this test
// binary. Under it the C-translated SQLite runs some 15-60 times slower, so
// load tests size themselves by it: full size in a plain run, the same
// concurrency with fewer rounds under -race (which CI runs, by the README's
// command). A build tag rather than -short, so that the README's command
// is the one that decides.
const raceEnabled = false

//go:build !race

package sqlite

// raceEnabled reports whether the race detector instruments this test
// binary. Under it the C-translated SQLite runs some 15-60 times slower, so
// load tests size themselves by it: full size in a plain run, a smaller
// size (the same concurrency, fewer rounds) under -race.
const raceEnabled = false

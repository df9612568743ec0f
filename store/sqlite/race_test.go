//go:build race

package sqlite

// raceEnabled reports whether the race detector instruments this test
// binary; load tests run smaller under it (see norace_test.go).
const raceEnabled = true

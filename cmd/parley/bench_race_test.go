//go:build race

package main

// raceEnabled: the race detector makes SQLite about 15 times slower, so
// the bench tests send fewer messages.
const raceEnabled = true

//go:build race

package realtime_test

// Sizes of the load tests under the race detector, which makes SQLite
// about 15 times slower.
const (
	loadMessagesPerSender = 25
	loadResumeLimit       = 10
	slowConsumerMessages  = 50
)

//go:build !race

package realtime_test

// Sizes of the load tests without the race detector.
const (
	loadMessagesPerSender = 150
	loadResumeLimit       = 40
	slowConsumerMessages  = 80
)

# Parley: the two commands of the README, and a few more.
.PHONY: run test test-full bench vet fuzz

# Run the server on ./parley-data (embedded SQLite; no set-up).
run:
	go run ./cmd/parley serve

# Run every test with the race detector. Load tests run fewer rounds under
# it (a build tag, race_test.go/norace_test.go, sizes them): the detector
# makes the C-translated SQLite many times slower.
test:
	go test -race -count=1 ./...

# Run every test without the race detector, load tests at full size.
test-full:
	go test -count=1 ./...

vet:
	gofmt -l . && go vet ./...

bench:
	go test -run '^$$' -bench . -benchmem ./...

# Fuzz each fuzz target for a short while.
fuzz:
	go test -run '^$$' -fuzz FuzzNormalizeID -fuzztime 30s .
	go test -run '^$$' -fuzz FuzzDecodeBytes -fuzztime 30s ./httpapi
	go test -run '^$$' -fuzz FuzzDecodeRequest -fuzztime 30s ./realtime

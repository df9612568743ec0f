# Parley: the two commands of the README, and a few more.
.PHONY: run test bench vet fuzz

# Run the server on ./parley-data (embedded SQLite; no set-up).
run:
	go run ./cmd/parley serve

# Run every test with the race detector.
test:
	go test -race -count=1 ./...

vet:
	gofmt -l . && go vet ./...

bench:
	go test -run '^$$' -bench . -benchmem ./...

# Fuzz each fuzz target for a short while.
fuzz:
	go test -run '^$$' -fuzz FuzzNormalizeID -fuzztime 30s .
	go test -run '^$$' -fuzz FuzzDecodeRequest -fuzztime 30s ./realtime

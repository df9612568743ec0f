# Parley: the two commands of the README, and a few more.
.PHONY: build run test test-full bench vet fuzz test-web

# The binary `make build` writes and `make run` runs; ARGS go to parley serve.
BIN ?= ./parley
ARGS ?=

# Build the binary. It records the module version and, in a git clone, the
# commit it was built from, which parley --version prints (-buildvcs=auto
# wins over a GOFLAGS=-buildvcs=false in the environment).
build:
	go build -buildvcs=auto -o $(BIN) ./cmd/parley

# Run the server on ./parley-data (embedded SQLite; no set-up). The binary
# replaces the shell (exec), so Ctrl-C stops the server alone, which exits
# cleanly; go run would report the interrupt as a failure.
run: build
	exec $(BIN) serve $(ARGS)

# Run every test with the race detector. Load tests run fewer rounds under
# it (a build tag, race_test.go/norace_test.go, sizes them): the detector
# makes the C-translated SQLite many times slower.
test:
	go test -race -count=1 ./...
	$(MAKE) test-web
	$(MAKE) test-java

# >>> web (issue 13): the browser files' checks and tests.
# tsc checks the JSDoc types of web/ (no build: nothing is emitted), then
# node --test runs the browser tests (web/test/, headless /usr/bin/chromium)
# and the JS SDK's tests (web/sdk/test/; on Node 20 with its WebSocket,
# --experimental-websocket, which Node 22+ has on). Without node or web/node_modules
# (npm ci in web/) they are skipped with a message, unless
# PARLEY_TEST_REQUIRE_SERVICES=1 (CI); the browser tests likewise skip
# themselves without Chromium.
WEB_TESTS = $(wildcard web/test/*.test.mjs web/sdk/test/*.test.mjs)
test-web:
	@if ! command -v node >/dev/null 2>&1 || [ ! -d web/node_modules ]; then \
	  if [ "$$PARLEY_TEST_REQUIRE_SERVICES" = 1 ]; then \
	    echo "test-web: node and web/node_modules are required (npm ci in web/)"; exit 1; \
	  fi; \
	  echo "test-web: SKIPPED: needs node >= 20 and npm ci in web/"; exit 0; \
	fi; \
	cd web && ./node_modules/.bin/tsc -p tsconfig.json && ./node_modules/.bin/tsc -p sdk/tsconfig.json && \
	node $$(node -e 'typeof WebSocket == "function" || process.stdout.write("--experimental-websocket")') \
	  --test --test-concurrency=2 $(patsubst web/%,%,$(WEB_TESTS))
# <<< web

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

# --- Java SDK (sdk/java; docs/sdk-java.md) ---
# Builds the jar with javac and runs its JUnit 5 tests against a real parley serve,
# offline, on Debian's jars (apt-get install default-jdk-headless libokhttp-java
# libgoogle-gson-java junit5). Skipped when they are missing, unless
# PARLEY_TEST_REQUIRE_SERVICES=1 (CI), where that is a failure.
JAVA_LIB ?= /usr/share/java
.PHONY: test-java
test-java:
	@if command -v javac >/dev/null 2>&1 && [ -f $(JAVA_LIB)/okhttp.jar ] && [ -f $(JAVA_LIB)/gson.jar ] \
		&& [ -f $(JAVA_LIB)/junit-platform-console-standalone.jar ]; then \
		JAVA_LIB=$(JAVA_LIB) sdk/java/build.sh test; \
	elif [ "$$PARLEY_TEST_REQUIRE_SERVICES" = 1 ]; then \
		echo "test-java: javac, OkHttp, Gson or JUnit 5 missing (see the Makefile)" >&2; exit 1; \
	else \
		echo "test-java: skipped: javac, OkHttp, Gson or JUnit 5 missing (apt-get install default-jdk-headless libokhttp-java libgoogle-gson-java junit5)"; \
	fi
# --- end Java SDK ---

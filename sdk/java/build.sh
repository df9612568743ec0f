#!/usr/bin/env bash
# Builds the Java SDK with javac and jar (Java 8 bytecode, --release 8) and runs its JUnit 5
# tests with the JUnit console launcher: offline, against the jars Debian installs in
# /usr/share/java (libokhttp-java, libokio-java, libgoogle-gson-java, junit5).
#
#   ./build.sh jar    the jar: build/parley-sdk-<version>.jar
#   ./build.sh test   the jar, the example, then the tests (they build and start `parley serve`);
#                     more arguments go to the JUnit launcher instead of "every test":
#                     ./build.sh test --select-method chat.parley.sdk.ChatTest#groupChatWithAThirdMemberSeeingGroupEvents
#
# JAVA_LIB overrides /usr/share/java; PARLEY_BIN names a parley binary to test against instead
# of building one from this repository.
set -euo pipefail
cd "$(dirname "$0")"

VERSION=0.1.0
LIB=${JAVA_LIB:-/usr/share/java}
DEPS="$LIB/okhttp.jar:$LIB/okio.jar:$LIB/gson.jar"
JUNIT="$LIB/junit-jupiter-api.jar:$LIB/apiguardian-api.jar:$LIB/opentest4j.jar:$LIB/junit-platform-commons.jar"
LAUNCHER="$LIB/junit-platform-console-standalone.jar"
OUT=build
JAR="$OUT/parley-sdk-$VERSION.jar"

build_jar() {
  rm -rf "$OUT/classes"
  mkdir -p "$OUT/classes"
  javac --release 8 -encoding UTF-8 -Xlint:all,-options -Werror -d "$OUT/classes" -cp "$DEPS" \
    $(find src/main/java -name '*.java')
  jar cf "$JAR" -C "$OUT/classes" .
  echo "built $JAR ($(wc -c < "$JAR") bytes)"
}

build_tests() {
  rm -rf "$OUT/test-classes" "$OUT/example-classes"
  mkdir -p "$OUT/test-classes" "$OUT/example-classes"
  # The example must keep compiling against the jar (it is run by hand: see docs/sdk-java.md).
  javac --release 8 -encoding UTF-8 -d "$OUT/example-classes" -cp "$JAR:$DEPS" examples/*.java
  javac -encoding UTF-8 -d "$OUT/test-classes" -cp "$JAR:$DEPS:$JUNIT" $(find src/test/java -name '*.java')
}

run_tests() {
  local root select=(--scan-class-path "$OUT/test-classes")
  if [ $# -gt 0 ]; then select=("$@"); fi
  root=$(cd ../.. && pwd)
  java -Dparley.jar="$JAR" -Dparley.root="$root" -jar "$LAUNCHER" \
    --class-path "$OUT/test-classes:$JAR:$DEPS" "${select[@]}" \
    --disable-banner --disable-ansi-colors --details=tree --fail-if-no-tests
}

case "${1:-test}" in
  jar) build_jar ;;
  test) shift || true; build_jar; build_tests; run_tests "$@" ;;
  *) echo "usage: $0 [jar|test]" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test (unit and integration, real PostgreSQL,
# and the compose tests against a real Docker engine with offline-built images).
# The last line printed is Swift Testing's closing line.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"

scripts/install-deps.sh
# The readers the report tests hand restore-drill's output to (JUnit schema and parser,
# Markdown renderer, SVG to PNG, Prometheus parser, openssl, the CI schemas).
scripts/install-test-tools.sh >/dev/null

# The compose tests: an engine (the one DOCKER_HOST names, or a private one started here and
# stopped at the end) and the stack's images. Under CI=true they are required; elsewhere the
# compose tests are reported as skipped when no engine can be had.
stop_engine=false
if ! scripts/docker-engine.sh status >/dev/null 2>&1; then stop_engine=true; fi
if engine=$(scripts/docker-engine.sh start); then
  export "${engine?}"
  # Set before the image build, so a failed build does not leave the engine running.
  # Quietly: the test runner's closing line stays the last line printed.
  if $stop_engine; then trap 'scripts/docker-engine.sh stop >/dev/null 2>&1' EXIT; fi
  scripts/build-images.sh
else
  if [ "${CI:-}" = true ]; then echo "test: CI needs a Docker engine for the compose tests" >&2; exit 2; fi
  echo "test: no Docker engine; the compose tests will show as skipped" >&2
fi

# The teardown tests run the restore-drill binary itself, so build the products first.
swift build
# At most six tests at once: the integration tests each run real PostgreSQL clusters, compose
# stacks and apps, and all of them at once on a 2-core CI host ran each up to 25 times slower
# than alone, past its time limit. Six kept the whole run green in about the same wall time.
swift test --experimental-maximum-parallelization-width "${RESTORE_DRILL_TEST_WIDTH:-6}" "$@" 2>&1 | tee .build/last-test-run.log

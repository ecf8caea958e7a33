#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test (unit and integration, real PostgreSQL).
# The last line printed is Swift Testing's closing line.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"

scripts/install-deps.sh
# The teardown tests run the restore-drill binary itself, so build the products first.
swift build
swift test "$@" 2>&1 | tee .build/last-test-run.log

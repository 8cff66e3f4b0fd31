#!/usr/bin/env bash
# Every test: installs the dependencies, then builds and runs the whole suite
# three times: a normal build (with the web UI built by scripts/web.sh and
# its browser tests, tests/e2e), a build under AddressSanitizer and
# UndefinedBehaviorSanitizer, and the libFuzzer target (clang) for a short
# fixed-seed run.  Stops at the first failure.  The PostgreSQL tests use a
# cluster of scripts/pg.sh that lives as long as this script (JZ_TEST_PG).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
jobs=$(nproc)

# One throwaway PostgreSQL 15 cluster for the PostgreSQL tests of all three
# suites (docs/testing-postgresql.md), stopped and removed on exit, also
# after a failure or an interrupt.  Run as root, scripts/pg.sh hands the
# directory to the server's own user, jiuzhu-pg.
pgdir=$(mktemp -d)
# The snapshot caches of the tests' PostgreSQL stores (docs/registry.md "The
# snapshot cache") go here, not to the user's ~/.cache.
cachedir=$(mktemp -d)
export XDG_CACHE_HOME=$cachedir
trap 'scripts/pg.sh destroy "$pgdir" || true; rm -rf "$cachedir"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
JZ_TEST_PG=$(scripts/pg.sh start "$pgdir" | tail -n 1)
export JZ_TEST_PG
total=0

run_suite() { # dir, label, ctest args...
  local dir=$1 label=$2
  shift 2
  echo "== $label"
  (cd "$dir" && ctest --output-on-failure -j"$jobs" "$@")
  local n
  n=$(cd "$dir" && ctest -N "$@" | sed -n 's/^Total Tests: //p')
  total=$((total + n))
}

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$jobs" >/dev/null
# The web UI, which the normal build's browser tests (e2e.web) drive.
scripts/web.sh
run_suite build "tests (normal build, with the browser tests)"

cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DJZ_SANITIZE=ON >/dev/null
cmake --build build-asan -j"$jobs" >/dev/null
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  run_suite build-asan "tests under ASan + UBSan"

CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DJZ_SANITIZE=ON -DJZ_FUZZ=ON >/dev/null
cmake --build build-fuzz -j"$jobs" >/dev/null
run_suite build-fuzz "fuzz targets (short run)" -R '^fuzz\.'

echo
echo "jiuzhu: $total passed, 0 failed"

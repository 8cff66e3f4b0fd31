# Shared helpers for the integration tests (sourced, not run: CTest only
# runs tests/integration/*.sh files that start with "test_").
set -u
JZ=${1:?usage: $0 path/to/jiuzhu}
SRC=${JZ_SOURCE_DIR:?JZ_SOURCE_DIR must point at the repository}
TMP=${JZ_KEEP_TMP:-$(mktemp -d)}; mkdir -p "$TMP"
[ -n "${JZ_KEEP_TMP:-}" ] || trap 'rm -rf "$TMP"' EXIT
passed=0
failed=0

ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }

# expect_status WANT CMD...: runs CMD, stdout to $TMP/out, stderr to $TMP/err.
expect_status() {
  local want=$1
  shift
  "$@" >"$TMP/out" 2>"$TMP/err"
  local got=$?
  if [ "$got" -eq "$want" ]; then ok; else bad "exit $got (wanted $want): $*"; cat "$TMP/err" >&2; fi
}

# expect_grep FILE PATTERN WHAT
expect_grep() {
  if grep -q -- "$2" "$1"; then ok; else bad "$3: no '$2' in $1"; head -c 2000 "$1" >&2; fi
}

expect_no_grep() {
  if grep -q -- "$2" "$1"; then bad "$3: unexpected '$2' in $1"; else ok; fi
}

expect_lines() { # FILE N WHAT
  local n
  n=$(grep -c . "$1")
  if [ "$n" -eq "$2" ]; then ok; else bad "$3: $n lines, wanted $2"; fi
}

# luhn DIGITS: DIGITS with its Luhn check digit appended (a bank account
# that the banks checking it accept).
luhn() {
  local base=$1 sum=0 i d n=${#1}
  for ((i = 0; i < n; i++)); do
    d=${base:n-1-i:1}
    if ((i % 2 == 0)); then d=$((d * 2)); ((d > 9)) && d=$((d - 9)); fi
    sum=$((sum + d))
  done
  echo "$base$(((10 - sum % 10) % 10))"
}

finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}

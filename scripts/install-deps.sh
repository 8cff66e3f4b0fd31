#!/usr/bin/env bash
# Installs the Debian packages jiuzhu needs to build, test and fuzz.
# Idempotent: packages already installed are left alone, and apt is only
# called when something is missing.  Runs as root, or through sudo.
#
# postgresql-15 makes Debian's own cluster "15/main" (port 5432, socket in
# /var/run/postgresql, user postgres) and may start it.  It may stay: the
# tests' clusters (scripts/pg.sh) pick other ports, keep their sockets in
# their own directories and run as another user (docs/testing-postgresql.md).
set -euo pipefail

packages=(
  build-essential cmake pkg-config   # toolchain
  libjansson-dev                     # JSON records and determinations
  libcmocka-dev                      # unit tests
  libsqlite3-dev sqlite3             # the registry's embedded store (and its shell, for tests)
  postgresql-15 libpq-dev            # the PostgreSQL backend, and its tests' clusters (scripts/pg.sh; postgres_fdw ships in postgresql-15)
  libcsv-dev                         # CSV imports (county exports from Excel)
  libsodium-dev                      # the audit log: HMAC chain, row digests, its key
  libxlsxwriter-dev                  # .xlsx 公示 and 公布 lists
  unzip                              # tests read the .xlsx lists back
  clang libclang-rt-14-dev           # libFuzzer and sanitizers for the fuzz target
  libmicrohttpd-dev                  # jiuzhu serve: the HTTP server (with GnuTLS for HTTPS)
  curl jq python3 openssl            # the server's tests: a client, JSON, its checks, a test certificate
  nginx                              # the reverse-proxy example of docs/server.md, tested
  wrk                                # bench/bench_server.sh: load on loopback
  chromium fonts-wqy-microhei        # the web UI's browser tests (tests/e2e), with a Chinese font
  tzdata                             # TZ=Asia/Shanghai: the day of China's offices (docs/server.md, tests/e2e/run.sh)
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all packages present"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# (env: sudo drops the exported variable; tzdata would ask for a zone.)
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"

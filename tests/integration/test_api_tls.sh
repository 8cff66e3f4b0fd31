#!/usr/bin/env bash
# HTTPS (issue 13 item 2): jiuzhu serving TLS itself (libmicrohttpd with
# GnuTLS), and behind nginx with the example configuration of
# docs/deploy/nginx-jiuzhu.conf, run as it is with its ports and paths
# filled in.  In both, a login works and the session cookie is Secure.
source "$(dirname "$0")/lib.sh"
source "$HERE/server.sh"
export PW="correct-horse-battery-9" JIUZHU_ARGON2_FAST=1
DB=$(test_db reg.db)
expect_status 0 "$JZ" init "$DB"
add_user case01 张经办 caseworker 140902101
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
  -keyout "$TMP/key.pem" -out "$TMP/cert.pem" >/dev/null 2>&1 || bad "openssl"

login() { # URL: logs in, prints the Set-Cookie header
  curl -sS -k -D "$TMP/h" -o "$TMP/b" -H 'Content-Type: application/json' \
    -d "{\"login\":\"case01\",\"password\":\"$PW\"}" "$1/api/login" &&
    grep -i '^set-cookie:' "$TMP/h"
}

# 1. TLS in jiuzhu itself.
rm -f "$TMP/port"
"$JZ" serve "$DB" --listen 127.0.0.1:0 --port-file "$TMP/port" --tls-cert "$TMP/cert.pem" \
  --tls-key "$TMP/key.pem" 2>>"$TMP/server.log" &
SERVER_PID=$!
for i in $(seq 1 100); do [ -s "$TMP/port" ] && curl -skf "https://127.0.0.1:$(cat "$TMP/port")/api/health" >/dev/null && break; sleep 0.1; done
HTTPS="https://127.0.0.1:$(cat "$TMP/port")"
login "$HTTPS" >"$TMP/cookie" || bad "login over HTTPS"
expect_grep "$TMP/cookie" "Secure" "Secure cookie over HTTPS"
expect_grep "$TMP/cookie" "HttpOnly" "HttpOnly cookie over HTTPS"
curl -sS -k -D "$TMP/h" -o /dev/null "$HTTPS/api/health"
expect_grep "$TMP/h" "Strict-Transport-Security" "HSTS over HTTPS"
# Plain HTTP to the TLS port is not answered with data.
if curl -sS -m 5 "http://127.0.0.1:$(cat "$TMP/port")/api/health" 2>/dev/null | grep -q ok; then bad "plain HTTP answered on the TLS port"; else ok; fi
stop_server
expect_status 2 "$JZ" serve "$DB" --listen 127.0.0.1:0 --tls-cert "$TMP/cert.pem"
expect_grep "$TMP/err" "tls-key" "cert without key refused"

# 2. Behind nginx, with the documented configuration.
if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
  bad "nginx is not installed (scripts/install-deps.sh installs it)"
  finish
  exit 1
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
start_server "$DB" --secure-cookies || bad "server start"
mkdir -p "$TMP/ngx"
proxy_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
sed -e "s|@LISTEN@|127.0.0.1:$proxy_port|" -e "s|@UPSTREAM@|127.0.0.1:$(cat "$TMP/port")|" \
  -e "s|@CERT@|$TMP/cert.pem|" -e "s|@KEY@|$TMP/key.pem|" -e "s|@PREFIX@|$TMP/ngx|g" \
  "$SRC/docs/deploy/nginx-jiuzhu.conf" >"$TMP/ngx/nginx.conf"
if "$NGINX" -p "$TMP/ngx" -c "$TMP/ngx/nginx.conf" -e "$TMP/ngx/error.log" 2>"$TMP/ngx/start.err"; then
  ok
  for i in $(seq 1 50); do curl -skf "https://127.0.0.1:$proxy_port/api/health" >/dev/null && break; sleep 0.1; done
  login "https://127.0.0.1:$proxy_port" >"$TMP/cookie" || bad "login through nginx"
  expect_grep "$TMP/cookie" "Secure" "Secure cookie behind the proxy"
  token=$(sed -n 's/.*jz_session=\([^;]*\);.*/\1/p' "$TMP/cookie" | tr -d '\r')
  curl -sS -k -H "Cookie: jz_session=$token" "https://127.0.0.1:$proxy_port/api/me" >"$TMP/me"
  expect_grep "$TMP/me" '"login":"case01"' "an authenticated request through nginx"
  kill "$(cat "$TMP/ngx/nginx.pid")" 2>/dev/null
else
  bad "nginx did not start"
  cat "$TMP/ngx/start.err" "$TMP/ngx/error.log" >&2 2>/dev/null
fi
stop_server
finish

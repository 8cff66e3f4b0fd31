#!/usr/bin/env bash
# `jiuzhu serve --web DIR`: the web UI's files (server/static.c).  A folder
# made here: its types, caching, precompressed .gz, ETags, the history
# fallback to index.html, traversal refused (.., encoded dots, a symlink out
# of the folder), GET/HEAD only; the API unaffected; a missing folder means
# the API alone, said in one line.
source "$(dirname "$0")/lib.sh"
source "$HERE/server.sh"
export PW="correct-horse-battery-9" JIUZHU_ARGON2_FAST=1
DB=$(test_db reg.db)
expect_status 0 "$JZ" init "$DB"
add_user xian01 李审核 reviewer 140902
add_user sheng01 钱分析 analyst 14
add_user cun01 王协理 assistant 140902101201

W=$TMP/web
mkdir -p "$W/assets" "$TMP/outside"
printf '<!doctype html><html lang="zh-CN"><title>救助</title><div id="app"></div>\n' >"$W/index.html"
printf 'console.log("救助平台 app");\n%.0s' {1..50} >"$W/assets/app-abc123.js"
gzip -9 -k -n "$W/assets/app-abc123.js"
printf 'body{margin:0}\n' >"$W/assets/index-def456.css"
gzip -9 -k -n "$W/assets/index-def456.css"
printf '<svg xmlns="http://www.w3.org/2000/svg"/>\n' >"$W/favicon.svg"
printf 'SECRET=outside-the-folder\n' >"$TMP/outside/secret.txt"
ln -s "$TMP/outside/secret.txt" "$W/leak.txt"
ln -s "$TMP/outside" "$W/outdir"
ln -s "$W/favicon.svg" "$W/icon.svg" # a symlink inside the folder is served
printf 'SECRET=hidden\n' >"$W/.env"
# A .gz older than its file is stale: never served.
printf 'new contents\n' >"$W/assets/stale-777.js"
printf 'old' | gzip -n >"$W/assets/stale-777.js.gz"
touch -d '2020-01-01' "$W/assets/stale-777.js.gz"

start_server "$DB" --web "$W" || { bad "server start"; finish; exit 1; }
grep -q '界面：' "$TMP/server.log" && ok || bad "the start line names the UI"

# get PATH [curl options]: headers to $TMP/h, body to $TMP/b, prints the status
get() {
  local p=$1
  shift
  rm -f "$TMP/b" # curl writes no file for an empty body
  curl -s --path-as-is -D "$TMP/h" -o "$TMP/b" -w '%{http_code}' "$@" "$BASE$p"
  touch "$TMP/b"
}
want() { if [ "$1" = "$2" ]; then ok; else bad "$3: status $2, wanted $1"; fi; }
header() { # NAME PATTERN WHAT
  if grep -i "^$1:" "$TMP/h" | grep -q -- "$2"; then ok; else
    bad "$3: no '$1: $2' in"; cat "$TMP/h" >&2
  fi
}
no_header() { if grep -qi "^$1:" "$TMP/h"; then bad "$2: unexpected $1"; else ok; fi; }

# ---- types and caching ------------------------------------------------------------
want 200 "$(get /)" "the root"
header Content-Type 'text/html; charset=utf-8' "index.html is HTML"
header Cache-Control 'no-cache' "index.html is revalidated"
header Content-Security-Policy "default-src 'self'" "the page's CSP allows only 'self'"
header Content-Security-Policy "script-src 'self';" "no inline script"
header Content-Security-Policy "frame-ancestors 'none'" "no framing"
header X-Content-Type-Options nosniff "nosniff"
cmp -s "$TMP/b" "$W/index.html" && ok || bad "the root is index.html"
want 200 "$(get /index.html)" "index.html by name"
want 200 "$(get /assets/app-abc123.js)" "a hashed asset"
header Content-Type 'text/javascript; charset=utf-8' "JavaScript"
header Cache-Control 'max-age=31536000' "a hashed asset is cached a year"
header Cache-Control 'immutable' "and immutable"
no_header Content-Encoding "plain without Accept-Encoding"
cmp -s "$TMP/b" "$W/assets/app-abc123.js" && ok || bad "the asset's bytes"
want 200 "$(get /assets/index-def456.css)" "CSS"
header Content-Type 'text/css; charset=utf-8' "CSS type"
want 200 "$(get /favicon.svg)" "SVG"
header Content-Type 'image/svg+xml' "SVG type"
want 200 "$(get /icon.svg)" "a symlink inside the folder"
cmp -s "$TMP/b" "$W/favicon.svg" && ok || bad "the symlink inside is its file"

# ---- precompressed files ------------------------------------------------------------
want 200 "$(get /assets/app-abc123.js -H 'Accept-Encoding: gzip, deflate, br')" "gzip accepted"
header Content-Encoding gzip "the .gz is sent"
header Vary Accept-Encoding "Vary"
cmp -s "$TMP/b" "$W/assets/app-abc123.js.gz" && ok || bad "the .gz's bytes"
want 200 "$(get /assets/app-abc123.js -H 'Accept-Encoding: gzip;q=0, deflate')" "gzip refused (q=0)"
no_header Content-Encoding "plain when gzip has q=0"
cmp -s "$TMP/b" "$W/assets/app-abc123.js" && ok || bad "plain bytes when gzip has q=0"
curl -s --compressed "$BASE/assets/app-abc123.js" | cmp -s - "$W/assets/app-abc123.js" && ok ||
  bad "a client decompresses to the file"
want 200 "$(get /assets/stale-777.js -H 'Accept-Encoding: gzip')" "a file with a stale .gz"
no_header Content-Encoding "a stale .gz is not sent"
cmp -s "$TMP/b" "$W/assets/stale-777.js" && ok || bad "the file, not the stale .gz"
grep -q 'stale-777.js.gz' "$TMP/server.log" && ok || bad "the stale .gz is reported at start"
want 404 "$(get /assets/app-abc123.js.gz)" "a .gz is not served by its own name"

# ---- ETags ---------------------------------------------------------------------------
get / >/dev/null
etag=$(grep -i '^ETag:' "$TMP/h" | sed 's/^[^:]*: *//' | tr -d '\r')
[ -n "$etag" ] && ok || bad "index.html has an ETag"
want 304 "$(get / -H "If-None-Match: $etag")" "If-None-Match: not modified"
[ ! -s "$TMP/b" ] && ok || bad "a 304 has no body"
want 200 "$(get / -H 'If-None-Match: "other"')" "another ETag: the page"

# ---- history routing ----------------------------------------------------------------
for p in /cases/12 /households/H140902-000101 /login /a/b/c/ /leak.txt /outdir/secret.txt /.env /%2e/x; do
  st=$(get "$p")
  if [ "$p" = /%2e/x ]; then want 400 "$st" "an encoded dot segment $p"; continue; fi
  want 200 "$st" "fallback $p"
  cmp -s "$TMP/b" "$W/index.html" && ok || bad "$p answers index.html"
done
want 404 "$(get /assets/missing-000.js)" "a missing hashed asset is a 404, not the page"
header Content-Type 'text/plain' "a plain 404"

# ---- traversal ---------------------------------------------------------------------
for p in /../../etc/passwd /assets/../../outside/secret.txt /..%2f..%2fetc/passwd \
  /%2e%2e/%2e%2e/etc/passwd /%2E%2E/outside/secret.txt /assets/%2e%2e/%2e%2e/etc/passwd \
  /%252e%252e/etc/passwd /x%00.js '/a\..\b' /./index.html; do
  st=$(get "$p")
  if [ "$st" = 400 ] || [ "$st" = 200 ]; then ok; else bad "traversal $p: status $st"; fi
  if grep -q 'SECRET\|root:' "$TMP/b"; then bad "traversal $p leaked a file"; else ok; fi
  [ "$st" = 200 ] && ! cmp -s "$TMP/b" "$W/index.html" && bad "traversal $p: 200 with another file"
done
want 400 "$(get /../../etc/passwd)" "a .. segment is refused"
want 400 "$(get /%2e%2e/%2e%2e/etc/passwd)" "encoded dots are refused"
want 400 "$(get /%252e%252e/etc/passwd)" "a second layer of encoding is refused"
want 400 "$(get '/a\..\b')" "a backslash is refused"
# Nothing in the answers ever comes from outside the folder.
grep -rq SECRET "$TMP/b" && bad "secret in the last body" || ok

# ---- methods -----------------------------------------------------------------------------
st=$(curl -s -I -o /dev/null -D "$TMP/h" -w '%{http_code}' "$BASE/assets/app-abc123.js")
want 200 "$st" "HEAD"
header Content-Length "$(stat -c %s "$W/assets/app-abc123.js")" "HEAD tells the length"
want 405 "$(get / -X POST -d x)" "POST to the UI"
header Allow 'GET, HEAD' "Allow"
want 405 "$(get /cases/1 -X DELETE)" "DELETE to the UI"

# ---- the API is unaffected ------------------------------------------------------------
want 200 "$(get /api/health)" "health"
header Content-Type 'application/json' "the API answers JSON"
header Content-Security-Policy "default-src 'none'" "the API's own CSP"
want 404 "$(get /api/no-such-route)" "an unknown API route"
grep -q '"code":"route"' "$TMP/b" && ok || bad "is the API's 404, not the page"
want 404 "$(get /api)" "/api itself is the API's"
grep -q '"code":"route"' "$TMP/b" && ok || bad "/api is not the page"
want 401 "$(get /api/me)" "the API still wants a login"
# /api/me names the user's region in words, for the page's header.
curl -s -c "$TMP/jar" -o /dev/null -H 'Content-Type: application/json' \
  -d "{\"login\":\"xian01\",\"password\":\"$PW\"}" "$BASE/api/login"
want 200 "$(get /api/me -b "$TMP/jar")" "me"
jq -e '.user.scope_zh == "忻州市 忻府区"' "$TMP/b" >/dev/null && ok || bad "a county's scope in words: $(cat "$TMP/b")"
curl -s -c "$TMP/jar2" -o /dev/null -H 'Content-Type: application/json' \
  -d "{\"login\":\"sheng01\",\"password\":\"$PW\"}" "$BASE/api/login"
want 200 "$(get /api/me -b "$TMP/jar2")" "me, province"
jq -e '.user.scope_zh == "全省"' "$TMP/b" >/dev/null && ok || bad "the province in words: $(cat "$TMP/b")"
curl -s -c "$TMP/jar3" -o /dev/null -H 'Content-Type: application/json' \
  -d "{\"login\":\"cun01\",\"password\":\"$PW\"}" "$BASE/api/login"
want 200 "$(get /api/me -b "$TMP/jar3")" "me, village"
jq -e '.user.scope_zh | test("^忻州市 忻府区 .+ 201 村$")' "$TMP/b" >/dev/null && ok || bad "a village in words: $(cat "$TMP/b")"
stop_server
# The log names no page path (a path may hold a household's ID).
grep -q 'H140902-000101' "$TMP/server.log" && bad "a page path in the log" || ok
grep -q '(界面)' "$TMP/server.log" && ok || bad "UI requests are logged without their path"

# ---- no UI: the API alone, said in one line ----------------------------------------------
: >"$TMP/server.log"
start_server "$DB" --web "$TMP/no-such-folder" || { bad "server start without UI"; finish; exit 1; }
[ "$(grep -c '未找到界面' "$TMP/server.log")" = 1 ] && ok || bad "one line says there is no UI"
want 404 "$(get /)" "no UI: the root"
grep -q '"code":"route"' "$TMP/b" && ok || bad "no UI: the API's 404"
want 200 "$(get /api/health)" "no UI: the API works"
stop_server

# The default folder is the source tree's web/dist, compiled in.
"$JZ" serve --help >"$TMP/help" 2>&1
grep -q -- "--web" "$TMP/help" && ok || bad "--web in the help"
grep -q "web/dist" "$TMP/help" && ok || bad "the default web/dist in the help"
finish

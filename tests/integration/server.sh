# Starting and stopping `jiuzhu serve` for a test (sourced after lib.sh).
# start_server DB [OPTIONS...]: starts it on a free loopback port, waits
# until it answers, and sets BASE (http://127.0.0.1:PORT) and SERVER_PID.
# stop_server: SIGTERM, and the server must exit 0 within 10 s.

start_server() {
  local db=$1
  shift
  rm -f "$TMP/port"
  "$JZ" serve "$db" --listen 127.0.0.1:0 --port-file "$TMP/port" "$@" 2>>"$TMP/server.log" &
  SERVER_PID=$!
  local i
  for i in $(seq 1 100); do
    if [ -s "$TMP/port" ]; then
      BASE="http://127.0.0.1:$(cat "$TMP/port")"
      if curl -fsS "$BASE/api/health" >/dev/null 2>&1; then
        export BASE
        return 0
      fi
    fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      echo "server exited early:" >&2
      cat "$TMP/server.log" >&2
      return 1
    fi
    sleep 0.1
  done
  echo "server did not start" >&2
  cat "$TMP/server.log" >&2
  return 1
}

stop_server() {
  [ -n "${SERVER_PID:-}" ] || return 0
  kill -TERM "$SERVER_PID" 2>/dev/null
  local i
  for i in $(seq 1 100); do
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$SERVER_PID" 2>/dev/null; then
    bad "server did not stop on SIGTERM"
    kill -KILL "$SERVER_PID"
  fi
  wait "$SERVER_PID"
  local rc=$?
  [ "$rc" -eq 0 ] && ok || bad "server exited $rc"
  SERVER_PID=
}

# add_user LOGIN NAME ROLE SCOPE [--dept D]: with the password "$PW".
add_user() {
  local login=$1 name=$2 role=$3 scope=$4
  shift 4
  echo "$PW" | "$JZ" user add "$DB" --login "$login" --name "$name" --role "$role" \
    --scope "$scope" --actor setup "$@" >/dev/null 2>"$TMP/err" ||
    { bad "user add $login"; cat "$TMP/err" >&2; }
}

# same_answers A DB_A B DB_B USERS...: a server on each database in turn;
# each user logs in (the caller's login: $U is the user) and GETs the paths
# the caller's `paths_for USER` prints; every answer on A must be
# byte-identical to B's (ok/bad each).  Needs the caller's login and get.
same_answers() {
  local a=$1 dba=$2 b=$3 dbb=$4 side where p i f g
  shift 4
  for side in "$a" "$b"; do
    [ "$side" = "$a" ] && where=$dba || where=$dbb
    start_server "$where" || { bad "server on $side"; return 1; }
    for U in "$@"; do
      login || bad "login $U on $side"
      i=0
      for p in $(paths_for "$U"); do
        get "$p" >"$TMP/$side.$U.$i.json" || bad "GET $p as $U on $side"
        i=$((i + 1))
      done
    done
    stop_server
  done
  for f in "$TMP/$a".*.json; do
    g=$TMP/$b.${f#"$TMP/$a."}
    if [ -s "$f" ] && cmp -s "$f" "$g"; then ok; else bad "$(basename "$f"): the answers differ"; diff "$f" "$g" | head -20 >&2; fi
  done
}

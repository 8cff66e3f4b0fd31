#!/usr/bin/env bash
# Throwaway PostgreSQL 15 clusters for the tests and the benches
# (docs/testing-postgresql.md).  One cluster per directory DIR: its data in
# DIR/data, its server log in DIR/log, its unix socket in DIR, DIR/env with
# the libpq variables that reach it; it listens on 127.0.0.1 only and
# trusts every local connection as the superuser `jiuzhu`.
#
#   scripts/pg.sh start DIR [PORT]        new cluster (PORT 0 or absent: a free one);
#                                         prints postgresql://jiuzhu@127.0.0.1:PORT/
#   scripts/pg.sh stop DIR [fast|immediate]
#   scripts/pg.sh restart DIR             (also after `stop DIR immediate`)
#   scripts/pg.sh url DIR DBNAME          postgresql://jiuzhu@127.0.0.1:PORT/DBNAME
#   scripts/pg.sh psql DIR [ARGS...]      psql on it (database postgres unless ARGS name one)
#   scripts/pg.sh destroy DIR             stop (immediate) and remove DIR
#
# PostgreSQL refuses to run as root: run as root, the server runs as the
# system user jiuzhu-pg (created when missing), which owns DIR.  The
# binaries are PostgreSQL 15's (Debian: postgresql-15), or JZ_PG_BIN's.
set -euo pipefail

PATH=$PATH:/usr/sbin:/sbin
PG_BIN=${JZ_PG_BIN:-/usr/lib/postgresql/15/bin}
PG_MAJOR=15
SERVER_USER=jiuzhu-pg # the server's user when pg.sh runs as root
DB_USER=jiuzhu        # the cluster's superuser
MARK=.jiuzhu-pg       # in DIR: a directory destroy may remove
WAIT=120              # seconds pg_ctl waits for a start or a stop (crash recovery on a busy machine)
# Settings from the caller's environment must not steer our commands.
unset PGDATA PGHOST PGHOSTADDR PGPORT PGUSER PGDATABASE PGSERVICE PGOPTIONS

me=scripts/pg.sh

die() { # ZH EN: the Chinese line, then the English one
  printf '%s: %s\n%s: %s\n' "$me" "$1" "$me" "$2" >&2
  exit 1
}

usage() {
  cat >&2 <<'MSG'
用法 / usage:
  scripts/pg.sh start DIR [PORT]
  scripts/pg.sh stop DIR [fast|immediate]
  scripts/pg.sh restart DIR
  scripts/pg.sh url DIR DBNAME
  scripts/pg.sh psql DIR [ARGS...]
  scripts/pg.sh destroy DIR
MSG
  exit 2
}

need_pg() {
  local b
  for b in initdb pg_ctl postgres psql pg_isready; do
    if [ ! -x "$PG_BIN/$b" ]; then
      cat >&2 <<MSG
$me: 未安装 PostgreSQL $PG_MAJOR（找不到 $PG_BIN/$b）。
  Debian/Ubuntu：apt-get install postgresql-$PG_MAJOR（或以 root 运行 scripts/install-deps.sh）
$me: PostgreSQL $PG_MAJOR is not installed (no $PG_BIN/$b).
  Debian/Ubuntu: apt-get install postgresql-$PG_MAJOR (or run scripts/install-deps.sh as root)
MSG
      exit 1
    fi
  done
  local v
  v=$("$PG_BIN/postgres" --version 2>/dev/null || true)
  case $v in
    *" $PG_MAJOR."*) ;;
    *) die "$PG_BIN/postgres 不是 PostgreSQL $PG_MAJOR（$v）" \
         "$PG_BIN/postgres is not PostgreSQL $PG_MAJOR ($v)" ;;
  esac
}

is_root() { [ "$(id -u)" -eq 0 ]; }

# as_server CMD...: CMD as the user the server runs as, from / (the
# caller's directory may be closed to that user).
as_server() {
  if is_root; then
    (cd / && runuser -u "$SERVER_USER" -- "$@")
  else
    (cd / && "$@")
  fi
}

ensure_server_user() {
  id -u "$SERVER_USER" >/dev/null 2>&1 && return 0
  local out=""
  # Another pg.sh may create the user at the same time, or hold the lock
  # on /etc/passwd for a moment: look again before trying again.
  for _ in 1 2 3 4 5; do
    if out=$(useradd --system --no-create-home --shell /usr/sbin/nologin "$SERVER_USER" 2>&1); then
      return 0
    fi
    id -u "$SERVER_USER" >/dev/null 2>&1 && return 0
    sleep 1
  done
  die "无法创建系统用户 $SERVER_USER：$out" "could not create the system user $SERVER_USER: $out"
}

# cluster_dir DIR: DIR as an absolute path, checked for what the server's
# configuration, DIR/env and the socket's path can hold.
cluster_dir() {
  local d
  [ -n "${1:-}" ] || usage
  d=$(realpath -m -- "$1")
  if ! [[ $d =~ ^[A-Za-z0-9/._+-]+$ ]]; then
    die "目录 $d 含有空格或特殊字符，请换一个目录（只用字母、数字和 /._+-）" \
        "directory $d has spaces or special characters: use another one (letters, digits and /._+- only)"
  fi
  # The socket DIR/.s.PGSQL.PORT must fit in sun_path (108 bytes).
  if [ ${#d} -gt 90 ]; then
    die "目录 $d 太长（${#d} 字节，最多 90），套接字路径放不下" \
        "directory $d is too long (${#d} bytes, at most 90) for the server's socket path"
  fi
  printf '%s' "$d"
}

# need_cluster DIR: DIR holds a cluster that start made.
need_cluster() {
  if [ ! -f "$1/data/PG_VERSION" ] || [ ! -f "$1/env" ]; then
    die "$1 中没有 scripts/pg.sh start 建立的集群" "no cluster made by scripts/pg.sh start in $1"
  fi
}

port_of() { sed -n 's/^PGPORT=//p' "$1/env"; }

is_running() { as_server "$PG_BIN/pg_ctl" status -D "$1/data" >/dev/null 2>&1; }

# Ports in LISTEN state on this machine (its network namespace).
listening_ports() {
  local f addr st
  for f in /proc/net/tcp /proc/net/tcp6; do
    [ -r "$f" ] || continue
    # sl local_address rem_address st ...; 0A is LISTEN
    while read -r _ addr _ st _; do
      if [ "$st" = 0A ]; then echo $((16#${addr##*:})); fi
    done < <(tail -n +2 "$f")
  done
}

# A port nothing listens on, below the kernel's ephemeral range (32768 and
# up by default, where `jiuzhu serve --port 0` and clients get theirs) and
# away from 5432 (Debian's own cluster).  Another process may take it
# before the server binds it: start then tries another.
pick_port() {
  local used p
  used=" $(listening_ports | tr '\n' ' ') "
  for _ in $(seq 1 200); do
    p=$((20000 + RANDOM % 12000))
    case $used in *" $p "*) continue ;; esac
    echo "$p"
    return 0
  done
  die "找不到空闲端口（20000–31999）" "no free port found (20000-31999)"
}

write_conf() { # DIR PORT
  as_server tee "$1/data/jiuzhu.conf" >/dev/null <<CONF
# Written by scripts/pg.sh: a throwaway cluster for jiuzhu's tests
# (docs/testing-postgresql.md), on a small shared machine.
listen_addresses = '127.0.0.1'
port = $2
unix_socket_directories = '$1'
shared_buffers = 128MB
max_connections = 300            # the server's tests run 64 clients and more
fsync = on                       # the crash tests need what was committed
synchronous_commit = on
max_prepared_transactions = 0
log_min_messages = warning
CONF
}

write_env() { # DIR PORT
  printf 'PGHOST=%s\nPGPORT=%s\nPGUSER=%s\n' "$1" "$2" "$DB_USER" >"$1/env.tmp"
  mv -f "$1/env.tmp" "$1/env"
}

log_tail() { # DIR: the end of the server log, to stderr
  echo "---- $1/log (end) ----" >&2
  tail -n 20 "$1/log" >&2 || true
}

cmd_start() {
  local dir port=${2:-0} auto=0 tries=0 before loc
  dir=$(cluster_dir "${1:-}")
  if ! [[ $port =~ ^[0-9]+$ ]] || [ "$port" -gt 65535 ] || { [ "$port" -ne 0 ] && [ "$port" -lt 1024 ]; }; then
    die "端口 $port 无效（应为 1024–65535，或 0 表示自动选择）" \
        "invalid port $port (1024-65535, or 0 for a free one)"
  fi
  [ "$port" -eq 0 ] && auto=1
  need_pg
  if [ -e "$dir" ] && [ -n "$(ls -A -- "$dir")" ]; then
    die "$dir 已存在且不是空目录（已有的集群请用 restart，或先 destroy）" \
        "$dir exists and is not empty (for a cluster there: restart, or destroy it first)"
  fi
  mkdir -p -- "$dir"
  : >"$dir/$MARK"
  if is_root; then
    ensure_server_user
    chown -R "$SERVER_USER:" "$dir"
    if ! (cd / && runuser -u "$SERVER_USER" -- test -w "$dir" -a -x "$dir"); then
      die "用户 $SERVER_USER 进不了 $dir（某个上级目录只对 root 开放）：请换一个目录，例如 mktemp -d 的结果" \
          "user $SERVER_USER cannot enter $dir (a parent directory is closed to it): use another one, such as mktemp -d's"
    fi
  fi
  chmod 0755 "$dir"
  as_server touch "$dir/log"

  loc=C
  if locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then loc=C.UTF-8; fi
  if ! as_server "$PG_BIN/initdb" -D "$dir/data" --auth=trust --username="$DB_USER" \
         --encoding=UTF8 --locale="$loc" --no-instructions >>"$dir/log" 2>&1; then
    log_tail "$dir"
    die "initdb 失败（日志：$dir/log）" "initdb failed (log: $dir/log)"
  fi
  printf "\ninclude = 'jiuzhu.conf'\n" | as_server tee -a "$dir/data/postgresql.conf" >/dev/null

  while :; do
    [ "$auto" -eq 1 ] && port=$(pick_port)
    write_conf "$dir" "$port"
    before=$(stat -c %s "$dir/log")
    if as_server "$PG_BIN/pg_ctl" start -D "$dir/data" -l "$dir/log" -w -t "$WAIT" -s >/dev/null 2>&1; then
      break
    fi
    if [ "$auto" -eq 1 ] && [ "$tries" -lt 20 ] &&
       tail -c +"$((before + 1))" "$dir/log" | grep -q 'could not create any TCP/IP sockets'; then
      tries=$((tries + 1)) # another process took the port meanwhile
      continue
    fi
    log_tail "$dir"
    die "PostgreSQL 启动失败（端口 $port，日志：$dir/log）" \
        "PostgreSQL did not start (port $port, log: $dir/log)"
  done
  write_env "$dir" "$port"
  echo "pg: cluster $dir on 127.0.0.1:$port (log: $dir/log)" >&2
  echo "postgresql://$DB_USER@127.0.0.1:$port/"
}

cmd_stop() {
  local dir mode=${2:-fast}
  dir=$(cluster_dir "${1:-}")
  case $mode in fast | immediate) ;; *) usage ;; esac
  need_pg
  need_cluster "$dir"
  if ! is_running "$dir"; then
    echo "pg: cluster $dir is not running" >&2
    return 0
  fi
  if ! as_server "$PG_BIN/pg_ctl" stop -D "$dir/data" -m "$mode" -w -t "$WAIT" -s; then
    log_tail "$dir"
    die "PostgreSQL 停止失败（$dir）" "PostgreSQL did not stop ($dir)"
  fi
}

cmd_restart() {
  local dir port
  dir=$(cluster_dir "${1:-}")
  need_pg
  need_cluster "$dir"
  port=$(port_of "$dir")
  local how=(start)
  if is_running "$dir"; then how=(restart -m fast); fi
  # After an immediate stop, the start replays the WAL before it answers.
  if ! as_server "$PG_BIN/pg_ctl" "${how[@]}" -D "$dir/data" -l "$dir/log" -w -t "$WAIT" -s >/dev/null 2>&1; then
    log_tail "$dir"
    die "PostgreSQL 重新启动失败（端口 $port，日志：$dir/log）" \
        "PostgreSQL did not start again (port $port, log: $dir/log)"
  fi
  for _ in $(seq 1 "$WAIT"); do
    "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port" -U "$DB_USER" -d postgres && return 0
    sleep 1
  done
  die "PostgreSQL 在 127.0.0.1:$port 不接受连接（日志：$dir/log）" \
      "PostgreSQL does not accept connections on 127.0.0.1:$port (log: $dir/log)"
}

cmd_url() {
  local dir
  dir=$(cluster_dir "${1:-}")
  need_cluster "$dir"
  echo "postgresql://$DB_USER@127.0.0.1:$(port_of "$dir")/${2:-}"
}

cmd_psql() {
  local dir port
  dir=$(cluster_dir "${1:-}")
  shift
  need_pg
  need_cluster "$dir"
  port=$(port_of "$dir")
  PGHOST=$dir PGPORT=$port PGUSER=$DB_USER PGDATABASE=postgres exec "$PG_BIN/psql" "$@"
}

cmd_destroy() {
  local dir
  dir=$(cluster_dir "${1:-}")
  [ -e "$dir" ] || return 0
  if [ ! -e "$dir/$MARK" ]; then
    die "$dir 不是 scripts/pg.sh 建立的目录，不删除" "$dir was not made by scripts/pg.sh: not removing it"
  fi
  if [ -f "$dir/data/PG_VERSION" ] && [ -x "$PG_BIN/pg_ctl" ] && is_running "$dir"; then
    as_server "$PG_BIN/pg_ctl" stop -D "$dir/data" -m immediate -w -t "$WAIT" -s ||
      die "PostgreSQL 停止失败（$dir），未删除" "PostgreSQL did not stop ($dir): not removed"
  fi
  rm -rf -- "$dir"
}

[ $# -ge 2 ] || usage
command=$1
shift
case $command in
  start) [ $# -le 2 ] || usage; cmd_start "$@" ;;
  stop) [ $# -le 2 ] || usage; cmd_stop "$@" ;;
  restart) [ $# -eq 1 ] || usage; cmd_restart "$@" ;;
  url) [ $# -eq 2 ] || usage; cmd_url "$@" ;;
  psql) cmd_psql "$@" ;;
  destroy) [ $# -eq 1 ] || usage; cmd_destroy "$@" ;;
  *) usage ;;
esac

#!/usr/bin/env bash
# The main job on the embedded default (SQLite): install the dependencies,
# build everything (the C programs and the web UI), print the determinations
# of the example households in examples/, make a demo database from a
# generated county with one demo user of each role, and start the platform:
# `jiuzhu serve` on 127.0.0.1, its address and the users' names and
# passwords printed.  Ctrl-C stops it.
#
#   scripts/demo.sh              # everything, then serve (port 8080, else a free one)
#   scripts/demo.sh --no-serve   # everything but the server (checks, CI)
#   JZ_DEMO_PORT=9000 scripts/demo.sh
#
# The demo database is build/demo/demo.db, made afresh on every run.
set -euo pipefail
cd "$(dirname "$0")/.."
serve=1
[ "${1:-}" = "--no-serve" ] && serve=0

scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
web=1
scripts/web.sh || web=0

echo
echo "== 示例户的认定结果（examples/，完整 JSON：build/jiuzhu assess 文件）"
build/jiuzhu assess --format summary examples/*.json

echo
echo "== 演示数据库（生成的忻府区，每种角色一个演示用户）"
rm -rf build/demo
mkdir -p build/demo
password=${JIUZHU_DEMO_PASSWORD:-"演示-$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"}
JIUZHU_DEMO_PASSWORD=$password bash tests/e2e/demo-db.sh build/jiuzhu build/demo
printf '\n%-12s %-8s %-14s %s\n' 登录名 姓名 角色 地区范围
declare -A role_zh=([admin]=管理员 [analyst]=省级分析员 [reviewer]=县级审核员 [caseworker]=乡镇经办员
  [assistant]=村协理员 [dept]=部门数据员 [auditor]=审计员)
while IFS=$'\t' read -r login name role scope; do
  [ "$scope" = 14 ] && scope=""
  printf '%-12s %-8s %-14s %s\n' "$login" "$name" "${role_zh[$role]}" "${scope:-全省}"
done <build/demo/users.tsv
echo "每个演示用户的密码：$password"
[ "$web" = 1 ] || echo "（没有 Node.js 20.19 以上：网页界面未构建，只有接口；见上面的说明）"

[ "$serve" = 1 ] || exit 0
port=${JZ_DEMO_PORT:-8080}
rm -f build/demo/port
start() {
  build/jiuzhu serve build/demo/demo.db --listen "127.0.0.1:$1" --port-file build/demo/port &
  pid=$!
  for _ in $(seq 1 50); do
    [ -s build/demo/port ] && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}
start "$port" || { echo "端口 $port 不可用，改用一个空闲端口"; start 0; }
trap 'kill -TERM "$pid" 2>/dev/null; wait "$pid"' INT TERM
echo
echo "jiuzhu 已启动：http://127.0.0.1:$(cat build/demo/port)/   （按 Ctrl-C 停止）"
wait "$pid"

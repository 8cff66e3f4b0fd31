#!/usr/bin/env bash
# Builds the web UI (web/ -> web/dist/, served by `jiuzhu serve`): installs
# the packages pinned in web/package-lock.json when web/node_modules is
# missing or older than the lock file (`npm ci`), then `npm run build`.
set -euo pipefail
cd "$(dirname "$0")/../web"

need_node() {
  cat >&2 <<'MSG'
scripts/web.sh: 构建网页界面需要 Node.js 20.19 或更高版本及 npm。
  Debian/Ubuntu：apt-get install nodejs npm（版本不足 20.19 时请安装 Node.js 20 或更新版本）
scripts/web.sh: building the web UI needs Node.js 20.19 or newer, with npm.
  Debian/Ubuntu: apt-get install nodejs npm (if that version is older than 20.19, install Node.js 20 or newer)
MSG
  exit 1
}
command -v node >/dev/null 2>&1 || need_node
command -v npm >/dev/null 2>&1 || need_node
ver=$(node -p 'process.versions.node' 2>/dev/null || echo 0)
major=${ver%%.*}
minor=${ver#*.}
minor=${minor%%.*}
if [ "$major" -lt 20 ] || { [ "$major" -eq 20 ] && [ "$minor" -lt 19 ]; }; then
  echo "scripts/web.sh: 找到的 Node.js 为 $ver / found Node.js $ver" >&2
  need_node
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
  echo "web: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  touch node_modules
fi
echo "web: npm run build"
npm run build --silent >/dev/null
echo "web: built $(find dist -type f ! -name '*.gz' | wc -l) files in web/dist"

#!/usr/bin/env bash
# docs/rules.md is generated from the rule table: it must be what
# `jiuzhu rules --format markdown` prints now.
. "$(dirname "$0")/lib.sh"
"$JZ" rules --format markdown >"$TMP/rules.md"
if cmp -s "$TMP/rules.md" "$SRC/docs/rules.md"; then
  ok
else
  bad "docs/rules.md is stale: regenerate with: build/jiuzhu rules --format markdown > docs/rules.md"
  diff "$SRC/docs/rules.md" "$TMP/rules.md" | head -20 >&2
fi
finish

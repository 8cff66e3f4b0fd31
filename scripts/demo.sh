#!/usr/bin/env bash
# The main job on the embedded default: install the dependencies, build, and
# assess the example households in examples/, printing a readable summary of
# each determination (category, amounts, persons, decisive rules and their
# legal sources).  Full JSON determinations: build/jiuzhu assess FILE.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
echo
build/jiuzhu assess --format summary examples/*.json

#!/usr/bin/env bash
# Regenerates zeek-spy's built-in layout tables from the C++ replicas in replicas.cpp.
#
#   generate.sh           write sampler/src/main/resources/zeekspy/layouts/*.layout
#   generate.sh --check   only compare: exit 1 if a committed table differs from the replicas
#
# Needs g++ >= 10 with libstdc++ on x86_64 (the ABI the tables describe). A replica that no
# longer matches the offsets in shared/reference/zeek-internals.md fails to compile.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
tables="$here/../../../../main/resources/zeekspy/layouts"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if [ "$(uname -m)" != "x86_64" ]; then
    echo "generate.sh: the tables describe x86_64; this machine is $(uname -m)" >&2
    exit 1
fi

g++ -std=c++20 -O0 -Wall -Wextra -Werror -o "$work/replicas" "$here/replicas.cpp"
mkdir "$work/out"
"$work/replicas" "$work/out"

if [ "${1:-}" = "--check" ]; then
    if diff -r "$work/out" "$tables"; then
        echo "layout tables match the replicas"
    else
        echo "generate.sh: layout tables differ from the replicas (run generate.sh to rewrite them)" >&2
        exit 1
    fi
else
    mkdir -p "$tables"
    cp "$work/out"/*.layout "$work/out/index" "$tables/"
    echo "wrote $(ls "$work/out" | grep -c "\.layout$") layout tables and the index to $tables"
fi

#!/usr/bin/env bash
# Runs the comparisons and prints the table of ratios (see README, "Speed").
# Sizes: CANBAO_BENCH_IMPORT_ROWS (default 100000), CANBAO_BENCH_FIND_ROWS (default 500000).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v sqlite3 >/dev/null || apt-get install -y -qq sqlite3 >/dev/null
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sm)"
cargo bench --bench compare 2>/dev/null

#!/usr/bin/env bash
# Runs benches/compare.rs and prints its table (see README, "Speed"); the same table, with the machine it ran on,
# goes to benches/latest.md. Installs the references it needs where it can and says what it skipped.
# Sizes: CANBAO_BENCH_IMPORT_ROWS (100000), CANBAO_BENCH_FIND_ROWS (500000, also the TUI and memory figures),
# CANBAO_BENCH_XLSX_ROWS (60000), CANBAO_BENCH_SMALL_ROWS (10000); CANBAO_BENCH_PYTHON (python3).
set -euo pipefail
cd "$(dirname "$0")/.."

apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then
    apt-get update -qq >/dev/null 2>&1 || true
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1
}
command -v sqlite3 >/dev/null || apt_install sqlite3 || echo "notice: sqlite3 could not be installed" >&2
[ -x /usr/bin/time ] || apt_install time || echo "notice: GNU time could not be installed" >&2
python="${CANBAO_BENCH_PYTHON:-python3}"
if ! "$python" -c 'import openpyxl' 2>/dev/null; then
  "$python" -m pip install -q openpyxl >/dev/null 2>&1 || echo "notice: openpyxl could not be installed" >&2
fi

ram=$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)
cpu=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
openpyxl=$("$python" -c 'import openpyxl, platform; print(f"openpyxl {openpyxl.__version__} on Python {platform.python_version()}")' 2>/dev/null || echo "openpyxl missing")
machine="$(date -u +%Y-%m-%d), $(git rev-parse --short HEAD 2>/dev/null || echo '?'): $(nproc) cores ($cpu), $ram, $(uname -sm); sqlite3 $(sqlite3 -version 2>/dev/null | cut -d' ' -f1); $openpyxl; load average $(cut -d" " -f1 /proc/loadavg) at the start"
echo "machine: $machine"

table=$(mktemp)
trap 'rm -f "$table"' EXIT
cargo bench --bench compare --locked | tee "$table"
{
  echo "Measured $machine."
  echo
  cat "$table"
} > benches/latest.md
echo "written: benches/latest.md"

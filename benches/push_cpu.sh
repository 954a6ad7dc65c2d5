#!/bin/bash
# Interleaved first pushes of one drive into an empty county, per run: wall time, canbao's CPU (user + system),
# and the CPU of every PostgreSQL process on this machine, the backends it has reaped included (the server's
# own work, steadier than wall time on a busy machine).
#   bash benches/push_cpu.sh RUNS DRIVE.db CANBAO_BINARY...      (URL in $CANBAO_BENCH_URL, a throw-away database)
set -eu
runs=$1 drive=$2
shift 2
url=${CANBAO_BENCH_URL:?set CANBAO_BENCH_URL to a throw-away database, e.g. postgresql://root@127.0.0.1:5432/scratch}
server_cpu() {
    for p in $(pgrep -x postgres; pgrep -f "postgres:"); do awk '{print $14+$15+$16+$17}' "/proc/$p/stat" 2>/dev/null || true; done |
        awk '{s += $1} END {print s * 10}'
}
times=$(mktemp)
for _ in $(seq 1 "$runs"); do
    for bin in "$@"; do
        psql -qAt "$url" -c "DROP SCHEMA IF EXISTS canbao CASCADE" >/dev/null 2>&1
        sleep 0.5
        before=$(server_cpu) start=$(date +%s%N)
        /usr/bin/time -o "$times" -f "%U %S" "$bin" push "$drive" --to "$url" >/dev/null 2>&1
        end=$(date +%s%N) after=$(server_cpu)
        echo "$bin wall=$(((end - start) / 1000000)) client=$(awk '{print ($1 + $2) * 1000}' "$times") server=$((after - before))"
    done
done
rm -f "$times"

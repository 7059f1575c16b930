#!/usr/bin/env bash
# make bench-ingest: issue 3's figure, ingest throughput on one core with the
# WAL on.
#
#   INGEST_DOCS=10000 INGEST_RUNS=3 BENCH_DATA=bench/results/data scripts/bench-ingest.sh [BUILD_DIR]
#
# Generates INGEST_DOCS signals documents (../shared/bench/gen_corpus.py,
# seed 42; reused when present), then INGEST_RUNS times: a fresh database,
# `trendgraph ingest --plugin signals --parse-threads 1` pinned to CPU 0
# with taskset (RocksDB's flush and compaction threads included: everything
# the ingest costs runs on that one core), through document transactions
# (WAL on, group commits of 64 documents; not --bulk). Prints each run's
# wall time, CPU time (user + sys) and documents/s on both, then the medians,
# and writes them to bench/results/<stamp>-ingest/ingest.json.
set -euo pipefail
build_dir=${1:-build/release}
here=$(cd "$(dirname "$0")/.." && pwd)
shared="$here/../shared/bench"
docs=${INGEST_DOCS:-10000}
runs=${INGEST_RUNS:-3}
data=${BENCH_DATA:-$here/bench/results/data}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
out="$here/bench/results/$stamp-ingest"
bin="$here/$build_dir/bin/trendgraph"
[ -x "$bin" ] || { echo "bench-ingest: $bin not found (make build first)"; exit 1; }
command -v taskset > /dev/null || { echo "bench-ingest: taskset not found (util-linux)"; exit 1; }
mkdir -p "$out" "$data"

corpus="$data/docs$docs"
if [ ! -d "$corpus" ] || [ "$(find "$corpus" -type f | wc -l)" -ne "$docs" ]; then
  echo "== generating $docs documents (seed 42)"
  rm -rf "$corpus"
  python3 "$shared/gen_corpus.py" --docs "$docs" --seed 42 --out "$corpus" --jobs 2 > /dev/null
fi

# Only the signals plugin, as a user ingesting trend scans would load it.
plugdir="$out/plugins"
mkdir -p "$plugdir"
ln -sf "$here/$build_dir/plugins/trendgraph_signals.so" "$plugdir/"
# Read the documents once so that every run starts from a warm page cache.
cat "$corpus"/* > /dev/null

echo "== $runs runs: $docs documents, taskset -c 0, --parse-threads 1, WAL on ($(git -C "$here" rev-parse --short HEAD))"
for i in $(seq "$runs"); do
  db="$out/db"
  rm -rf "$db"
  /usr/bin/time -f "%e %U %S" -o "$out/run$i.time" \
    taskset -c 0 "$bin" ingest --parse-threads 1 --db "$db" --plugin signals --plugin-dir "$plugdir" --quiet "$corpus" \
    > "$out/run$i.log" 2>&1 || { tail -5 "$out/run$i.log"; exit 1; }
  grep -q "ingested $docs of $docs documents" "$out/run$i.log" || { tail -5 "$out/run$i.log"; exit 1; }
  read -r wall user sys < "$out/run$i.time"
  python3 - "$docs" "$wall" "$user" "$sys" "$i" << 'EOF'
import sys
docs, wall, user, sys_ = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
cpu = user + sys_
print(f"run {sys.argv[5]}: {wall:.2f} s wall, {cpu:.2f} s CPU ({user:.2f} user + {sys_:.2f} sys): "
      f"{docs / wall:,.0f} documents/s wall, {docs / cpu:,.0f} documents/s of CPU")
EOF
done
rm -rf "$out/db"
python3 - "$out" "$docs" "$runs" << 'EOF'
import json, statistics, sys
out, docs, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
walls, cpus = [], []
for i in range(1, runs + 1):
    wall, user, sys_ = map(float, open(f"{out}/run{i}.time").read().split())
    walls.append(wall)
    cpus.append(user + sys_)
w, c = statistics.median(walls), statistics.median(cpus)
res = {"documents": docs, "runs": runs, "wall_s": walls, "cpu_s": cpus,
       "median_docs_per_s_wall": docs / w, "median_docs_per_s_cpu": docs / c, "target_docs_per_s": 5000}
json.dump(res, open(f"{out}/ingest.json", "w"), indent=1)
print(f"median: {docs / w:,.0f} documents/s wall, {docs / c:,.0f} documents/s of CPU (target 5,000)")
EOF

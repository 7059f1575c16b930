#!/usr/bin/env bash
# make bench: trendgraph against Kùzu on the same generated corpus.
#
#   BENCH_DOCS=100000 BENCH_RUNS=20 BENCH_DATA=bench/results/data scripts/bench.sh [BUILD_DIR]
#
# 1. generate BENCH_DOCS signals documents (seed 42) and the ground-truth CSVs
# 2. ingest them through the signals plugin into a fresh database (timed:
#    documents/s, relationships/s, database size, peak RSS); BENCH_LOAD=bulk
#    (default: `ingest --bulk`, the path for a first load into an empty
#    graph) or BENCH_LOAD=txn (document transactions through the WAL and
#    memtables, as every later ingest)
# 3. run the shared query set in-process (query_bench) and over HTTP
#    (keep-alive client), a warm-up and BENCH_RUNS timed runs each
# 4. run the Kùzu peer harness on the same CSVs in the same run
# 5. print one table (ours, HTTP, Kùzu, ratios), compare answers with Kùzu's
#    and with the ground truth, write JSON under bench/results/
# 6. join the newest run of each corpus size into bench/results/scaling.md
#    and scaling.svg (bench/scaling.py)
# BENCH_MICRO=1 also runs the Google Benchmark programs in BUILD_DIR/bench.
set -euo pipefail
build_dir=${1:-build/release}
here=$(cd "$(dirname "$0")/.." && pwd)
shared="$here/../shared/bench"
docs=${BENCH_DOCS:-100000}
runs=${BENCH_RUNS:-20}
load_mode=${BENCH_LOAD:-bulk}
case "$load_mode" in
  bulk) load_flags=(--bulk) ;;
  txn) load_flags=() ;;
  *) echo "bench: BENCH_LOAD must be bulk or txn"; exit 1 ;;
esac
data=${BENCH_DATA:-$here/bench/results/data}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
out="$here/bench/results/$stamp-$docs"
bin="$here/$build_dir/bin/trendgraph"
mkdir -p "$out" "$data"

[ -f "$shared/gen_corpus.py" ] || { echo "bench: $shared/gen_corpus.py not found (../shared/bench)"; exit 1; }

corpus="$data/docs$docs" csv="$data/csv$docs"
if [ ! -f "$csv/manifest.json" ]; then
  echo "== generating $docs documents (seed 42)"
  python3 "$shared/gen_corpus.py" --docs "$docs" --seed 42 --out "$corpus" --csv "$csv" --jobs 2 > "$out/gen.json"
fi

echo "== ingesting into a fresh database ($load_mode)"
db="$data/trendgraph$docs"
rm -rf "$db"
# Only the signals plugin: the ground truth (and Kùzu's graph) has no policy
# actors, so the actors enricher must not run here.
plugdir="$data/plugins-signals-only"
mkdir -p "$plugdir" && ln -sf "$here/$build_dir/plugins/trendgraph_signals.so" "$plugdir/"
/usr/bin/time -v -o "$out/ingest.time" "$bin" ingest "${load_flags[@]}" --db "$db" --plugin signals --plugin-dir "$plugdir" --quiet "$corpus" \
  > "$out/ingest.log" 2>&1 || { tail -20 "$out/ingest.log"; exit 1; }
tail -3 "$out/ingest.log"
python3 - "$out" "$db" "$docs" "$load_mode" <<'PY'
import json, os, re, sys
out, db, docs, mode = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
t = open(os.path.join(out, "ingest.time")).read()
wall = re.search(r"Elapsed \(wall clock\) time.*: (.*)", t).group(1).split(":")
secs = sum(float(x) * 60 ** i for i, x in enumerate(reversed(wall)))
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1)) / 1024
size = sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(db) for f in fs)
man = json.load(open(os.path.join(os.path.dirname(db), f"csv{docs}", "manifest.json")))
rels = man["relationships_total"]
json.dump({"load_s": round(secs, 3), "mode": mode, "docs": docs, "docs_per_s": round(docs / secs), "rels_per_s": round(rels / secs),
           "peak_rss_mib": round(rss, 1), "db_bytes": size}, open(os.path.join(out, "load.json"), "w"))
print(open(os.path.join(out, "load.json")).read())
PY

echo "== queries in-process"
/usr/bin/time -v -o "$out/query.time" "$here/$build_dir/bench/query_bench" --db "$db" --runs "$runs" \
  --dump "$out/ours_dump.json" > "$out/ours.jsonl" || true

echo "== queries over HTTP"
"$bin" serve --db "$db" --port 0 --plugin-dir "$plugdir" > "$out/serve.log" 2>&1 &
server=$!
for _ in $(seq 100); do grep -q "listening on" "$out/serve.log" && break; sleep 0.1; done
url=$(grep -o 'http://[0-9.]*:[0-9]*' "$out/serve.log" | head -1)
python3 "$here/bench/http_queries.py" --url "$url" --runs "$runs" > "$out/http.jsonl" || true
kill -TERM $server; wait $server || true

echo "== Kùzu peer"
peer="$data/kuzu-peer"
if [ ! -d "$peer/node_modules/kuzu" ]; then
  mkdir -p "$peer" && cp "$shared"/{kuzu_peer.mjs,queries.json,package.json,package-lock.json} "$peer/"
  (cd "$peer" && npm ci --silent)
fi
node "$peer/kuzu_peer.mjs" --csv "$csv" --db "$data/kuzu$docs" --runs "$runs" --queries "$shared/queries.json" \
  --dump "$out/kuzu_dump.json" > "$out/kuzu.jsonl" 2> "$out/kuzu.log"

echo "== results ($out)"
python3 "$here/bench/compare.py" --ours "$out/ours.jsonl" --http "$out/http.jsonl" --kuzu "$out/kuzu.jsonl" \
  --ours-dump "$out/ours_dump.json" --kuzu-dump "$out/kuzu_dump.json" --manifest "$csv/manifest.json" \
  --load "$out/load.json" --query-time "$out/query.time" --out "$out/results.json"

# The scaling view over the newest correct run of every corpus size so far.
python3 "$here/bench/scaling.py" --results "$here/bench/results" \
  --md "$here/bench/results/scaling.md" --svg "$here/bench/results/scaling.svg" > /dev/null &&
  echo "scaling table and plot: bench/results/scaling.md, bench/results/scaling.svg"

if [ "${BENCH_MICRO:-0}" = 1 ]; then
  for b in "$here/$build_dir"/bench/*_bench; do
    case "$b" in *query_bench) continue ;; esac
    echo "== $(basename "$b")"; "$b" --benchmark_min_time=0.2
  done
fi

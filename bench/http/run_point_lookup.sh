#!/usr/bin/env bash
# HTTP point-lookup benchmark: starts `trendgraph serve` on a temp database,
# ingests the shared signals corpus (which creates Technology nodes with a
# unique name key), picks a few real names, and runs wrk with
# point_lookup.lua (16 connections by default).
#
#   bench/http/run_point_lookup.sh [BUILD_DIR] [DURATION] [CONNECTIONS]
#
# Prints wrk's report, the script's requests/s + p50/p99 line and the count
# of non-2xx answers (which must be 0 for the figure to mean anything).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build/release}
duration=${2:-20s}
conns=${3:-16}
corpus=${TRENDGRAPH_CORPUS:-$here/../../../shared/corpus/signals}
bin=$build/bin/trendgraph
tmp=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT

# Extra server flags (e.g. --threads 4) come from TRENDGRAPH_SERVE_ARGS.
"$bin" serve --db "$tmp/db" --port 0 ${TRENDGRAPH_SERVE_ARGS:-} >"$tmp/out" 2>"$tmp/err" &
pid=$!
for _ in $(seq 100); do grep -q '^listening on' "$tmp/out" && break; sleep 0.1; done
url=$(sed -n 's/^listening on //p' "$tmp/out")
[ -n "$url" ] || { cat "$tmp/err"; exit 1; }

python3 - "$url" "$corpus" <<'PY'
import json, os, sys, urllib.request
url, corpus = sys.argv[1], sys.argv[2]
docs = [{"name": f, "content": open(os.path.join(corpus, f), encoding="utf-8", errors="replace").read()}
        for f in sorted(os.listdir(corpus)) if f.endswith(".md")]
req = urllib.request.Request(url + "/v1/graphs/default/ingest/signals", data=json.dumps({"documents": docs}).encode(),
                             headers={"Content-Type": "application/json"}, method="POST")
try:
    rep = json.load(urllib.request.urlopen(req))
except urllib.error.HTTPError as e:
    rep = json.load(e)
print(f"ingested {rep.get('ok')} documents ({rep.get('failed')} failed)", file=sys.stderr)
PY

names=$(python3 - "$url" <<'PY'
import json, sys, urllib.request
url = sys.argv[1]
body = json.dumps({"query": "MATCH (t:Technology) RETURN t.name AS name LIMIT 8"}).encode()
req = urllib.request.Request(url + "/v1/graphs/default/query", data=body, headers={"Content-Type": "application/json"})
rows = json.load(urllib.request.urlopen(req))["rows"]
print("\n".join(r[0] for r in rows))
PY
)
[ -n "$names" ] || { echo "no Technology nodes after ingest"; exit 1; }
mapfile -t args <<<"$names"
echo "names: ${args[*]}"
wrk -t2 -c"$conns" -d"$duration" --latency -s "$here/point_lookup.lua" "$url/v1/graphs/default/query" -- "${args[@]}"

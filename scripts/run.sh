#!/usr/bin/env bash
# make run: load the bundled examples into ./data (idempotent: documents
# already ingested are left unchanged), then serve HTTP on 127.0.0.1:7480.
set -euo pipefail
build_dir=${1:-build/release}
bin="$build_dir/bin/trendgraph"
db=${TRENDGRAPH_DB:-./data}
port=${TRENDGRAPH_PORT:-7480}
here=$(cd "$(dirname "$0")/.." && pwd)

echo "== loading the bundled examples into $db"
"$bin" ingest --db "$db" --plugin auto "$here/examples/documents/signals" "$here/examples/documents/news" || true
corpus="$here/../shared/corpus"
if [ -d "$corpus" ]; then
  echo "== loading the shared corpus ($corpus)"
  "$bin" ingest --db "$db" --plugin auto "$corpus/signals" "$corpus/news" "$corpus/seeds" || true
fi
if [ -d "$here/examples/compute_vouchers" ]; then
  echo "== loading the compute-voucher model data"
  "$bin" query --db "$db" "CALL vouchers.load('$here/examples/compute_vouchers/model.json') YIELD nodes, relationships RETURN nodes, relationships" || true
fi
"$bin" stats --db "$db"

cat <<EOT

== trendgraph serves http://127.0.0.1:$port  (Ctrl-C stops it; data stays in $db)

Try, in another terminal:

  # technologies most often co-mentioned with AI chips
  curl -s localhost:$port/v1/graphs/default/query -H 'Content-Type: application/json' -d '{"query":
    "MATCH (t:Technology)<-[:MENTIONS]-(a:Article)-[:MENTIONS]->(o:Technology) WHERE t.name CONTAINS \$q AND o <> t RETURN o.name AS technology, count(DISTINCT a) AS articles ORDER BY articles DESC LIMIT 10",
    "parameters": {"q": "chip"}}'

  # which policy actors do the articles about computing vouchers name?
  curl -s localhost:$port/v1/graphs/default/query -H 'Content-Type: application/json' -d '{"query":
    "MATCH (a:Article)-[m:MENTIONS_ACTOR]->(p:PolicyActor) WHERE toLower(a.title) CONTAINS \"voucher\" RETURN p.name AS actor, p.kind AS kind, count(*) AS mentions ORDER BY mentions DESC"}'

  # signals raised by articles that name Nvidia, strongest first
  curl -s localhost:$port/v1/graphs/default/query -H 'Content-Type: application/json' -d '{"query":
    "MATCH (p:PolicyActor {name: \"nvidia\"})<-[:MENTIONS_ACTOR]-(a:Article)-[r:RAISES]->(s:Signal) RETURN s.name AS signal, r.relevancy AS relevancy, a.title AS article ORDER BY relevancy DESC LIMIT 10"}'

  # is the H20 controlled under the October 2023 rule?
  curl -s localhost:$port/v1/graphs/default/query -H 'Content-Type: application/json' -d '{"query":
    "CALL chips.legal(\"H20\", date(\"2024-01-01\")) YIELD chip, legal, rule RETURN chip, legal, rule"}'

  # which articles evidence the voucher programmes with the largest unmet demand?
  curl -s localhost:$port/v1/graphs/default/query -H 'Content-Type: application/json' -d '{"query":
    "CALL vouchers.simulate({firms: 200}) YIELD program, unmet_gpu_hours WITH program, sum(unmet_gpu_hours) AS unmet ORDER BY unmet DESC LIMIT 3 MATCH (a:PolicyActor)-[:ISSUES]->(:VoucherProgram {id: program}) OPTIONAL MATCH (art:Article)-[:MENTIONS_ACTOR]->(a) RETURN program, a.display AS issuer, unmet, collect(art.title)[..5] AS evidence ORDER BY unmet DESC"}'

  curl -s localhost:$port/v1/graphs/default/schema
  curl -s localhost:$port/metrics | head
EOT
exec "$bin" serve --db "$db" --host 127.0.0.1 --port "$port"

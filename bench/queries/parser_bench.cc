// Query-text parse cost (lexer + parser, no binding or planning): the part
// of every request that does not depend on the data. One core.
//
//   parser_bench [--benchmark_filter=...]
#include <benchmark/benchmark.h>

#include <string>

#include "query/parser/ast.h"

namespace trendgraph::query {
namespace {

// A dashboard's query: filter, aggregate, order, limit.
const char* const kTypical =
    "MATCH (a:Article)-[:MENTIONS]->(t:Technology {name: 'GPU'}) WHERE a.published >= date('2024-01-01') "
    "AND a.lang IN ['zh', 'en'] RETURN a.title AS title, count(*) AS n ORDER BY n DESC LIMIT 10";

// A point lookup with a parameter (the HTTP load test's query).
const char* const kPoint = "MATCH (t:Technology {name: $name}) RETURN t.name";

// A longer statement: several clauses, a subquery, a list comprehension,
// CASE and map projection.
const char* const kLong =
    "MATCH (a:Article)-[r:RAISES]->(s:Signal) WHERE r.relevancy >= 3 AND a.published STARTS WITH '2025' "
    "WITH s, collect(DISTINCT a) AS arts, avg(r.relevancy) AS rel "
    "OPTIONAL MATCH (s)<-[:RAISES]-(b:Article)-[:MENTIONS_ACTOR]->(p:PolicyActor {country: 'CN'}) "
    "WHERE EXISTS { MATCH (b)-[:MENTIONS]->(:Technology) } "
    "WITH s, arts, rel, [x IN collect(p.name) WHERE x IS NOT NULL | toLower(x)] AS actors "
    "RETURN s.name AS signal, size(arts) AS articles, "
    "CASE WHEN rel > 4 THEN 'high' WHEN rel > 2 THEN 'mid' ELSE 'low' END AS band, "
    "s {.name, .display, actors: actors[0..5]} AS detail ORDER BY articles DESC, signal SKIP 0 LIMIT 25";

void BM_Parse(benchmark::State& state, const char* text) {
  const std::string q = text;
  for (auto _ : state) {
    ParsedQuery parsed = ParseQuery(q);
    benchmark::DoNotOptimize(parsed);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(q.size()));
}

BENCHMARK_CAPTURE(BM_Parse, typical, kTypical);
BENCHMARK_CAPTURE(BM_Parse, point_lookup, kPoint);
BENCHMARK_CAPTURE(BM_Parse, long_statement, kLong);

}  // namespace
}  // namespace trendgraph::query

BENCHMARK_MAIN();

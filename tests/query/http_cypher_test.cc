// The newer Cypher forms over HTTP, against the real `trendgraph serve`
// binary on an ephemeral port and a temp database: CALL { } subqueries,
// FOREACH, COUNT { } / COLLECT { }, randomUUID(); a bad FOREACH is a typed
// 4xx error and writes nothing.
#include <gtest/gtest.h>

#include <string>

#include "http/http_test_support.h"
#include "test_util.h"

namespace trendgraph::testing {
namespace {

class HttpCypherTest : public ServerFixture {
 protected:
  void SetUp() override { StartServer(); }
};

TEST_F(HttpCypherTest, SubqueriesForeachAndNewFunctions) {
  // A voucher programme redeemable at two providers, written with FOREACH.
  EXPECT_EQ(Rows("CREATE (v:VoucherProgram {id: 'sh-2024'}) "
                 "FOREACH (p IN ['alpha', 'beta'] | CREATE (v)-[:REDEEMABLE_AT]->(:ComputeProvider {name: p})) "
                 "RETURN v.id"),
            "[[\"sh-2024\"]]");
  EXPECT_EQ(Rows("MATCH (v:VoucherProgram) RETURN COUNT { (v)-[:REDEEMABLE_AT]->() } AS n, "
                 "COLLECT { MATCH (v)-[:REDEEMABLE_AT]->(p) RETURN p.name ORDER BY p.name } AS names"),
            "[[2,[\"alpha\",\"beta\"]]]");
  EXPECT_EQ(Rows("MATCH (v:VoucherProgram) CALL { WITH v MATCH (v)-->(p) RETURN count(p) AS providers } "
                 "RETURN v.id, providers"),
            "[[\"sh-2024\",2]]");
  EXPECT_EQ(Rows("CALL { MATCH (p:ComputeProvider) RETURN p.name AS name UNION "
                 "MATCH (v:VoucherProgram) RETURN v.id AS name } RETURN name ORDER BY name"),
            "[[\"alpha\"],[\"beta\"],[\"sh-2024\"]]");
  EXPECT_EQ(Rows("RETURN size(randomUUID()) AS len"), "[[36]]");
}

TEST_F(HttpCypherTest, BadForeachIsATypeErrorAndWritesNothing) {
  HttpReply r = Query("UNWIND [['a'], 'b'] AS names FOREACH (n IN names | CREATE (:ComputeProvider {name: n}))");
  EXPECT_GE(r.status, 400) << r.body;
  EXPECT_LT(r.status, 500) << r.body;
  EXPECT_EQ(ErrorOf(r).code, "TypeError.InvalidArgumentType") << r.body;
  EXPECT_NE(r.body.find("FOREACH expects a list"), std::string::npos) << r.body;
  EXPECT_EQ(Rows("MATCH (p:ComputeProvider) RETURN count(p)"), "[[0]]");
}

}  // namespace
}  // namespace trendgraph::testing

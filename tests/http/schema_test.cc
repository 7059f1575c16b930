// GET /v1/graphs/{g}/schema against the real `trendgraph serve` binary: it
// lists only the labels and relationship types that some node or
// relationship has now (as Neo4j's db.labels() / db.relationshipTypes()),
// not every name the token dictionaries ever learnt; counts follow deletes
// and survive a restart. Property keys are the dictionary's, used or not.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <map>
#include <set>
#include <string>

#include "http_test_support.h"
#include "test_util.h"

namespace trendgraph::testing {
namespace {

// A /schema answer, parsed.
struct SchemaView {
  uint64_t nodes = 0, relationships = 0;
  std::map<std::string, uint64_t> labels, types;
  std::set<std::string> property_keys;
};

class SchemaTest : public ServerFixture {
 protected:
  void SetUp() override { StartServer(); }
  void Run(const std::string& q) {
    HttpReply r = Query(q);
    ASSERT_EQ(r.status, 200) << q << ": " << r.body;
  }
  SchemaView Schema() {
    SchemaView v;
    HttpReply r = Get("/v1/graphs/default/schema");
    EXPECT_EQ(r.status, 200) << r.body;
    rapidjson::Document d;
    d.Parse(r.body.c_str(), r.body.size());
    if (d.HasParseError() || !d.IsObject()) {
      ADD_FAILURE() << "not a JSON object: " << r.body;
      return v;
    }
    v.nodes = d["nodes"].GetUint64();
    v.relationships = d["relationships"].GetUint64();
    for (const auto& l : d["labels"].GetArray()) v.labels[l["name"].GetString()] = l["count"].GetUint64();
    for (const auto& t : d["relationship_types"].GetArray())
      v.types[t["name"].GetString()] = t["count"].GetUint64();
    for (const auto& k : d["property_keys"].GetArray()) v.property_keys.insert(k.GetString());
    return v;
  }
};

TEST_F(SchemaTest, ListsOnlyLabelsAndTypesInUse) {
  Run("CREATE (:Policy {name: 'computing vouchers'})-[:SUPPORTS]->(:Startup {name: 'a'}), "
      "(:Draft {name: 'voucher draft', version: 1})-[:SUPERSEDES]->(:Draft:Policy {name: 'old draft'})");
  SchemaView s = Schema();
  EXPECT_EQ(s.nodes, 4u);
  EXPECT_EQ(s.relationships, 2u);
  EXPECT_EQ(s.labels, (std::map<std::string, uint64_t>{{"Draft", 2}, {"Policy", 2}, {"Startup", 1}}));
  EXPECT_EQ(s.types, (std::map<std::string, uint64_t>{{"SUPERSEDES", 1}, {"SUPPORTS", 1}}));

  // Every Draft goes (one label removed, one node deleted), and with them
  // the only SUPERSEDES relationship.
  Run("MATCH (d:Draft:Policy) REMOVE d:Draft");
  Run("MATCH (d:Draft) DETACH DELETE d");
  s = Schema();
  EXPECT_EQ(s.nodes, 3u);
  EXPECT_EQ(s.relationships, 1u);
  EXPECT_EQ(s.labels, (std::map<std::string, uint64_t>{{"Policy", 2}, {"Startup", 1}}));
  EXPECT_EQ(s.types, (std::map<std::string, uint64_t>{{"SUPPORTS", 1}}));
  // Property keys are the dictionary's: "version" is no longer on any node,
  // and is still listed (as db.propertyKeys() lists it).
  EXPECT_TRUE(s.property_keys.count("name")) << "name";
  EXPECT_TRUE(s.property_keys.count("version")) << "version";

  // A name comes back with its first new use.
  Run("CREATE (:Draft {name: 'new draft'})");
  EXPECT_EQ(Schema().labels["Draft"], 1u);
  Run("MATCH (d:Draft) DELETE d");

  // The same after a restart: the counts are read back from disk.
  ASSERT_EQ(server_.Stop(SIGTERM), 0);
  StartServer();
  s = Schema();
  EXPECT_EQ(s.labels, (std::map<std::string, uint64_t>{{"Policy", 2}, {"Startup", 1}}));
  EXPECT_EQ(s.types, (std::map<std::string, uint64_t>{{"SUPPORTS", 1}}));
}

TEST_F(SchemaTest, AnEmptiedGraphListsNoLabelsOrTypes) {
  Run("CREATE (:Technology {name: 'H100'})<-[:RESTRICTS]-(:ExportControl {name: 'Oct 2023 rule'})");
  Run("MATCH (n) DETACH DELETE n");
  SchemaView s = Schema();
  EXPECT_EQ(s.nodes, 0u);
  EXPECT_EQ(s.relationships, 0u);
  EXPECT_TRUE(s.labels.empty()) << s.labels.size();
  EXPECT_TRUE(s.types.empty()) << s.types.size();
}

}  // namespace
}  // namespace trendgraph::testing

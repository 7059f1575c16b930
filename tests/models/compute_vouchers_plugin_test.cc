// The compute_vouchers plugin through the real host: loaded with
// engine::PluginHost, its procedures called from query::ProcedureRegistry
// against a real RocksDB database in a temp dir.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "engine/plugin_host.h"
#include "query/query_api.h"
#include "storage/graph_store.h"
#include "hosted_graph_test.h"

namespace trendgraph {
namespace {

const std::string kPlugin = testing::BuiltPlugin("compute_vouchers");
const std::string kModel = std::string(TRENDGRAPH_SOURCE_DIR) + "/examples/compute_vouchers/model.json";

struct Rows {
  std::vector<std::vector<Value>> rows;
  std::optional<query::ProcedureFailure> failure;
};

class ComputeVouchersPluginTest : public testing::HostedGraphTest {
 protected:
  void SetUp() override {
    HostedGraphTest::SetUp();
    ASSERT_OK(host_->Load(kPlugin));
  }

  // Calls a procedure; a writing one runs in its own transaction, committed
  // only when it succeeds (as a query would).
  Rows Call(const std::string& name, std::vector<Value> args) {
    Rows out;
    const auto* proc = registry_.Find(name);
    EXPECT_NE(proc, nullptr) << name;
    if (!proc) return out;
    query::ProcedureEmit emit = [&](std::vector<Value> row) {
      EXPECT_EQ(row.size(), proc->first.outputs.size());
      out.rows.push_back(std::move(row));
      return true;
    };
    if (proc->first.writes) {
      auto txn = graph_->BeginWrite();
      query::ProcedureContext ctx{graph_.get(), txn.get(), txn.get()};
      out.failure = proc->second(args, ctx, emit);
      if (!out.failure) EXPECT_OK(txn->Commit());
    } else {
      auto snap = graph_->NewSnapshot();
      query::ProcedureContext ctx{graph_.get(), snap.get(), nullptr};
      out.failure = proc->second(args, ctx, emit);
    }
    return out;
  }

  // Column index by name.
  size_t Col(const std::string& proc, const std::string& column) {
    const auto& outs = registry_.Find(proc)->first.outputs;
    for (size_t i = 0; i < outs.size(); ++i)
      if (outs[i].name == column) return i;
    ADD_FAILURE() << proc << " has no column " << column;
    return 0;
  }


  // RESTRICTS edges into the chip: control id -> "from..until fee f".
  std::map<std::string, std::string> Restricts(const std::string& chip_name) {
    std::map<std::string, std::string> out;
    auto snap = graph_->NewSnapshot();
    Value name(chip_name);
    storage::NodeId chip = 0;
    for (auto it = snap->ScanLabel(*graph_->FindLabel("ChipModel")); it->Valid(); it->Next()) {
      Value v;
      EXPECT_OK(snap->GetNodeProperty(it->id(), *graph_->FindPropKey("name"), &v));
      if (v.is_string() && v.as_string() == chip_name) chip = it->id();
    }
    EXPECT_NE(chip, 0u) << chip_name;
    auto prop = [&](storage::RelId rel, const char* key) {
      Value v;
      EXPECT_OK(snap->GetRelProperty(rel, *graph_->FindPropKey(key), &v));
      return v;
    };
    for (auto it = snap->Adjacency(chip, storage::Direction::kIn, *graph_->FindType("RESTRICTS")); it->Valid(); it->Next()) {
      Value id;
      EXPECT_OK(snap->GetNodeProperty(it->entry().other, *graph_->FindPropKey("id"), &id));
      const Value from = prop(it->entry().rel, "from"), until = prop(it->entry().rel, "until");
      std::ostringstream os;
      os << (from.is_date() ? FormatDate(from.as_date()) : "?") << ".."
         << (until.is_date() ? FormatDate(until.as_date()) : "open") << " fee " << prop(it->entry().rel, "fee").as_number();
      out[id.as_string()] = os.str();
    }
    return out;
  }

};

Value::Map M(std::initializer_list<std::pair<const std::string, Value>> items) { return Value::Map(items); }

TEST_F(ComputeVouchersPluginTest, RegistersTheProcedures) {
  for (const char* name : {"vouchers.load", "vouchers.parameters", "vouchers.capacity", "chips.legal", "chips.flow",
                           "vouchers.simulate"})
    EXPECT_NE(registry_.Find(name), nullptr) << name;
  EXPECT_TRUE(registry_.Find("vouchers.load")->first.writes);
  EXPECT_FALSE(registry_.Find("vouchers.simulate")->first.writes);
}

TEST_F(ComputeVouchersPluginTest, LoadWritesTheModelGraphOnce) {
  Rows r = Call("vouchers.load", {Value(kModel)});
  ASSERT_FALSE(r.failure) << r.failure->message;
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(CountLabel("VoucherProgram"), 24u);
  EXPECT_EQ(CountLabel("ExportControl"), 15u);
  EXPECT_EQ(CountLabel("ChipModel"), 14u);
  EXPECT_EQ(CountLabel("ComputeProvider"), 9u);
  EXPECT_EQ(CountLabel("PolicyActor"), 18u);
  EXPECT_EQ(CountType("ISSUES"), 24u);
  EXPECT_EQ(CountType("IMPOSES"), 15u);
  EXPECT_GT(CountType("REDEEMABLE_AT"), 10u);
  EXPECT_GT(CountType("OPERATES"), 10u);
  EXPECT_GT(CountType("RESTRICTS"), 5u);
  const uint64_t nodes = graph_->Counts().nodes, rels = graph_->Counts().rels;
  EXPECT_EQ(static_cast<uint64_t>(r.rows[0][Col("vouchers.load", "relationships")].as_int()), rels);

  // Loading again changes nothing.
  Rows again = Call("vouchers.load", {Value(kModel)});
  ASSERT_FALSE(again.failure) << again.failure->message;
  EXPECT_EQ(graph_->Counts().nodes, nodes);
  EXPECT_EQ(graph_->Counts().rels, rels);
  EXPECT_EQ(again.rows[0][Col("vouchers.load", "relationships")].as_int(), 0);

  // Spot checks: H100 restricted by E01, E02, then E03 from 23 Oct 2023 (no
  // end); H20 by E07 until the E09 licence (15% fee), and the PRC rules.
  auto h100 = Restricts("h100");
  ASSERT_TRUE(h100.count("E03"));
  EXPECT_EQ(h100["E03"], "2023-10-23..open fee 0");
  EXPECT_EQ(h100["E02"], "2022-10-07..2023-10-22 fee 0");
  auto h20 = Restricts("h20");
  EXPECT_EQ(h20["E07"], "2025-04-09..2025-08-10 fee 0");
  EXPECT_EQ(h20["E09"], "2025-08-11..open fee 0.15");
  EXPECT_TRUE(h20.count("E10"));
  EXPECT_TRUE(h20.count("E12"));
  EXPECT_FALSE(h20.count("E03"));  // legal under the Oct 2023 rule
  EXPECT_TRUE(Restricts("ascend 910c").empty());
}

TEST_F(ComputeVouchersPluginTest, LoadOfABadFileFailsAndNamesIt) {
  Rows missing = Call("vouchers.load", {Value(dir_.Sub("nope.json"))});
  ASSERT_TRUE(missing.failure);
  EXPECT_EQ(missing.failure->code, query::ErrorCode::kArgumentError);
  EXPECT_NE(missing.failure->message.find("nope.json"), std::string::npos) << missing.failure->message;
  {
    std::ofstream f(dir_.Sub("bad.json"));
    f << "{\"meta\": {\"hours_per_year\": 8760}, \"actors\": [";
  }
  Rows bad = Call("vouchers.load", {Value(dir_.Sub("bad.json"))});
  ASSERT_TRUE(bad.failure);
  EXPECT_EQ(bad.failure->code, query::ErrorCode::kProcedureError);
  EXPECT_NE(bad.failure->message.find("bad.json"), std::string::npos) << bad.failure->message;
  EXPECT_EQ(graph_->Counts().nodes, 0u);  // nothing written
  // The model still answers with its previous data.
  Rows legal = Call("chips.legal", {Value("H20"), Value("2024-01-01")});
  EXPECT_FALSE(legal.failure);
}

TEST_F(ComputeVouchersPluginTest, LegalityOfH20AndH100) {
  Date jan2024;
  ASSERT_TRUE(ParseIsoDate("2024-01-01", &jan2024));
  Rows h20 = Call("chips.legal", {Value("H20"), Value(jan2024)});
  ASSERT_FALSE(h20.failure) << h20.failure->message;
  ASSERT_EQ(h20.rows.size(), 1u);
  EXPECT_TRUE(h20.rows[0][Col("chips.legal", "legal")].as_bool());
  EXPECT_FALSE(h20.rows[0][Col("chips.legal", "controlled")].as_bool());
  EXPECT_EQ(h20.rows[0][Col("chips.legal", "tpp")].as_number(), 2368);
  Rows h100 = Call("chips.legal", {Value("H100"), Value("2024-01-01")});  // ISO string works too
  ASSERT_FALSE(h100.failure);
  EXPECT_FALSE(h100.rows[0][Col("chips.legal", "legal")].as_bool());
  EXPECT_EQ(h100.rows[0][Col("chips.legal", "rule")].as_string(), "E03");

  Rows bad_date = Call("chips.legal", {Value("H20"), Value("January 2024")});
  ASSERT_TRUE(bad_date.failure);
  EXPECT_EQ(bad_date.failure->code, query::ErrorCode::kArgumentError);
  EXPECT_NE(bad_date.failure->message.find("date"), std::string::npos);
  Rows bad_chip = Call("chips.legal", {Value("Z9000"), Value("2024-01-01")});
  ASSERT_TRUE(bad_chip.failure);
  EXPECT_NE(bad_chip.failure->message.find("Z9000"), std::string::npos);
}

TEST_F(ComputeVouchersPluginTest, BadScenariosRaiseArgumentErrorNamingTheParameter) {
  struct Case {
    Value::Map scenario;
    std::string param;
  };
  const std::vector<Case> cases = {
      {M({{"budgets", Value(M({{"V10", Value(-1)}}))}}), "budgets.V10"},
      {M({{"no_such_knob", Value(1)}}), "no_such_knob"},
      {M({{"utilisation", Value("most")}}), "utilisation"},
      {M({{"tighten_date", Value("2025-02-30")}}), "tighten_date"},
  };
  for (const auto& c : cases) {
    Rows r = Call("vouchers.simulate", {Value(c.scenario)});
    ASSERT_TRUE(r.failure) << c.param;
    EXPECT_EQ(r.failure->code, query::ErrorCode::kArgumentError) << c.param;
    EXPECT_NE(r.failure->message.find(c.param), std::string::npos) << r.failure->message;
    EXPECT_TRUE(r.rows.empty());
  }
}

TEST_F(ComputeVouchersPluginTest, CapacityFlowAndSimulateRows) {
  Rows cap = Call("vouchers.capacity", {Value("V17"), Value(M({{"chip", Value("H100")}, {"price_cny_per_gpu_hour", Value(12.8)}}))});
  ASSERT_FALSE(cap.failure) << cap.failure->message;
  ASSERT_EQ(cap.rows.size(), 1u);
  EXPECT_NEAR(cap.rows[0][Col("vouchers.capacity", "gpu_hours")].as_number(), 78125, 1e-6);
  EXPECT_TRUE(cap.rows[0][Col("vouchers.capacity", "provider")].is_null());

  Rows flow = Call("chips.flow", {Value(M({{"end", Value("2024-12-31")}}))});
  ASSERT_FALSE(flow.failure) << flow.failure->message;
  double h20_2024 = 0;
  for (const auto& row : flow.rows)
    if (row[Col("chips.flow", "chip")].as_string() == "H20" && row[Col("chips.flow", "year")].as_int() == 2024 &&
        row[Col("chips.flow", "channel")].as_string() == "legal_import")
      h20_2024 += row[Col("chips.flow", "supply")].as_number();
  EXPECT_NEAR(h20_2024, 1e6, 1);

  Rows sim = Call("vouchers.simulate", {Value()});
  ASSERT_FALSE(sim.failure) << sim.failure->message;
  ASSERT_FALSE(sim.rows.empty());
  std::map<std::string, double> unmet;
  for (const auto& row : sim.rows) {
    EXPECT_GE(row[Col("vouchers.simulate", "unmet_gpu_hours")].as_number(), 0);
    unmet[row[Col("vouchers.simulate", "program")].as_string()] += row[Col("vouchers.simulate", "unmet_gpu_hours")].as_number();
  }
  EXPECT_TRUE(unmet.count("V10"));
  EXPECT_FALSE(unmet.count("V07"));  // model voucher: not simulated

  Rows zero = Call("vouchers.simulate", {Value(M({{"budgets", Value(M({{"V10", Value(0)}}))}, {"programs", Value(Value::List{Value("V10")})}}))});
  ASSERT_FALSE(zero.failure) << zero.failure->message;
  ASSERT_FALSE(zero.rows.empty());
  for (const auto& row : zero.rows) EXPECT_EQ(row[Col("vouchers.simulate", "subsidy_cny")].as_number(), 0);

  Rows params = Call("vouchers.parameters", {});
  ASSERT_FALSE(params.failure);
  EXPECT_GT(params.rows.size(), 10u);
}

// Procedures run in parallel with each other and with a load (each call
// works on its own snapshot of the model data).
TEST_F(ComputeVouchersPluginTest, ParallelCallsDuringALoad) {
  const auto* simulate = registry_.Find("vouchers.simulate");
  ASSERT_NE(simulate, nullptr);
  std::vector<std::thread> threads;
  std::vector<size_t> rows(4, 0);
  std::vector<bool> failed(4, false);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) {
        auto snap = graph_->NewSnapshot();
        query::ProcedureContext ctx{graph_.get(), snap.get(), nullptr};
        size_t n = 0;
        auto failure = simulate->second({Value()}, ctx, [&](std::vector<Value>) { return ++n, true; });
        if (failure) failed[t] = true;
        rows[t] = n;
      }
    });
  }
  Rows load = Call("vouchers.load", {Value(kModel)});
  for (auto& th : threads) th.join();
  EXPECT_FALSE(load.failure);
  for (int t = 0; t < 4; ++t) {
    EXPECT_FALSE(failed[t]);
    EXPECT_EQ(rows[t], rows[0]);
    EXPECT_GT(rows[t], 100u);
  }
}

}  // namespace
}  // namespace trendgraph

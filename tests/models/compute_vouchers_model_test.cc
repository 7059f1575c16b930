// The compute-voucher model core on its own: hand-computed cases for each
// equation on small synthetic data, the real data set's legality and worked
// example, strict scenario parsing, and the model's invariants over many
// seeded random scenarios.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>
#include <string>

#include "chip_flow.h"
#include "legality.h"
#include "model_data.h"
#include "scenario.h"
#include "vouchers.h"

namespace compute_vouchers {
namespace {

const std::string kModelPath = std::string(TRENDGRAPH_SOURCE_DIR) + "/examples/compute_vouchers/model.json";

const ModelData& Real() {
  static const ModelData* data = [] {
    auto r = LoadModelData(kModelPath);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return new ModelData(std::move(r).value());
  }();
  return *data;
}

Scenario Parse(const ModelData& data, ParamValue::Map m) {
  auto r = ParseScenario(data, ParamValue(std::move(m)));
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : Scenario{};
}

ModelError ParseError(const ModelData& data, ParamValue::Map m) {
  auto r = ParseScenario(data, ParamValue(std::move(m)));
  EXPECT_FALSE(r.ok());
  return r.ok() ? ModelError{} : r.error();
}

// A small model: H100 (reference, foreign, no controls), one domestic chip,
// one programme; every number chosen so the quarters can be computed by hand.
std::string SyntheticJson(const std::string& program_overrides = "", const std::string& schedule_overrides = "") {
  return R"({
 "meta": {"domain_sha256": "x", "hours_per_year": 8760},
 "actors": [{"name": "testville", "display": "Testville", "kind": "city government", "level": "city", "country": "CN", "source": "test", "estimate": false}],
 "chips": [
  {"id": "C03", "name": "h100", "display": "H100", "model": "H100", "vendor": "Nvidia", "origin": "foreign", "origin_text": "US",
   "status_in_china": "", "tflops_fp16": 1000, "memory_gb": 80, "interconnect_gb_s": 900, "die_area_mm2": 800, "price_usd": 30000,
   "tpp": 16000, "pd": 20, "launch": "2020-01-01", "dies_per_package": 1, "hbm_stacks": 5, "source": "test", "estimate": false},
  {"id": "C10", "name": "dom", "display": "Dom", "model": "Dom", "vendor": "X", "origin": "domestic", "origin_text": "China",
   "status_in_china": "", "tflops_fp16": 500, "memory_gb": 64, "interconnect_gb_s": null, "die_area_mm2": null, "price_usd": null,
   "tpp": 8000, "pd": null, "launch": "2020-01-01", "dies_per_package": 2, "hbm_stacks": 4, "source": "test", "estimate": false}],
 "controls": [],
 "programs": [{"id": "T1", "actor": "testville", "issuer": "Testville", "instrument": "compute voucher", "name": "t", "year": 2023,
   "first_year": 2023, "last_year": 2023, "budget_cny": 1000, "budget_basis": "per year", "budget_reset": "yearly",
   "budget_cny_per_year": 1000, "cap_cny": 300, "cap_basis": "", "share": 0.5, "domestic_share": 0.5, "eligibility": "",
   "redeemable_for": "", "simulate": true, "providers": [], "curation_note": "", "source": "test", "estimate": false)" +
         program_overrides + R"(}],
 "providers": [], "operates": [],
 "parameters": [],
 "schedules": {
  "legal_demand": {"H100": {"source": "test", "estimate": false, "note": "", "years": {"2023": 365000}}},
  "smuggling": {"source": "test", "estimate": false, "note": "", "years": {}},
  "smuggling_mix": {"source": "test", "estimate": false, "note": "", "years": {}},
  "domestic_capacity": {"source": "test", "estimate": false, "note": "", "years": {"2023": 400}},
  "domestic_product": {"source": "test", "estimate": false, "note": "", "from": {"2020-01-01": "Dom"}},
  "price_path": {"source": "test", "estimate": false, "note": "", "points": {"2020-01-01": 2.0}})" +
         schedule_overrides + R"(}
})";
}

ModelData Synthetic(const std::string& program_overrides = "") {
  auto r = ParseModelData(SyntheticJson(program_overrides));
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? std::move(r).value() : ModelData{};
}

// ---------------------------------------------------------------------------
// Calendar and data

TEST(Calendar, DaysAndQuarters) {
  Day d;
  ASSERT_TRUE(ParseDay("2024-02-29", &d));
  EXPECT_EQ(FormatDay(d), "2024-02-29");
  EXPECT_EQ(DayFromCivil(1970, 1, 1).days, 0);
  EXPECT_EQ(DayFromCivil(2024, 1, 1).days, 19723);
  EXPECT_FALSE(ParseDay("2023-02-29", &d));
  EXPECT_FALSE(ParseDay("2024-13-01", &d));
  EXPECT_FALSE(ParseDay("24-01-01", &d));
  const Quarter q = Quarter::Of(DayFromCivil(2025, 8, 11));
  EXPECT_EQ(q.label(), "2025Q3");
  EXPECT_EQ(FormatDay(q.first_day()), "2025-07-01");
  EXPECT_EQ(FormatDay(q.last_day()), "2025-09-30");
  EXPECT_EQ(q.days(), 92);
  EXPECT_EQ(NormaliseName("  Shanghai   Compute\tPlatform "), "shanghai compute platform");
}

TEST(ModelDataTest, RealDataLoadsWithSourcesOnEveryRecord) {
  const ModelData& m = Real();
  EXPECT_EQ(m.programs.size(), 24u);
  EXPECT_EQ(m.controls.size(), 15u);
  EXPECT_EQ(m.chips.size(), 14u);
  EXPECT_FALSE(m.providers.empty());
  for (const auto& p : m.programs) EXPECT_FALSE(p.prov.source.empty()) << p.id;
  for (const auto& c : m.controls) EXPECT_FALSE(c.prov.source.empty()) << c.id;
  for (const auto& c : m.chips) EXPECT_FALSE(c.prov.source.empty()) << c.id;
  for (const auto& o : m.operates) EXPECT_TRUE(o.prov.estimate) << o.provider;  // no sourced fleets exist
  ASSERT_NE(m.FindChip("H20"), nullptr);
  EXPECT_EQ(m.FindChip("h20"), m.FindChip("C05"));
  EXPECT_DOUBLE_EQ(*m.FindChip("H20")->tpp, 2368);
  EXPECT_DOUBLE_EQ(*m.FindProgram("V10")->share, 0.20);
  EXPECT_DOUBLE_EQ(*m.FindProgram("V10")->domestic_share, 0.30);
  EXPECT_DOUBLE_EQ(*m.FindProgram("V11")->budget_per_year, 250e6);
}

TEST(ModelDataTest, MalformedDataNamesTheProblem) {
  auto bad_json = ParseModelData("{\"meta\": ");
  ASSERT_FALSE(bad_json.ok());
  EXPECT_EQ(bad_json.error().kind, ModelError::Kind::kData);
  EXPECT_NE(bad_json.error().message.find("invalid JSON"), std::string::npos);

  std::string text = SyntheticJson();
  text.replace(text.find("\"launch\": \"2020-01-01\""), 22, "\"launch\": \"2020-02-30\"");
  auto bad_date = ParseModelData(text);
  ASSERT_FALSE(bad_date.ok());
  EXPECT_NE(bad_date.error().message.find("chip C03"), std::string::npos) << bad_date.error().message;
  EXPECT_NE(bad_date.error().message.find("launch"), std::string::npos);

  auto missing = LoadModelData("/nonexistent/model.json");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().param, "path");
}

// ---------------------------------------------------------------------------
// Scenario parsing

TEST(ScenarioTest, DefaultsComeFromTheData) {
  auto r = ParseScenario(Real(), ParamValue());
  ASSERT_TRUE(r.ok());
  EXPECT_DOUBLE_EQ(r.value().utilisation, 0.30);
  EXPECT_DOUBLE_EQ(r.value().hbm_stock, 13e6);
  EXPECT_DOUBLE_EQ(r.value().die_bank, 2e6);
  EXPECT_EQ(FormatDay(r.value().start), "2022-01-01");
  EXPECT_DOUBLE_EQ(r.value().PriceOn(Real(), DayFromCivil(2025, 6, 1)), 12.84);
  EXPECT_DOUBLE_EQ(r.value().PriceOn(Real(), DayFromCivil(2023, 6, 1)), 30.82);
}

TEST(ScenarioTest, BadScenariosNameTheParameter) {
  const ModelData& m = Real();
  ModelError e = ParseError(m, {{"budgets", ParamValue::Map{{"V10", -5}}}});
  EXPECT_EQ(e.kind, ModelError::Kind::kArgument);
  EXPECT_EQ(e.param, "budgets.V10");
  EXPECT_NE(e.message.find("budgets.V10 must be >= 0"), std::string::npos) << e.message;

  e = ParseError(m, {{"smugling_scale", 2}});
  EXPECT_EQ(e.param, "smugling_scale");
  EXPECT_NE(e.message.find("unknown key 'smugling_scale'"), std::string::npos) << e.message;

  e = ParseError(m, {{"utilisation", "high"}});
  EXPECT_EQ(e.param, "utilisation");
  EXPECT_NE(e.message.find("must be a number, got STRING"), std::string::npos) << e.message;

  e = ParseError(m, {{"tighten_date", "2024-13-45"}});
  EXPECT_EQ(e.param, "tighten_date");
  EXPECT_NE(e.message.find("cannot parse date '2024-13-45'"), std::string::npos) << e.message;

  e = ParseError(m, {{"budgets", ParamValue::Map{{"V99", 1}}}});
  EXPECT_EQ(e.param, "budgets.V99");
  e = ParseError(m, {{"shares", ParamValue::Map{{"V10", 1.5}}}});
  EXPECT_EQ(e.param, "shares.V10");
  e = ParseError(m, {{"end", "2021-01-01"}});
  EXPECT_EQ(e.param, "end");
  e = ParseError(m, {{"programs", ParamValue::List{"V01", 3}}});
  EXPECT_EQ(e.param, "programs");
  e = ParseError(m, {{"chip", "Z9000"}});
  EXPECT_EQ(e.param, "chip");
  auto not_map = ParseScenario(m, ParamValue("x"));
  ASSERT_FALSE(not_map.ok());
  EXPECT_EQ(not_map.error().param, "scenario");
}

TEST(ScenarioTest, DatesAsDateOrIsoString) {
  Scenario a = Parse(Real(), {{"tighten_date", DayFromCivil(2024, 6, 1)}});
  Scenario b = Parse(Real(), {{"tighten_date", "2024-06-01"}});
  ASSERT_TRUE(a.tighten_date && b.tighten_date);
  EXPECT_EQ(*a.tighten_date, *b.tighten_date);
  Scenario c = Parse(Real(), {{"utilisation", ParamValue()}});  // null = default
  EXPECT_DOUBLE_EQ(c.utilisation, 0.30);
}

// ---------------------------------------------------------------------------
// Legality

Legality LegalOn(const char* chip, int y, unsigned mo, unsigned d, ParamValue::Map scenario = {}) {
  const ModelData& m = Real();
  return EvaluateLegality(m, *m.FindChip(chip), DayFromCivil(y, mo, d), Parse(m, std::move(scenario)));
}

TEST(LegalityTest, H20LegalUnderOct2023RuleByTppH100Not) {
  Legality h20 = LegalOn("H20", 2024, 1, 1);
  EXPECT_FALSE(h20.controlled);
  EXPECT_TRUE(h20.legal);
  EXPECT_NE(h20.test.find("PD 2.92 < 5.92"), std::string::npos) << h20.test;
  EXPECT_NE(h20.test.find("E03"), std::string::npos) << h20.test;

  Legality h100 = LegalOn("H100", 2024, 1, 1);
  EXPECT_TRUE(h100.controlled);
  EXPECT_FALSE(h100.legal);
  EXPECT_EQ(h100.rule, "E03");
  EXPECT_NE(h100.test.find("TPP 15824 >= 4800"), std::string::npos) << h100.test;
}

TEST(LegalityTest, RulesByDate) {
  // Oct 2022 rule: the interconnect cut keeps A800/H800 legal; A100 caught.
  EXPECT_TRUE(LegalOn("H800", 2023, 6, 1).legal);
  EXPECT_TRUE(LegalOn("A800", 2023, 6, 1).legal);
  EXPECT_EQ(LegalOn("A100", 2023, 6, 1).rule, "E02");
  EXPECT_EQ(LegalOn("A100", 2022, 9, 1).rule, "E01");
  EXPECT_TRUE(LegalOn("A100", 2022, 8, 1).legal);
  // Oct 2023 rule (effective 23 Oct) catches them.
  EXPECT_TRUE(LegalOn("H800", 2023, 10, 22).legal);
  EXPECT_EQ(LegalOn("H800", 2023, 10, 23).rule, "E03");
  // H20: licence required Apr 2025, licensed with a 15% fee Aug 2025.
  Legality apr = LegalOn("H20", 2025, 5, 1);
  EXPECT_FALSE(apr.legal);
  EXPECT_EQ(apr.rule, "E07");
  Legality sep = LegalOn("H20", 2025, 9, 1);
  EXPECT_TRUE(sep.legal);
  EXPECT_TRUE(sep.licensed);
  EXPECT_EQ(sep.rule, "E09");
  EXPECT_DOUBLE_EQ(sep.fee, 0.15);
  EXPECT_DOUBLE_EQ(sep.prc_factor, 0.25);  // E10 chill
  EXPECT_EQ(sep.prc_rule, "E10");
  // H200: licensed Jan 2026 with 25%; the PRC side gates it twice.
  Legality h200 = LegalOn("H200", 2026, 2, 1);
  EXPECT_TRUE(h200.licensed);
  EXPECT_DOUBLE_EQ(h200.fee, 0.25);
  EXPECT_DOUBLE_EQ(h200.prc_factor, 0.5 * 0.5);  // E12 state-funded share, E15 approvals
  EXPECT_FALSE(LegalOn("H200", 2025, 12, 1).legal);
  EXPECT_FALSE(LegalOn("B200", 2026, 6, 1).legal);
  // Domestic chips are not subject to US export rules.
  Legality asc = LegalOn("Ascend 910C", 2025, 6, 1);
  EXPECT_FALSE(asc.subject);
  EXPECT_TRUE(asc.legal);
  // Scenario knobs.
  EXPECT_DOUBLE_EQ(LegalOn("H20", 2025, 9, 1, {{"licence_fee", 0.4}}).fee, 0.4);
  Legality tight = LegalOn("H20", 2024, 7, 1, {{"tighten_date", "2024-06-01"}, {"tighten_tpp_min", 2000}});
  EXPECT_FALSE(tight.legal);
  EXPECT_EQ(tight.rule, "scenario");
  EXPECT_TRUE(LegalOn("H20", 2024, 5, 31, {{"tighten_date", "2024-06-01"}, {"tighten_tpp_min", 2000}}).legal);
  // A tightening also overrides a licence.
  EXPECT_FALSE(LegalOn("H200", 2026, 2, 1, {{"tighten_date", "2025-01-01"}}).legal);
}

// ---------------------------------------------------------------------------
// Chip flow, by hand

TEST(ChipFlowTest, HandComputedQuarters) {
  const ModelData m = Synthetic();
  // Service life 1 year: a quarter retires 1/4 of the opening fleet.
  Scenario s = Parse(m, {{"start", "2023-01-01"}, {"end", "2023-06-30"}, {"service_life_years", 1}, {"utilisation", 0.5},
                         {"die_bank", 0}, {"smic_dies_per_year", 200}, {"domestic_yield", 1}});
  auto r = RunChipFlow(m, s);
  ASSERT_TRUE(r.ok()) << r.error().message;
  const auto& rows = r.value().rows;
  // Q1: H100 legal imports 365000/365 per day x 90 days; domestic: capacity 100,
  // dies 50 per quarter / 2 per package = 25 -> bound by dies.
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].chip->display, "H100");
  EXPECT_EQ(rows[0].channel, Channel::kLegalImport);
  EXPECT_NEAR(rows[0].supply, 90000, 1e-6);
  EXPECT_NEAR(rows[0].fleet, 90000, 1e-6);
  EXPECT_NEAR(rows[0].legal_share, 1.0, 1e-12);
  EXPECT_NEAR(rows[0].capacity_pflops, 90000 * 1000 / 1000.0, 1e-6);
  EXPECT_NEAR(rows[0].gpu_hours, 90000 * 2190 * 0.5, 1e-3);
  EXPECT_NEAR(rows[0].pflop_days, 90000 * 0.5 * 2190 / 24.0, 1e-3);
  EXPECT_EQ(rows[1].chip->display, "Dom");
  EXPECT_NEAR(rows[1].supply, 25, 1e-9);
  EXPECT_EQ(rows[1].bound, "dies");
  // Q2: retire 1/4 of 90000, add 91 days.
  EXPECT_NEAR(rows[2].retired, 22500, 1e-6);
  EXPECT_NEAR(rows[2].supply, 91000, 1e-6);
  EXPECT_NEAR(rows[2].fleet, 90000 - 22500 + 91000, 1e-6);
  EXPECT_NEAR(rows[2].cumulative_in, rows[2].fleet + rows[2].cumulative_retired, 1e-6);
  EXPECT_NEAR(rows[3].fleet, 25 * 0.75 + 25, 1e-9);
  // Capacity binds when dies are plenty.
  Scenario s2 = Parse(m, {{"start", "2023-01-01"}, {"end", "2023-03-31"}, {"smic_dies_per_year", 1e6}});
  auto r2 = RunChipFlow(m, s2);
  ASSERT_TRUE(r2.ok());
  EXPECT_NEAR(r2.value().rows[1].supply, 100, 1e-9);
  EXPECT_EQ(r2.value().rows[1].bound, "capacity");
  // Idle H100-equivalent hours: fleet x TFLOPS/1000 x 2190 x (1 - u).
  const auto& q = r.value().quarters[0];
  EXPECT_NEAR(q.h100e_idle_hours, (90000 * 1.0 + 25 * 0.5) * 2190 * 0.5, 1e-3);
  EXPECT_NEAR(q.domestic_pflops, 25 * 0.5, 1e-9);
}

TEST(ChipFlowTest, RealDataChannelsAndHbmBound) {
  const ModelData& m = Real();
  auto r = RunChipFlow(m, Parse(m, {}));
  ASSERT_TRUE(r.ok()) << r.error().message;
  const auto& qs = r.value().quarters;
  ASSERT_EQ(qs.size(), 24u);
  // 2024: H20 arrives legally (1M/yr before the PRC chill), smuggling 140k/yr.
  double h20_2024 = 0, smuggled_2024 = 0;
  for (const auto& row : r.value().rows) {
    if (row.quarter.year() != 2024) continue;
    if (row.chip->display == "H20" && row.channel == Channel::kLegalImport) h20_2024 += row.supply;
    if (row.channel == Channel::kSmuggled) smuggled_2024 += row.supply;
  }
  EXPECT_NEAR(h20_2024, 1e6, 1.0);
  EXPECT_NEAR(smuggled_2024, 140000, 1.0);
  // Domestic output: 2022 is capacity-bound at 50k/yr.
  EXPECT_NEAR(qs[0].domestic_supply, 12500, 1e-6);
  // A tighter HBM stock binds.
  auto tight = RunChipFlow(m, Parse(m, {{"hbm_stock", 100000}}));
  ASSERT_TRUE(tight.ok());
  bool hbm_bound = false;
  for (const auto& row : tight.value().rows)
    if (row.channel == Channel::kDomestic && row.bound == "hbm") hbm_bound = true;
  EXPECT_TRUE(hbm_bound);
}

// ---------------------------------------------------------------------------
// Vouchers, by hand

TEST(VoucherTest, HandComputedBudgetCapAndUnmetDemand) {
  // 2 firms, 400 GPU-hours/yr each (100 a quarter), price 2, share 0.5:
  // each firm claims 0.5 x 100 x 2 = 100 a quarter; the cap of 300 per firm
  // per year is reached after Q3; the budget of 1000 does not bind.
  const ModelData m = Synthetic();
  Scenario s = Parse(m, {{"start", "2023-01-01"}, {"end", "2023-12-31"}, {"firms", 2}, {"demand_gpu_hours_per_firm", 400}});
  auto r = SimulateVouchers(m, s);
  ASSERT_TRUE(r.ok()) << r.error().message;
  const auto& rows = r.value().rows;
  ASSERT_EQ(rows.size(), 4u);
  const double paid[] = {200, 200, 200, 0};
  for (int i = 0; i < 4; ++i) {
    EXPECT_NEAR(rows[i].subsidy_cny, paid[i], 1e-9) << i;
    EXPECT_NEAR(rows[i].demand_gpu_hours, 200, 1e-9);
    EXPECT_NEAR(rows[i].delivered_gpu_hours, paid[i] / (0.5 * 2), 1e-9);
    EXPECT_NEAR(rows[i].unmet_gpu_hours, 200 - paid[i] / (0.5 * 2), 1e-9);
    EXPECT_DOUBLE_EQ(rows[i].capacity_factor, 1.0);
  }
  EXPECT_NEAR(*rows[1].budget_cny, 800, 1e-9);
  EXPECT_NEAR(rows[2].budget_used_cny, 600, 1e-9);
  EXPECT_NEAR(rows[0].delivered_pflop_days, 200 * 1000 / 1000.0 / 24.0, 1e-9);

  // A budget of 250: 200 in Q1, the last 50 in Q2, nothing after.
  Scenario tight = Parse(m, {{"start", "2023-01-01"}, {"end", "2023-12-31"}, {"firms", 2},
                             {"demand_gpu_hours_per_firm", 400}, {"budgets", ParamValue::Map{{"T1", 250}}}});
  auto r2 = SimulateVouchers(m, tight);
  ASSERT_TRUE(r2.ok());
  EXPECT_NEAR(r2.value().rows[0].subsidy_cny, 200, 1e-9);
  EXPECT_NEAR(r2.value().rows[1].subsidy_cny, 50, 1e-9);
  EXPECT_NEAR(r2.value().rows[2].subsidy_cny, 0, 1e-9);
  EXPECT_NEAR(r2.value().rows[1].unmet_gpu_hours, 200 - 50, 1e-9);

  // A zero budget delivers nothing.
  auto r3 = SimulateVouchers(m, Parse(m, {{"budgets", ParamValue::Map{{"T1", 0}}}}));
  ASSERT_TRUE(r3.ok());
  for (const auto& row : r3.value().rows) {
    EXPECT_EQ(row.subsidy_cny, 0);
    EXPECT_EQ(row.delivered_gpu_hours, 0);
  }
}

TEST(VoucherTest, IdleCapacityLimitsDelivery) {
  // Demand far above the fleet's idle hours: delivery is scaled to them.
  std::string text = SyntheticJson();
  for (std::string key : {"\"budget_cny\": ", "\"budget_cny_per_year\": "}) {
    const std::string from = key + "1000";
    text.replace(text.find(from), from.size(), key + "null");
  }
  auto parsed = ParseModelData(text);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  const ModelData& m = parsed.value();
  Scenario s = Parse(m, {{"start", "2023-01-01"}, {"end", "2023-03-31"}, {"firms", 1e6}, {"caps", ParamValue::Map{{"T1", 1e15}}}});
  auto r = SimulateVouchers(m, s);
  ASSERT_TRUE(r.ok()) << r.error().message;
  const auto& row = r.value().rows[0];
  const double idle = r.value().flow.quarters[0].h100e_idle_hours;
  EXPECT_LT(row.capacity_factor, 1.0);
  EXPECT_NEAR(row.delivered_gpu_hours, idle, idle * 1e-9);
  EXPECT_FALSE(row.budget_cny.has_value());  // unknown budget: unbounded
}

TEST(VoucherTest, WorkedExampleCapacity) {
  // A typical voucher of 1-2M CNY buys about 78k-156k H100 GPU-hours at 12.8
  // CNY per GPU-hour. Henan's cap is 1M, Beijing's 2M.
  const ModelData& m = Real();
  auto henan = VoucherCapacity(m, *m.FindProgram("V17"), Parse(m, {{"chip", "H100"}, {"price_cny_per_gpu_hour", 12.8}}));
  ASSERT_TRUE(henan.ok()) << henan.error().message;
  ASSERT_EQ(henan.value().size(), 1u);
  EXPECT_EQ(henan.value()[0].provider, nullptr);  // no Henan provider runs H100: the open market
  EXPECT_NEAR(henan.value()[0].gpu_hours, 78125, 1e-6);
  auto beijing = VoucherCapacity(m, *m.FindProgram("V03"), Parse(m, {{"chip", "H100"}, {"price_cny_per_gpu_hour", 12.8}}));
  ASSERT_TRUE(beijing.ok());
  EXPECT_NEAR(beijing.value()[0].gpu_hours, 156250, 1e-6);
  EXPECT_NEAR(beijing.value()[0].gpu_hours / 8760, 17.8, 0.1);  // about 18 GPU-years
  // One 8x H100 server for 12 months at 75k CNY/month = 900k CNY = 70,080
  // GPU-hours; Beijing's 20% voucher is 180k and co-funds exactly that.
  auto server = VoucherCapacity(m, *m.FindProgram("V03"),
                                Parse(m, {{"chip", "H100"}, {"voucher_cny", 180000}, {"price_cny_per_gpu_hour", 900000.0 / 70080}}));
  ASSERT_TRUE(server.ok());
  EXPECT_NEAR(server.value()[0].contract_gpu_hours, 70080, 1e-6);
  EXPECT_NEAR(server.value()[0].net_price * 70080, 720000, 1e-6);
  // At a listed provider: Beijing partners price at 55% of market (P07).
  auto h20 = VoucherCapacity(m, *m.FindProgram("V03"), Parse(m, {{"chip", "H20"}, {"date", "2025-06-01"}}));
  ASSERT_TRUE(h20.ok());
  ASSERT_EQ(h20.value().size(), 1u);
  ASSERT_NE(h20.value()[0].provider, nullptr);
  EXPECT_EQ(h20.value()[0].provider->display, "Beijing compute partners");
  EXPECT_NEAR(h20.value()[0].price, 12.84 * 148 / 989 * 0.55, 1e-9);
  EXPECT_NEAR(h20.value()[0].gpu_hours, 2e6 / (12.84 * 148 / 989 * 0.55), 1e-6);
  // Without a chip: every chip of every listed provider.
  auto all = VoucherCapacity(m, *m.FindProgram("V10"), Parse(m, {}));
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all.value().size(), 2u);
  for (const auto& row : all.value())  // Hangzhou: 30% domestic, 20% foreign
    EXPECT_DOUBLE_EQ(row.share, row.chip->foreign ? 0.20 : 0.30);
}

// ---------------------------------------------------------------------------
// Properties over seeded random scenarios

class RandomScenarios {
 public:
  explicit RandomScenarios(uint32_t seed) : rng_(seed) {}
  double U(double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng_); }
  bool Coin() { return U(0, 1) < 0.5; }
  ParamValue::Map Next(const ModelData& m) {
    ParamValue::Map s;
    s["utilisation"] = U(0.05, 1.0);
    s["service_life_years"] = U(1, 8);
    s["smuggling_scale"] = U(0, 3);
    s["domestic_ramp"] = U(0, 3);
    s["domestic_yield"] = U(0.1, 1.0);
    s["hbm_stock"] = U(0, 2e7);
    s["die_bank"] = U(0, 3e6);
    s["legal_demand_scale"] = U(0, 2);
    s["fee_elasticity"] = U(0, 3);
    s["firms"] = U(0, 500);
    s["demand_gpu_hours_per_firm"] = U(0, 5e5);
    s["budget_scale"] = U(0, 3);
    if (Coin()) s["price_cny_per_gpu_hour"] = U(1, 40);
    if (Coin()) s["licence_fee"] = U(0, 0.5);
    if (Coin()) {
      s["tighten_date"] = DayFromCivil(2022 + static_cast<int>(U(0, 6)), 1 + static_cast<unsigned>(U(0, 12)), 1);
      s["tighten_tpp_min"] = U(1000, 6000);
      s["tighten_alt_tpp_min"] = U(500, 3000);
      s["tighten_pd_min"] = U(1, 8);
    }
    ParamValue::Map shares, caps;
    for (const auto& p : m.programs) {
      if (!p.simulate) continue;
      if (Coin()) shares[p.id] = U(0, 1);
      if (Coin()) caps[p.id] = U(0, 1e7);
    }
    s["shares"] = shares;
    s["caps"] = caps;
    return s;
  }

 private:
  std::mt19937 rng_;
};

constexpr int kScenarios = 60;

TEST(ModelProperties, ChipsInEqualFleetPlusRetired) {
  const ModelData& m = Real();
  RandomScenarios gen(42);
  for (int i = 0; i < kScenarios; ++i) {
    auto r = RunChipFlow(m, Parse(m, gen.Next(m)));
    ASSERT_TRUE(r.ok()) << r.error().message;
    std::map<std::pair<std::string, int>, double> in, retired;
    for (const auto& row : r.value().rows) {
      auto key = std::make_pair(row.chip->name, static_cast<int>(row.channel));
      in[key] += row.supply;
      retired[key] += row.retired;
      EXPECT_NEAR(in[key], row.fleet + retired[key], 1e-6 * std::max(1.0, in[key])) << "scenario " << i;
      EXPECT_GE(row.fleet, -1e-9);
      EXPECT_GE(row.supply, 0);
    }
  }
}

TEST(ModelProperties, SubsidyWithinBudgetAndCaps) {
  const ModelData& m = Real();
  RandomScenarios gen(7);
  for (int i = 0; i < kScenarios; ++i) {
    Scenario s = Parse(m, gen.Next(m));
    auto r = SimulateVouchers(m, s);
    ASSERT_TRUE(r.ok()) << r.error().message;
    std::map<std::pair<std::string, int>, double> per_year;
    std::map<std::string, double> per_pool;
    for (const auto& row : r.value().rows) {
      const Program& p = *row.program;
      EXPECT_GE(row.subsidy_cny, 0);
      EXPECT_LE(row.delivered_gpu_hours, row.demand_gpu_hours * (1 + 1e-9) + 1e-9);
      per_year[{p.id, row.quarter.year()}] += row.subsidy_cny;
      per_pool[p.id] += row.subsidy_cny;
      // <= cap x firms, per year
      const double year_paid = per_year[{p.id, row.quarter.year()}];
      EXPECT_LE(year_paid, row.cap_cny * row.firms * (1 + 1e-9) + 1e-6) << p.id;
      if (p.reset == BudgetReset::kYearly && p.budget_per_year) {
        EXPECT_LE(year_paid, *p.budget_per_year * s.budget_scale * (1 + 1e-9) + 1e-6) << p.id;
      }
      if (p.reset == BudgetReset::kPool && p.budget_cny) {
        EXPECT_LE(per_pool[p.id], *p.budget_cny * s.budget_scale * (1 + 1e-9) + 1e-6) << p.id;
      }
    }
  }
}

TEST(ModelProperties, ZeroBudgetDeliversNoSubsidy) {
  const ModelData& m = Real();
  RandomScenarios gen(11);
  for (int i = 0; i < kScenarios / 3; ++i) {
    ParamValue::Map s = gen.Next(m);
    ParamValue::Map zero;
    for (const auto& p : m.programs) zero[p.id] = 0;
    s["budgets"] = zero;
    auto r = SimulateVouchers(m, Parse(m, s));
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_FALSE(r.value().rows.empty());
    for (const auto& row : r.value().rows) {
      EXPECT_EQ(row.subsidy_cny, 0) << row.program->id;
      EXPECT_EQ(row.delivered_gpu_hours, 0) << row.program->id;
    }
  }
}

TEST(ModelProperties, TighterControlsNeverRaiseForeignLegalSupply) {
  const ModelData& m = Real();
  RandomScenarios gen(2024);
  for (int i = 0; i < kScenarios; ++i) {
    ParamValue::Map base = gen.Next(m);
    ParamValue::Map tight = base;
    // Tighten: an earlier (or new) tightening date, lower thresholds, a
    // higher fee, smaller PRC factors.
    Day end = DayFromCivil(2027, 12, 31);
    Day base_date = base.count("tighten_date") ? base["tighten_date"].as_date() : end;
    tight["tighten_date"] = Day{base_date.days - static_cast<int32_t>(gen.U(0, 1500))};
    auto lower = [&](const char* key, double dflt) {
      const double v = base.count(key) ? base[key].as_number() : dflt;
      tight[key] = v * gen.U(0.3, 1.0);
      if (!base.count(key)) base[key] = v;
    };
    lower("tighten_tpp_min", 4800);
    lower("tighten_alt_tpp_min", 1600);
    lower("tighten_pd_min", 5.92);
    const double fee = base.count("licence_fee") ? base["licence_fee"].as_number() : 0.25;
    tight["licence_fee"] = fee + gen.U(0, 0.5);
    if (!base.count("licence_fee") && gen.Coin()) tight.erase("licence_fee");  // rule fees stay
    tight["prc_h20_factor"] = 0.25 * gen.U(0, 1);
    tight["prc_h200_factor"] = 0.5 * gen.U(0, 1);
    tight["prc_state_funded_share"] = 0.5 + 0.5 * gen.U(0, 1);
    if (!tight.count("licence_fee") && base.count("licence_fee")) continue;

    auto a = RunChipFlow(m, Parse(m, base));
    auto b = RunChipFlow(m, Parse(m, tight));
    ASSERT_TRUE(a.ok() && b.ok());
    ASSERT_EQ(a.value().quarters.size(), b.value().quarters.size());
    for (size_t q = 0; q < a.value().quarters.size(); ++q) {
      EXPECT_LE(b.value().quarters[q].foreign_legal_supply, a.value().quarters[q].foreign_legal_supply * (1 + 1e-9) + 1e-6)
          << "scenario " << i << " quarter " << a.value().quarters[q].quarter.label();
    }
  }
}

}  // namespace
}  // namespace compute_vouchers

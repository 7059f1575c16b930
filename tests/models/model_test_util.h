// Helpers shared by the compute_vouchers model core tests: the real data
// set, scenario parsing that records failures, and a small synthetic data set
// whose quarters can be computed by hand.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "model_data.h"
#include "scenario.h"

namespace compute_vouchers::test_util {

inline const std::string kModelPath = std::string(TRENDGRAPH_SOURCE_DIR) + "/examples/compute_vouchers/model.json";

inline const ModelData& Real() {
  static const ModelData* data = [] {
    auto r = LoadModelData(kModelPath);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return new ModelData(std::move(r).value());
  }();
  return *data;
}

inline Scenario Parse(const ModelData& data, ParamValue::Map m) {
  auto r = ParseScenario(data, ParamValue(std::move(m)));
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : Scenario{};
}

inline ModelError ParseError(const ModelData& data, ParamValue::Map m) {
  auto r = ParseScenario(data, ParamValue(std::move(m)));
  EXPECT_FALSE(r.ok());
  return r.ok() ? ModelError{} : r.error();
}

// A small model: H100 (reference, foreign, no controls), one domestic chip,
// one programme; every number chosen so the quarters can be computed by hand.
inline std::string SyntheticJson(const std::string& program_overrides = "", const std::string& schedule_overrides = "") {
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

inline ModelData Synthetic(const std::string& program_overrides = "") {
  auto r = ParseModelData(SyntheticJson(program_overrides));
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? std::move(r).value() : ModelData{};
}

}  // namespace compute_vouchers::test_util

// compute_vouchers: the compute-voucher / chip-flow model as a trendgraph
// model plugin. Procedures (CALL ... YIELD):
//
//   vouchers.load(path)            writes the model's nodes and relationships
//   vouchers.parameters()          the scenario keys with defaults and sources
//   vouchers.capacity(program, options)
//   chips.legal(chip, date, scenario)
//   chips.flow(scenario)
//   vouchers.simulate(scenario)
//
// The model data (model.json) is read at init from the configured path
// (TRENDGRAPH_VOUCHERS_DATA), else the copy next to the sources; vouchers.load
// replaces it. Procedures work on an immutable snapshot of it (shared_ptr),
// so calls run in parallel with a load. Core: model/ (no host dependency).
#include <trendgraph/plugin.hpp>

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "chip_flow.h"
#include "legality.h"
#include "model_data.h"
#include "scenario.h"
#include "vouchers.h"

namespace compute_vouchers {
namespace {

namespace sdk = trendgraph::sdk;

#ifndef COMPUTE_VOUCHERS_DEFAULT_DATA
#define COMPUTE_VOUCHERS_DEFAULT_DATA ""
#endif

// tg_value -> ParamValue (deep copy: views die with the call).
ParamValue FromView(const sdk::ValueView& v) {
  switch (v.type()) {
    case TG_VALUE_BOOL: return ParamValue(v.AsBool());
    case TG_VALUE_INT: return ParamValue(v.AsInt());
    case TG_VALUE_DOUBLE: return ParamValue(v.AsDouble());
    case TG_VALUE_STRING: return ParamValue(std::string(v.AsString()));
    case TG_VALUE_DATE: return ParamValue(Day{static_cast<int32_t>(v.AsDateDays())});
    case TG_VALUE_LIST: {
      ParamValue::List items;
      for (size_t i = 0; i < v.size(); ++i) items.push_back(FromView(v[i]));
      return ParamValue(std::move(items));
    }
    case TG_VALUE_MAP: {
      ParamValue::Map m;
      for (size_t i = 0; i < v.size(); ++i) m[std::string(v.KeyAt(i))] = FromView(v.ValueAt(i));
      return ParamValue(std::move(m));
    }
    default: return ParamValue();  // null; nodes/relationships are refused by the scenario parser's types
  }
}

sdk::Status ToStatus(const ModelError& e) {
  switch (e.kind) {
    case ModelError::Kind::kArgument: return sdk::Status::ArgumentError(e.message);
    case ModelError::Kind::kData: return sdk::Status::ProcedureError(e.message);
    case ModelError::Kind::kInternal: return sdk::Status::Internal(e.message);
  }
  return sdk::Status::ProcedureError(e.message);
}

sdk::OwnedValue Opt(const std::optional<double>& v) { return v ? sdk::OwnedValue(*v) : sdk::OwnedValue(); }
sdk::OwnedValue OptStr(const std::string& s) { return s.empty() ? sdk::OwnedValue() : sdk::OwnedValue(s); }
sdk::OwnedValue DateValue(Day d) { return sdk::OwnedValue(sdk::DateDays(d.days)); }

// Properties of one node or relationship being written; nulls are skipped
// (the store keeps no null properties).
class Props {
 public:
  Props& Add(std::string key, sdk::OwnedValue v) {
    if (v.view().type != TG_VALUE_NULL) items_.emplace_back(std::move(key), std::move(v));
    return *this;
  }
  Props& Add(std::string key, const std::optional<double>& v) { return Add(std::move(key), Opt(v)); }
  Props& Str(std::string key, const std::string& s) { return Add(std::move(key), OptStr(s)); }
  Props& Source(const Provenance& p) {
    Add("source", sdk::OwnedValue(p.source));
    return Add("estimate", sdk::OwnedValue(p.estimate));
  }
  // The C views; valid while this object lives and is not modified.
  const std::vector<tg_property>& View() {
    views_.clear();
    for (auto& [k, v] : items_) views_.push_back(sdk::Prop(k, v.view()));
    return views_;
  }

 private:
  std::vector<std::pair<std::string, sdk::OwnedValue>> items_;
  std::vector<tg_property> views_;
};

class ComputeVouchersPlugin : public sdk::ModelPlugin {
 public:
  sdk::Status Init() override {
    std::string path = COMPUTE_VOUCHERS_DEFAULT_DATA;
    if (auto configured = Config("vouchers.data")) path = *configured;
    if (!path.empty()) {
      auto r = LoadModelData(path);
      if (r.ok()) {
        data_ = std::make_shared<const ModelData>(std::move(r).value());
        data_path_ = path;
      } else {
        Log(TG_LOG_WARN, "compute_vouchers: " + r.error().message + "; CALL vouchers.load(path) to load model data");
      }
    }
    Register();
    return sdk::Status::Ok();
  }

 private:
  std::shared_ptr<const ModelData> Data(std::string* path = nullptr) const {
    std::lock_guard<std::mutex> lock(mu_);
    if (path) *path = data_path_;
    return data_;
  }

  // Reads scenario argument `index` (a map or null).
  static ModelResult<Scenario> ScenarioArg(const ModelData& data, sdk::ProcedureCall& call, size_t index,
                                           const char* name) {
    return ParseScenario(data, FromView(call.arg(index)), name);
  }

  static std::optional<sdk::Status> NeedData(const std::shared_ptr<const ModelData>& data) {
    if (data) return std::nullopt;
    return sdk::Status::ProcedureError("no compute-voucher model data loaded: CALL vouchers.load(path) first");
  }

  void Register() {
    using sdk::Column;
    using sdk::Param;
    const sdk::OwnedValue kNullDefault;

    AddProcedure({"vouchers.load",
                  "Loads the compute-voucher model data (model.json) into the graph: PolicyActor, VoucherProgram, "
                  "ExportControl, ChipModel, ComputeProvider and their relationships; replaces the model's data.",
                  {Param{"path", TG_TYPE_STRING, sdk::OwnedValue("")}},
                  {Column{"path", TG_TYPE_STRING}, Column{"nodes", TG_TYPE_INTEGER},
                   Column{"relationships", TG_TYPE_INTEGER}, Column{"domain_sha256", TG_TYPE_STRING}},
                  true},
                 [this](sdk::ProcedureCall& call) { return Load(call); });

    AddProcedure({"vouchers.parameters", "The scenario keys: default value, unit, source and estimate flag.",
                  {},
                  {Column{"key", TG_TYPE_STRING}, Column{"value", TG_TYPE_ANY}, Column{"unit", TG_TYPE_STRING},
                   Column{"source", TG_TYPE_STRING}, Column{"estimate", TG_TYPE_BOOLEAN}, Column{"note", TG_TYPE_STRING}},
                  false},
                 [this](sdk::ProcedureCall& call) { return Parameters(call); });

    AddProcedure({"vouchers.capacity",
                  "GPU-hours one voucher of a programme buys at each eligible provider and chip. options: "
                  "voucher_cny, chip, date, price_cny_per_gpu_hour, shares (and any scenario key).",
                  {Param{"program", TG_TYPE_STRING, std::nullopt}, Param{"options", TG_TYPE_ANY, kNullDefault}},
                  {Column{"program", TG_TYPE_STRING}, Column{"provider", TG_TYPE_ANY}, Column{"provider_kind", TG_TYPE_ANY},
                   Column{"chip", TG_TYPE_STRING}, Column{"origin", TG_TYPE_STRING}, Column{"units", TG_TYPE_FLOAT},
                   Column{"voucher_cny", TG_TYPE_FLOAT}, Column{"share", TG_TYPE_FLOAT},
                   Column{"price_cny_per_gpu_hour", TG_TYPE_FLOAT}, Column{"gpu_hours", TG_TYPE_FLOAT},
                   Column{"contract_gpu_hours", TG_TYPE_FLOAT}, Column{"net_price_cny_per_gpu_hour", TG_TYPE_FLOAT}},
                  false},
                 [this](sdk::ProcedureCall& call) { return Capacity(call); });

    AddProcedure({"chips.legal",
                  "Whether a chip is under US export control on a date, by which rule (TPP / performance-density "
                  "tests and chip-specific rules), the licence fee, and the PRC-side gate.",
                  {Param{"chip", TG_TYPE_STRING, std::nullopt}, Param{"date", TG_TYPE_ANY, std::nullopt},
                   Param{"scenario", TG_TYPE_ANY, kNullDefault}},
                  {Column{"chip", TG_TYPE_STRING}, Column{"date", TG_TYPE_DATE}, Column{"controlled", TG_TYPE_BOOLEAN},
                   Column{"licensed", TG_TYPE_BOOLEAN}, Column{"legal", TG_TYPE_BOOLEAN}, Column{"rule", TG_TYPE_ANY},
                   Column{"test", TG_TYPE_STRING}, Column{"fee", TG_TYPE_FLOAT}, Column{"tpp", TG_TYPE_ANY},
                   Column{"pd", TG_TYPE_ANY}, Column{"prc_factor", TG_TYPE_FLOAT}, Column{"prc_rule", TG_TYPE_ANY}},
                  false},
                 [this](sdk::ProcedureCall& call) { return Legal(call); });

    AddProcedure({"chips.flow",
                  "Per quarter, chip and channel: supply, retirement, installed fleet and the compute it delivers.",
                  {Param{"scenario", TG_TYPE_ANY, kNullDefault}},
                  {Column{"quarter", TG_TYPE_STRING}, Column{"year", TG_TYPE_INTEGER}, Column{"q", TG_TYPE_INTEGER},
                   Column{"chip", TG_TYPE_STRING}, Column{"origin", TG_TYPE_STRING}, Column{"channel", TG_TYPE_STRING},
                   Column{"supply", TG_TYPE_FLOAT}, Column{"retired", TG_TYPE_FLOAT}, Column{"fleet", TG_TYPE_FLOAT},
                   Column{"capacity_pflops", TG_TYPE_FLOAT}, Column{"gpu_hours", TG_TYPE_FLOAT},
                   Column{"pflop_days", TG_TYPE_FLOAT}, Column{"legal_share", TG_TYPE_ANY}, Column{"fee", TG_TYPE_ANY},
                   Column{"bound", TG_TYPE_ANY}},
                  false},
                 [this](sdk::ProcedureCall& call) { return Flow(call); });

    AddProcedure({"vouchers.simulate",
                  "Per programme and quarter: budget, budget used, subsidy absorbed, compute delivered to "
                  "start-ups and unmet demand.",
                  {Param{"scenario", TG_TYPE_ANY, kNullDefault}},
                  {Column{"program", TG_TYPE_STRING}, Column{"issuer", TG_TYPE_STRING}, Column{"quarter", TG_TYPE_STRING},
                   Column{"year", TG_TYPE_INTEGER}, Column{"budget_cny", TG_TYPE_ANY},
                   Column{"budget_used_cny", TG_TYPE_FLOAT}, Column{"subsidy_cny", TG_TYPE_FLOAT},
                   Column{"share", TG_TYPE_FLOAT}, Column{"cap_cny", TG_TYPE_FLOAT}, Column{"firms", TG_TYPE_FLOAT},
                   Column{"price_cny_per_gpu_hour", TG_TYPE_FLOAT}, Column{"demand_gpu_hours", TG_TYPE_FLOAT},
                   Column{"delivered_gpu_hours", TG_TYPE_FLOAT}, Column{"delivered_pflop_days", TG_TYPE_FLOAT},
                   Column{"unmet_gpu_hours", TG_TYPE_FLOAT}, Column{"capacity_factor", TG_TYPE_FLOAT}},
                  false},
                 [this](sdk::ProcedureCall& call) { return Simulate(call); });
  }

  // --- vouchers.load -------------------------------------------------------

  sdk::Status Load(sdk::ProcedureCall& call) {
    std::string path(call.arg(0).is_string() ? call.arg(0).AsString() : std::string_view());
    if (path.empty()) Data(&path);
    if (path.empty()) return sdk::Status::ArgumentError("path: no model data path given and none configured");
    auto loaded = LoadModelData(path);
    if (!loaded.ok()) return ToStatus(loaded.error());
    auto data = std::make_shared<const ModelData>(std::move(loaded).value());
    uint64_t nodes = 0, rels = 0;
    if (sdk::Status s = WriteGraph(call, *data, &nodes, &rels); !s.ok()) return s;
    {
      std::lock_guard<std::mutex> lock(mu_);
      data_ = data;
      data_path_ = path;
    }
    call.Emit(std::vector<sdk::OwnedValue>{sdk::OwnedValue(path), sdk::OwnedValue(static_cast<int64_t>(nodes)),
                                           sdk::OwnedValue(static_cast<int64_t>(rels)),
                                           sdk::OwnedValue(data->domain_sha256)});
    return sdk::Status::Ok();
  }

  // Upserts by key, so loading twice leaves one node per key; relationships
  // that already exist between the same nodes are not created again.
  static sdk::Status WriteGraph(sdk::ProcedureCall& call, const ModelData& m, uint64_t* nodes, uint64_t* rels) {
    sdk::Facts& w = call.writes();
    std::map<std::string, sdk::NodeHandle> actor, program, control, chip, provider;
    auto upsert = [&](const char* label, const std::string& key_name, const std::string& key, Props& p) {
      ++*nodes;
      return w.UpsertNode(label, key_name, sdk::Str(key), p.View());
    };
    for (const auto& a : m.actors) {
      Props p;
      p.Str("display", a.display).Str("kind", a.kind).Str("level", a.level).Str("country", a.country).Source(a.prov);
      actor[a.name] = upsert("PolicyActor", "name", a.name, p);
    }
    for (const auto& c : m.chips) {
      Props p;
      p.Str("display", c.display).Str("id", c.id).Str("model", c.model).Str("vendor", c.vendor)
          .Str("origin", c.foreign ? "foreign" : "domestic").Str("origin_detail", c.origin_text)
          .Add("tflops_fp16", c.tflops_fp16).Add("memory_gb", c.memory_gb).Add("interconnect_gb_s", c.interconnect_gb_s)
          .Add("die_area_mm2", c.die_area_mm2).Add("price_usd", c.price_usd).Add("tpp", c.tpp).Add("pd", c.pd)
          .Add("launch", DateValue(c.launch)).Str("status_in_china", c.status_in_china).Source(c.prov);
      chip[c.name] = upsert("ChipModel", "name", c.name, p);
    }
    for (const auto& pr : m.providers) {
      Props p;
      p.Str("display", pr.display).Str("kind", pr.kind).Str("city", pr.city)
          .Add("price_factor", sdk::OwnedValue(pr.price_factor)).Str("note", pr.note).Source(pr.prov);
      provider[pr.name] = upsert("ComputeProvider", "name", pr.name, p);
    }
    for (const auto& v : m.programs) {
      Props p;
      p.Str("name", v.name).Str("issuer", v.issuer).Str("instrument", v.instrument)
          .Add("year", v.year ? sdk::OwnedValue(static_cast<int64_t>(*v.year)) : sdk::OwnedValue())
          .Add("first_year", sdk::OwnedValue(static_cast<int64_t>(v.first_year)))
          .Add("last_year", sdk::OwnedValue(static_cast<int64_t>(v.last_year)))
          .Add("budget_cny", v.budget_cny).Str("budget_basis", v.budget_basis).Add("budget_cny_per_year", v.budget_per_year)
          .Add("cap_cny", v.cap_cny).Str("cap_basis", v.cap_basis).Add("share", v.share)
          .Add("domestic_share", v.domestic_share).Str("eligibility", v.eligibility)
          .Str("redeemable_for", v.redeemable_for).Add("simulated", sdk::OwnedValue(v.simulate))
          .Str("note", v.note).Source(v.prov);
      program[v.id] = upsert("VoucherProgram", "id", v.id, p);
    }
    for (const auto& c : m.controls) {
      Props p;
      p.Str("issuer", c.issuer).Str("direction", c.us ? "us" : "prc").Str("date", c.date_text)
          .Add("effective", DateValue(c.effective)).Str("rule", c.rule).Str("covers", c.covers).Str("effect", c.effect)
          .Add("tpp_min", c.tpp_min).Add("interconnect_min", c.interconnect_min).Add("alt_tpp_min", c.alt_tpp_min)
          .Add("pd_min", c.pd_min).Add("fee", c.fee).Add("volume_cap", c.volume_cap).Str("note", c.note).Source(c.prov);
      control[c.id] = upsert("ExportControl", "id", c.id, p);
    }
    if (!w.status().ok()) return w.status();

    // Relationships, without duplicates across loads.
    auto relate = [&](const char* type, sdk::NodeHandle from, sdk::NodeHandle to, Props& p) -> sdk::Status {
      auto from_id = w.NodeIdOf(from), to_id = w.NodeIdOf(to);
      if (from_id && to_id) {
        bool exists = false;
        sdk::Status s = call.ForEachRel(*from_id, type, TG_DIR_OUT, [&](const sdk::Rel& r) {
          exists = r.other == *to_id;
          return !exists;
        });
        if (!s.ok()) return s;
        if (exists) return sdk::Status::Ok();
      }
      ++*rels;
      w.Relate(type, from, to, p.View());
      return w.status();
    };
    for (const auto& v : m.programs) {
      Props none;
      if (sdk::Status s = relate("ISSUES", actor.at(v.actor), program.at(v.id), none); !s.ok()) return s;
      for (const auto& prov : v.providers)
        if (sdk::Status s = relate("REDEEMABLE_AT", program.at(v.id), provider.at(prov), none); !s.ok()) return s;
    }
    for (const auto& o : m.operates) {
      Props p;
      p.Add("units", sdk::OwnedValue(o.units)).Add("since", DateValue(o.since)).Str("note", o.note).Source(o.prov);
      if (sdk::Status s = relate("OPERATES", provider.at(o.provider), chip.at(o.chip), p); !s.ok()) return s;
    }
    // RESTRICTS, US side: for each chip, the rule deciding its status between
    // consecutive rule dates, found with the legality test itself (so the
    // edges agree with chips.legal by construction); fee = licence fee.
    // PRC side: one edge per PRC rule and chip it names, with its factor.
    const Scenario defaults = ParseScenario(m, ParamValue()).value();
    std::vector<Day> dates;
    for (const auto& c : m.controls) dates.push_back(c.effective);
    std::sort(dates.begin(), dates.end());
    dates.erase(std::unique(dates.begin(), dates.end()), dates.end());
    for (const auto& c : m.controls) {
      Props none;
      if (sdk::Status s = relate("IMPOSES", actor.at(c.actor), control.at(c.id), none); !s.ok()) return s;
    }
    for (const auto& ch : m.chips) {
      std::string current;
      Day from;
      double fee = 0;
      auto close = [&](std::optional<Day> until) -> sdk::Status {
        if (current.empty()) return sdk::Status::Ok();
        Props p;
        p.Add("from", DateValue(from)).Add("until", until ? DateValue(*until) : sdk::OwnedValue())
            .Add("fee", sdk::OwnedValue(fee));
        return relate("RESTRICTS", control.at(current), chip.at(ch.name), p);
      };
      for (Day d : dates) {
        const Legality l = EvaluateLegality(m, ch, d, defaults);
        const std::string rule = l.subject && l.controlled ? l.rule : "";
        if (rule == current && l.fee == fee) continue;
        if (sdk::Status s = close(Day{d.days - 1}); !s.ok()) return s;
        current = rule;
        from = d;
        fee = l.fee;
      }
      if (sdk::Status s = close(std::nullopt); !s.ok()) return s;
      for (const auto& c : m.controls) {
        if (c.us || c.kind != ControlKind::kPrcBlock || !c.Names(ch)) continue;
        double f = c.factor ? *c.factor : defaults.PrcParam(c.factor_param);
        if (c.factor_is_complement) f = 1.0 - f;
        Props p;
        p.Add("from", DateValue(c.effective)).Add("fee", sdk::OwnedValue(0.0)).Add("factor", sdk::OwnedValue(f));
        if (sdk::Status s = relate("RESTRICTS", control.at(c.id), chip.at(ch.name), p); !s.ok()) return s;
      }
    }
    return w.status();
  }

  // --- vouchers.parameters ------------------------------------------------

  sdk::Status Parameters(sdk::ProcedureCall& call) const {
    auto data = Data();
    if (auto e = NeedData(data)) return *e;
    for (const auto& p : data->parameters) {
      sdk::OwnedValue value;
      if (p.value.is_number()) value = sdk::OwnedValue(p.value.as_number());
      else if (p.value.is_date()) value = DateValue(p.value.as_date());
      else if (p.value.is_string()) value = sdk::OwnedValue(p.value.as_string());
      if (!call.Emit(std::vector<sdk::OwnedValue>{sdk::OwnedValue(p.key), value, sdk::OwnedValue(p.unit),
                                                  sdk::OwnedValue(p.prov.source), sdk::OwnedValue(p.prov.estimate),
                                                  sdk::OwnedValue(p.note)}))
        break;
    }
    return sdk::Status::Ok();
  }

  // --- vouchers.capacity ---------------------------------------------------

  sdk::Status Capacity(sdk::ProcedureCall& call) const {
    auto data = Data();
    if (auto e = NeedData(data)) return *e;
    if (!call.arg(0).is_string()) return sdk::Status::ArgumentError("program must be a programme id string, e.g. 'V10'");
    const Program* program = data->FindProgram(call.arg(0).AsString());
    if (!program) return sdk::Status::ArgumentError("program: unknown programme '" + std::string(call.arg(0).AsString()) +
                                                    "' (known: " + data->ProgramIds() + ")");
    auto s = ScenarioArg(*data, call, 1, "options");
    if (!s.ok()) return ToStatus(s.error());
    auto rows = VoucherCapacity(*data, *program, s.value());
    if (!rows.ok()) return ToStatus(rows.error());
    for (const auto& r : rows.value()) {
      if (!call.Emit(std::vector<sdk::OwnedValue>{
              sdk::OwnedValue(program->id), r.provider ? sdk::OwnedValue(r.provider->display) : sdk::OwnedValue(),
              r.provider ? sdk::OwnedValue(r.provider->kind) : sdk::OwnedValue(), sdk::OwnedValue(r.chip->display),
              sdk::OwnedValue(r.chip->foreign ? "foreign" : "domestic"), sdk::OwnedValue(r.units),
              sdk::OwnedValue(r.voucher_cny), sdk::OwnedValue(r.share), sdk::OwnedValue(r.price),
              sdk::OwnedValue(r.gpu_hours), sdk::OwnedValue(r.contract_gpu_hours), sdk::OwnedValue(r.net_price)}))
        break;
    }
    return sdk::Status::Ok();
  }

  // --- chips.legal ---------------------------------------------------------

  sdk::Status Legal(sdk::ProcedureCall& call) const {
    auto data = Data();
    if (auto e = NeedData(data)) return *e;
    if (!call.arg(0).is_string()) return sdk::Status::ArgumentError("chip must be a chip name string, e.g. 'H20'");
    const Chip* chip = data->FindChip(call.arg(0).AsString());
    if (!chip) return sdk::Status::ArgumentError("chip: unknown chip '" + std::string(call.arg(0).AsString()) +
                                                 "' (known: " + data->ChipNames() + ")");
    Day day;
    const sdk::ValueView d = call.arg(1);
    if (d.is_date()) day = Day{static_cast<int32_t>(d.AsDateDays())};
    else if (d.is_string()) {
      if (!ParseDay(d.AsString(), &day))
        return sdk::Status::ArgumentError("date: cannot parse date '" + std::string(d.AsString()) + "' (expected YYYY-MM-DD)");
    } else {
      return sdk::Status::ArgumentError(std::string("date must be a date or a YYYY-MM-DD string, got ") +
                                        ParamValue::TypeName(FromView(d).type()));
    }
    auto s = ScenarioArg(*data, call, 2, "scenario");
    if (!s.ok()) return ToStatus(s.error());
    const Legality l = EvaluateLegality(*data, *chip, day, s.value());
    call.Emit(std::vector<sdk::OwnedValue>{
        sdk::OwnedValue(chip->display), DateValue(day), sdk::OwnedValue(l.controlled), sdk::OwnedValue(l.licensed),
        sdk::OwnedValue(l.legal), OptStr(l.rule), sdk::OwnedValue(l.test), sdk::OwnedValue(l.fee), Opt(chip->tpp),
        Opt(chip->pd), sdk::OwnedValue(l.prc_factor), OptStr(l.prc_rule)});
    return sdk::Status::Ok();
  }

  // --- chips.flow ----------------------------------------------------------

  sdk::Status Flow(sdk::ProcedureCall& call) const {
    auto data = Data();
    if (auto e = NeedData(data)) return *e;
    auto s = ScenarioArg(*data, call, 0, "scenario");
    if (!s.ok()) return ToStatus(s.error());
    auto flow = RunChipFlow(*data, s.value());
    if (!flow.ok()) return ToStatus(flow.error());
    for (const auto& r : flow.value().rows) {
      const bool legal = r.channel == Channel::kLegalImport;
      if (!call.Emit(std::vector<sdk::OwnedValue>{
              sdk::OwnedValue(r.quarter.label()), sdk::OwnedValue(static_cast<int64_t>(r.quarter.year())),
              sdk::OwnedValue(static_cast<int64_t>(r.quarter.q())), sdk::OwnedValue(r.chip->display),
              sdk::OwnedValue(r.chip->foreign ? "foreign" : "domestic"), sdk::OwnedValue(ChannelName(r.channel)),
              sdk::OwnedValue(r.supply), sdk::OwnedValue(r.retired), sdk::OwnedValue(r.fleet),
              sdk::OwnedValue(r.capacity_pflops), sdk::OwnedValue(r.gpu_hours), sdk::OwnedValue(r.pflop_days),
              legal ? sdk::OwnedValue(r.legal_share) : sdk::OwnedValue(), legal ? sdk::OwnedValue(r.fee) : sdk::OwnedValue(),
              OptStr(r.bound)}))
        break;
    }
    return sdk::Status::Ok();
  }

  // --- vouchers.simulate ---------------------------------------------------

  sdk::Status Simulate(sdk::ProcedureCall& call) const {
    auto data = Data();
    if (auto e = NeedData(data)) return *e;
    auto s = ScenarioArg(*data, call, 0, "scenario");
    if (!s.ok()) return ToStatus(s.error());
    auto sim = SimulateVouchers(*data, s.value());
    if (!sim.ok()) return ToStatus(sim.error());
    for (const auto& r : sim.value().rows) {
      if (!call.Emit(std::vector<sdk::OwnedValue>{
              sdk::OwnedValue(r.program->id), sdk::OwnedValue(r.program->actor), sdk::OwnedValue(r.quarter.label()),
              sdk::OwnedValue(static_cast<int64_t>(r.quarter.year())), Opt(r.budget_cny),
              sdk::OwnedValue(r.budget_used_cny), sdk::OwnedValue(r.subsidy_cny), sdk::OwnedValue(r.share),
              sdk::OwnedValue(r.cap_cny), sdk::OwnedValue(r.firms), sdk::OwnedValue(r.price),
              sdk::OwnedValue(r.demand_gpu_hours), sdk::OwnedValue(r.delivered_gpu_hours),
              sdk::OwnedValue(r.delivered_pflop_days), sdk::OwnedValue(r.unmet_gpu_hours),
              sdk::OwnedValue(r.capacity_factor)}))
        break;
    }
    return sdk::Status::Ok();
  }

  mutable std::mutex mu_;
  std::shared_ptr<const ModelData> data_;  // guarded by mu_; the object itself is immutable
  std::string data_path_;
};

}  // namespace
}  // namespace compute_vouchers

TG_DEFINE_PLUGIN(compute_vouchers::ComputeVouchersPlugin, "compute_vouchers", "1.0.0",
                 "China computing vouchers and AI-chip flows: stock-flow model and procedures")

#include "model_data.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <cctype>
#include <fstream>
#include <sstream>

namespace compute_vouchers {
namespace {

using rapidjson::Value;

// Field readers: each throws nothing; they record the first error in `err`
// so one parse pass reports the first problem with its record and field.
class Reader {
 public:
  std::optional<ModelError> err;

  void Fail(const std::string& where, const std::string& what) {
    if (!err) err = ModelError::Data("model data: " + where + ": " + what);
  }
  const Value* Field(const Value& obj, const char* key, const std::string& where) {
    if (!obj.IsObject()) {
      Fail(where, "not an object");
      return nullptr;
    }
    auto it = obj.FindMember(key);
    if (it == obj.MemberEnd()) {
      Fail(where, std::string("missing field '") + key + "'");
      return nullptr;
    }
    return &it->value;
  }
  std::string Str(const Value& obj, const char* key, const std::string& where, bool nullable = true) {
    const Value* v = Field(obj, key, where);
    if (!v) return "";
    if (v->IsNull() && nullable) return "";
    if (!v->IsString()) {
      Fail(where, std::string("field '") + key + "' must be a string");
      return "";
    }
    return std::string(v->GetString(), v->GetStringLength());
  }
  std::optional<double> Num(const Value& obj, const char* key, const std::string& where) {
    const Value* v = Field(obj, key, where);
    if (!v || v->IsNull()) return std::nullopt;
    if (!v->IsNumber()) {
      Fail(where, std::string("field '") + key + "' must be a number");
      return std::nullopt;
    }
    return v->GetDouble();
  }
  double ReqNum(const Value& obj, const char* key, const std::string& where) {
    auto n = Num(obj, key, where);
    if (!n && !err) Fail(where, std::string("field '") + key + "' must not be null");
    return n.value_or(0);
  }
  bool Bool(const Value& obj, const char* key, const std::string& where) {
    const Value* v = Field(obj, key, where);
    if (!v) return false;
    if (!v->IsBool()) {
      Fail(where, std::string("field '") + key + "' must be a boolean");
      return false;
    }
    return v->GetBool();
  }
  Day Date(const Value& obj, const char* key, const std::string& where) {
    std::string s = Str(obj, key, where, false);
    Day d;
    if (!err && !ParseDay(s, &d)) Fail(where, std::string("field '") + key + "' is not a YYYY-MM-DD date: '" + s + "'");
    return d;
  }
  std::vector<std::string> StrList(const Value& obj, const char* key, const std::string& where) {
    std::vector<std::string> out;
    const Value* v = Field(obj, key, where);
    if (!v) return out;
    if (!v->IsArray()) {
      Fail(where, std::string("field '") + key + "' must be a list");
      return out;
    }
    for (const auto& e : v->GetArray()) {
      if (!e.IsString()) {
        Fail(where, std::string("field '") + key + "' must hold strings");
        return out;
      }
      out.emplace_back(e.GetString(), e.GetStringLength());
    }
    return out;
  }
  Provenance Prov(const Value& obj, const std::string& where) {
    Provenance p;
    p.source = Str(obj, "source", where, false);
    p.estimate = Bool(obj, "estimate", where);
    if (!err && p.source.empty()) Fail(where, "empty source");
    return p;
  }
  const Value* Array(const Value& root, const char* key) {
    const Value* v = Field(root, key, "top level");
    if (v && !v->IsArray()) {
      Fail("top level", std::string("'") + key + "' must be a list");
      return nullptr;
    }
    return v;
  }
  YearSeries Series(const Value& obj, const std::string& where) {
    YearSeries s;
    s.prov = Prov(obj, where);
    s.note = Str(obj, "note", where);
    const Value* years = Field(obj, "years", where);
    if (!years) return s;
    if (!years->IsObject()) {
      Fail(where, "'years' must be an object");
      return s;
    }
    for (const auto& m : years->GetObject()) {
      std::string y(m.name.GetString(), m.name.GetStringLength());
      if (y.size() != 4 || !m.value.IsNumber()) {
        Fail(where, "bad year entry '" + y + "'");
        return s;
      }
      s.by_year[std::stoi(y)] = m.value.GetDouble();
    }
    return s;
  }
};

ParamValue FromJson(const Value& v) {
  if (v.IsBool()) return ParamValue(v.GetBool());
  if (v.IsInt64()) return ParamValue(v.GetInt64());
  if (v.IsNumber()) return ParamValue(v.GetDouble());
  if (v.IsString()) {
    std::string s(v.GetString(), v.GetStringLength());
    Day d;
    if (ParseDay(s, &d)) return ParamValue(d);
    return ParamValue(std::move(s));
  }
  return ParamValue();
}

ControlKind KindOf(const std::string& s, bool* ok) {
  *ok = true;
  if (s == "threshold") return ControlKind::kThreshold;
  if (s == "licence_required") return ControlKind::kLicenceRequired;
  if (s == "licence_granted") return ControlKind::kLicenceGranted;
  if (s == "prc_block") return ControlKind::kPrcBlock;
  if (s == "hbm") return ControlKind::kHbm;
  if (s == "info") return ControlKind::kInfo;
  *ok = false;
  return ControlKind::kInfo;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

bool Control::Names(const Chip& chip) const {
  if (all_foreign && chip.foreign) return true;
  for (const auto& c : chips)
    if (c == chip.name) return true;
  return false;
}

const Chip* ModelData::FindChip(std::string_view name) const {
  auto it = chip_index_.find(NormaliseName(name));
  return it == chip_index_.end() ? nullptr : &chips[it->second];
}

std::string ModelData::ChipNames() const {
  std::string out;
  for (const auto& c : chips) out += (out.empty() ? "" : ", ") + c.display;
  return out;
}

std::string ModelData::ProgramIds() const {
  std::string out;
  for (const auto& p : programs) out += (out.empty() ? "" : ", ") + p.id;
  return out;
}

const Program* ModelData::FindProgram(std::string_view id) const {
  const std::string key = Lower(id);
  for (const auto& p : programs)
    if (Lower(p.id) == key) return &p;
  return nullptr;
}

const Provider* ModelData::FindProvider(std::string_view name) const {
  const std::string key = NormaliseName(name);
  for (const auto& p : providers)
    if (p.name == key) return &p;
  return nullptr;
}

const Control* ModelData::FindControl(std::string_view id) const {
  const std::string key = Lower(id);
  for (const auto& c : controls)
    if (Lower(c.id) == key) return &c;
  return nullptr;
}

const Parameter* ModelData::FindParameter(std::string_view key) const {
  for (const auto& p : parameters)
    if (p.key == key) return &p;
  return nullptr;
}

ModelResult<ModelData> ParseModelData(std::string_view json_text) {
  rapidjson::Document doc;
  doc.Parse(json_text.data(), json_text.size());
  if (doc.HasParseError()) {
    return ModelError::Data("model data: invalid JSON at offset " + std::to_string(doc.GetErrorOffset()) + ": " +
                            rapidjson::GetParseError_En(doc.GetParseError()));
  }
  if (!doc.IsObject()) return ModelError::Data("model data: top level must be an object");
  Reader r;
  ModelData m;
  if (const Value* meta = r.Field(doc, "meta", "top level")) {
    m.domain_sha256 = r.Str(*meta, "domain_sha256", "meta");
    m.hours_per_year = r.ReqNum(*meta, "hours_per_year", "meta");
  }

  if (const Value* arr = r.Array(doc, "actors")) {
    for (const auto& a : arr->GetArray()) {
      Actor x;
      std::string where = "actor";
      x.display = r.Str(a, "display", where, false);
      where = "actor '" + x.display + "'";
      x.name = r.Str(a, "name", where, false);
      x.kind = r.Str(a, "kind", where);
      x.level = r.Str(a, "level", where, false);
      x.country = r.Str(a, "country", where);
      x.prov = r.Prov(a, where);
      if (!r.err && x.name != NormaliseName(x.display)) r.Fail(where, "name is not the normalised display name");
      if (!r.err && x.level != "national" && x.level != "province" && x.level != "city")
        r.Fail(where, "level must be national, province or city, got '" + x.level + "'");
      m.actors.push_back(std::move(x));
    }
  }

  if (const Value* arr = r.Array(doc, "chips")) {
    for (const auto& c : arr->GetArray()) {
      Chip x;
      x.id = r.Str(c, "id", "chip", false);
      std::string where = "chip " + x.id;
      x.name = r.Str(c, "name", where, false);
      x.display = r.Str(c, "display", where, false);
      x.model = r.Str(c, "model", where);
      x.vendor = r.Str(c, "vendor", where);
      x.origin_text = r.Str(c, "origin_text", where);
      x.status_in_china = r.Str(c, "status_in_china", where);
      const std::string origin = r.Str(c, "origin", where, false);
      if (!r.err && origin != "foreign" && origin != "domestic") r.Fail(where, "origin must be foreign or domestic");
      x.foreign = origin == "foreign";
      x.tflops_fp16 = r.Num(c, "tflops_fp16", where);
      x.memory_gb = r.Num(c, "memory_gb", where);
      x.interconnect_gb_s = r.Num(c, "interconnect_gb_s", where);
      x.die_area_mm2 = r.Num(c, "die_area_mm2", where);
      x.price_usd = r.Num(c, "price_usd", where);
      x.tpp = r.Num(c, "tpp", where);
      x.pd = r.Num(c, "pd", where);
      x.launch = r.Date(c, "launch", where);
      x.dies_per_package = static_cast<int>(r.ReqNum(c, "dies_per_package", where));
      x.hbm_stacks = static_cast<int>(r.ReqNum(c, "hbm_stacks", where));
      x.prov = r.Prov(c, where);
      if (!r.err && x.dies_per_package < 1) r.Fail(where, "dies_per_package must be >= 1");
      m.chips.push_back(std::move(x));
    }
  }

  if (const Value* arr = r.Array(doc, "controls")) {
    for (const auto& c : arr->GetArray()) {
      Control x;
      x.id = r.Str(c, "id", "control", false);
      std::string where = "control " + x.id;
      x.actor = r.Str(c, "actor", where, false);
      x.issuer = r.Str(c, "issuer", where);
      x.us = r.Str(c, "direction", where, false) == "us";
      x.date_text = r.Str(c, "date", where);
      x.effective = r.Date(c, "effective", where);
      bool kind_ok = true;
      const std::string kind = r.Str(c, "kind", where, false);
      x.kind = KindOf(kind, &kind_ok);
      if (!kind_ok && !r.err) r.Fail(where, "unknown kind '" + kind + "'");
      x.rule = r.Str(c, "rule", where);
      x.covers = r.Str(c, "covers", where);
      x.effect = r.Str(c, "effect", where);
      x.note = r.Str(c, "curation_note", where);
      x.tpp_min = r.Num(c, "tpp_min", where);
      x.interconnect_min = r.Num(c, "interconnect_min", where);
      x.alt_tpp_min = r.Num(c, "alt_tpp_min", where);
      x.pd_min = r.Num(c, "pd_min", where);
      x.fee = r.Num(c, "fee", where);
      x.volume_cap = r.Num(c, "volume_cap", where);
      x.factor = r.Num(c, "factor", where);
      x.factor_param = r.Str(c, "factor_param", where);
      x.factor_is_complement = r.Bool(c, "factor_is_complement", where);
      for (auto& chip : r.StrList(c, "chips", where)) {
        if (chip == "*foreign") x.all_foreign = true;
        else x.chips.push_back(std::move(chip));
      }
      x.supersedes = r.StrList(c, "supersedes", where);
      x.prov = r.Prov(c, where);
      if (!r.err && x.kind == ControlKind::kThreshold && !x.tpp_min) r.Fail(where, "threshold rule without tpp_min");
      if (!r.err && x.kind == ControlKind::kPrcBlock && !x.factor && x.factor_param.empty())
        r.Fail(where, "prc_block rule needs factor or factor_param");
      m.controls.push_back(std::move(x));
    }
  }

  if (const Value* arr = r.Array(doc, "programs")) {
    for (const auto& p : arr->GetArray()) {
      Program x;
      x.id = r.Str(p, "id", "programme", false);
      std::string where = "programme " + x.id;
      x.actor = r.Str(p, "actor", where, false);
      x.issuer = r.Str(p, "issuer", where);
      x.instrument = r.Str(p, "instrument", where);
      x.name = r.Str(p, "name", where);
      if (auto y = r.Num(p, "year", where)) x.year = static_cast<int>(*y);
      x.first_year = static_cast<int>(r.ReqNum(p, "first_year", where));
      x.last_year = static_cast<int>(r.ReqNum(p, "last_year", where));
      x.budget_cny = r.Num(p, "budget_cny", where);
      x.budget_basis = r.Str(p, "budget_basis", where);
      const std::string reset = r.Str(p, "budget_reset", where, false);
      x.reset = reset == "yearly" ? BudgetReset::kYearly : reset == "pool" ? BudgetReset::kPool : BudgetReset::kNone;
      x.budget_per_year = r.Num(p, "budget_cny_per_year", where);
      x.cap_cny = r.Num(p, "cap_cny", where);
      x.cap_basis = r.Str(p, "cap_basis", where);
      x.share = r.Num(p, "share", where);
      x.domestic_share = r.Num(p, "domestic_share", where);
      x.eligibility = r.Str(p, "eligibility", where);
      x.redeemable_for = r.Str(p, "redeemable_for", where);
      x.simulate = r.Bool(p, "simulate", where);
      x.providers = r.StrList(p, "providers", where);
      x.note = r.Str(p, "curation_note", where);
      x.prov = r.Prov(p, where);
      if (!r.err && x.last_year < x.first_year) r.Fail(where, "last_year before first_year");
      m.programs.push_back(std::move(x));
    }
  }

  if (const Value* arr = r.Array(doc, "providers")) {
    for (const auto& p : arr->GetArray()) {
      Provider x;
      x.display = r.Str(p, "display", "provider", false);
      std::string where = "provider '" + x.display + "'";
      x.name = r.Str(p, "name", where, false);
      x.kind = r.Str(p, "kind", where, false);
      x.city = r.Str(p, "city", where);
      x.price_factor = r.ReqNum(p, "price_factor", where);
      x.note = r.Str(p, "note", where);
      x.prov = r.Prov(p, where);
      if (!r.err && x.kind != "state_run" && x.kind != "commercial" && x.kind != "cloud")
        r.Fail(where, "kind must be state_run, commercial or cloud");
      if (!r.err && !(x.price_factor > 0)) r.Fail(where, "price_factor must be > 0");
      m.providers.push_back(std::move(x));
    }
  }

  if (const Value* arr = r.Array(doc, "operates")) {
    for (const auto& o : arr->GetArray()) {
      Operates x;
      x.provider = r.Str(o, "provider", "operates", false);
      x.chip = r.Str(o, "chip", "operates", false);
      std::string where = "operates " + x.provider + " -> " + x.chip;
      x.units = r.ReqNum(o, "units", where);
      x.since = r.Date(o, "since", where);
      x.note = r.Str(o, "note", where);
      x.prov = r.Prov(o, where);
      m.operates.push_back(std::move(x));
    }
  }

  if (const Value* arr = r.Array(doc, "parameters")) {
    for (const auto& p : arr->GetArray()) {
      Parameter x;
      x.key = r.Str(p, "key", "parameter", false);
      std::string where = "parameter " + x.key;
      x.unit = r.Str(p, "unit", where);
      x.note = r.Str(p, "note", where);
      if (const Value* v = r.Field(p, "value", where)) x.value = FromJson(*v);
      x.prov = r.Prov(p, where);
      m.parameters.push_back(std::move(x));
    }
  }

  if (const Value* s = r.Field(doc, "schedules", "top level")) {
    if (const Value* ld = r.Field(*s, "legal_demand", "schedules")) {
      if (ld->IsObject())
        for (const auto& e : ld->GetObject()) {
          std::string chip(e.name.GetString(), e.name.GetStringLength());
          m.schedules.legal_demand[NormaliseName(chip)] = r.Series(e.value, "legal_demand " + chip);
        }
    }
    if (const Value* v = r.Field(*s, "smuggling", "schedules")) m.schedules.smuggling = r.Series(*v, "smuggling");
    if (const Value* v = r.Field(*s, "domestic_capacity", "schedules"))
      m.schedules.domestic_capacity = r.Series(*v, "domestic_capacity");
    if (const Value* v = r.Field(*s, "smuggling_mix", "schedules")) {
      m.schedules.smuggling_mix_prov = r.Prov(*v, "smuggling_mix");
      if (const Value* years = r.Field(*v, "years", "smuggling_mix"); years && years->IsObject()) {
        for (const auto& y : years->GetObject()) {
          auto& mix = m.schedules.smuggling_mix[std::stoi(std::string(y.name.GetString()))];
          if (!y.value.IsObject()) {
            r.Fail("smuggling_mix", "year entries must be objects");
            break;
          }
          for (const auto& c : y.value.GetObject())
            mix[NormaliseName(c.name.GetString())] = c.value.IsNumber() ? c.value.GetDouble() : 0.0;
        }
      }
    }
    if (const Value* v = r.Field(*s, "domestic_product", "schedules")) {
      if (const Value* from = r.Field(*v, "from", "domestic_product"); from && from->IsObject()) {
        for (const auto& e : from->GetObject()) {
          Day d;
          if (!ParseDay(e.name.GetString(), &d) || !e.value.IsString()) {
            r.Fail("domestic_product", "entries must be date -> chip");
            break;
          }
          m.schedules.domestic_product.emplace_back(d, NormaliseName(e.value.GetString()));
        }
      }
    }
    if (const Value* v = r.Field(*s, "price_path", "schedules")) {
      m.schedules.price_prov = r.Prov(*v, "price_path");
      if (const Value* pts = r.Field(*v, "points", "price_path"); pts && pts->IsObject()) {
        for (const auto& e : pts->GetObject()) {
          Day d;
          if (!ParseDay(e.name.GetString(), &d) || !e.value.IsNumber()) {
            r.Fail("price_path", "points must be date -> number");
            break;
          }
          m.schedules.price_path.emplace_back(d, e.value.GetDouble());
        }
      }
    }
  }
  if (r.err) return *r.err;

  // Cross references.
  for (size_t i = 0; i < m.chips.size(); ++i) {
    m.chip_index_[m.chips[i].name] = i;
    m.chip_index_.emplace(NormaliseName(m.chips[i].id), i);
    m.chip_index_.emplace(NormaliseName(m.chips[i].model), i);
  }
  auto ref = m.chip_index_.find("h100");
  if (ref == m.chip_index_.end() || !m.chips[ref->second].tflops_fp16)
    return ModelError::Data("model data: the reference chip 'H100' (with tflops_fp16) is missing");
  m.reference_chip_ = ref->second;
  auto actor_known = [&](const std::string& name) {
    for (const auto& a : m.actors)
      if (a.name == name) return true;
    return false;
  };
  for (const auto& c : m.controls) {
    if (!actor_known(c.actor)) return ModelError::Data("model data: control " + c.id + ": unknown actor '" + c.actor + "'");
    for (const auto& chip : c.chips)
      if (!m.FindChip(chip)) return ModelError::Data("model data: control " + c.id + ": unknown chip '" + chip + "'");
    for (const auto& s : c.supersedes)
      if (!m.FindControl(s)) return ModelError::Data("model data: control " + c.id + ": supersedes unknown '" + s + "'");
  }
  for (const auto& p : m.programs) {
    if (!actor_known(p.actor)) return ModelError::Data("model data: programme " + p.id + ": unknown actor '" + p.actor + "'");
    for (const auto& prov : p.providers)
      if (!m.FindProvider(prov))
        return ModelError::Data("model data: programme " + p.id + ": unknown provider '" + prov + "'");
  }
  for (const auto& o : m.operates) {
    if (!m.FindProvider(o.provider)) return ModelError::Data("model data: operates: unknown provider '" + o.provider + "'");
    if (!m.FindChip(o.chip)) return ModelError::Data("model data: operates: unknown chip '" + o.chip + "'");
  }
  for (const auto& [chip, series] : m.schedules.legal_demand)
    if (!m.FindChip(chip)) return ModelError::Data("model data: legal_demand: unknown chip '" + chip + "'");
  for (const auto& [year, mix] : m.schedules.smuggling_mix)
    for (const auto& [chip, share] : mix)
      if (!m.FindChip(chip)) return ModelError::Data("model data: smuggling_mix: unknown chip '" + chip + "'");
  for (const auto& [day, chip] : m.schedules.domestic_product)
    if (!m.FindChip(chip)) return ModelError::Data("model data: domestic_product: unknown chip '" + chip + "'");
  if (m.schedules.price_path.empty()) return ModelError::Data("model data: price_path has no points");
  if (m.schedules.domestic_product.empty()) return ModelError::Data("model data: domestic_product is empty");
  return m;
}

ModelResult<ModelData> LoadModelData(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return ModelError::Argument("path", "cannot open model data file '" + path + "'");
  std::stringstream ss;
  ss << in.rdbuf();
  auto r = ParseModelData(ss.str());
  if (!r.ok()) return ModelError{r.error().kind, "path", r.error().message + " (in '" + path + "')"};
  return r;
}

}  // namespace compute_vouchers

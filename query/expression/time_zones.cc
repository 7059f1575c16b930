#include "query/expression/time_zones.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "storage/value.h"

namespace trendgraph::query {

namespace {

struct ZoneRules {
  std::vector<int64_t> transitions;  // UTC seconds, ascending
  std::vector<int32_t> offsets;      // offset from transitions[i] on
  int32_t initial = 0;               // before the first transition
};

uint32_t U32(const std::string& b, size_t p) {
  return (static_cast<uint32_t>(static_cast<unsigned char>(b[p])) << 24) |
         (static_cast<uint32_t>(static_cast<unsigned char>(b[p + 1])) << 16) |
         (static_cast<uint32_t>(static_cast<unsigned char>(b[p + 2])) << 8) |
         static_cast<uint32_t>(static_cast<unsigned char>(b[p + 3]));
}
int64_t I64(const std::string& b, size_t p) {
  return static_cast<int64_t>((static_cast<uint64_t>(U32(b, p)) << 32) | U32(b, p + 4));
}

// Parses the 64-bit (version 2+) part of a TZif file; false if malformed.
bool ParseTzif(const std::string& b, ZoneRules* out) {
  auto counts = [&](size_t p, uint32_t c[6]) {
    if (p + 44 > b.size() || b.compare(p, 4, "TZif") != 0) return false;
    for (int i = 0; i < 6; ++i) c[i] = U32(b, p + 20 + 4 * i);
    return true;
  };
  uint32_t c[6];  // isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
  if (!counts(0, c) || b[4] < '2') return false;
  size_t v1 = 44 + size_t{c[3]} * 5 + size_t{c[4]} * 6 + c[5] + size_t{c[2]} * 8 + c[1] + c[0];
  if (!counts(v1, c)) return false;
  size_t p = v1 + 44;
  size_t need = size_t{c[3]} * 9 + size_t{c[4]} * 6;
  if (c[4] == 0 || p + need > b.size()) return false;
  std::vector<int64_t> times(c[3]);
  for (uint32_t i = 0; i < c[3]; ++i) times[i] = I64(b, p + 8 * size_t{i});
  size_t idx = p + 8 * size_t{c[3]};
  size_t types = idx + c[3];
  auto type_offset = [&](uint32_t t) { return static_cast<int32_t>(U32(b, types + 6 * size_t{t})); };
  out->initial = type_offset(0);
  for (uint32_t i = 0; i < c[3]; ++i) {
    uint32_t t = static_cast<unsigned char>(b[idx + i]);
    if (t >= c[4]) return false;
    out->transitions.push_back(times[i]);
    out->offsets.push_back(type_offset(t));
  }
  return true;
}

struct ZoneDb {
  std::mutex mu;
  std::map<int32_t, std::unique_ptr<ZoneRules>> rules;  // by zone id
};

ZoneDb& Db() {
  static ZoneDb* db = new ZoneDb();  // never destroyed
  return *db;
}

const ZoneRules* Rules(int32_t zone) {
  ZoneDb& db = Db();
  std::lock_guard<std::mutex> lock(db.mu);
  auto it = db.rules.find(zone);
  return it == db.rules.end() ? nullptr : it->second.get();
}

bool ValidName(std::string_view name) {
  if (name.empty() || name.size() > 64 || name.front() == '/' || name.find("..") != std::string_view::npos)
    return false;
  return std::all_of(name.begin(), name.end(), [](char ch) {
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '/' ||
           ch == '_' || ch == '-' || ch == '+';
  });
}

}  // namespace

int32_t LookupTimeZone(std::string_view name) {
  if (!ValidName(name)) return 0;
  int32_t id = InternZoneName(name);
  if (Rules(id) != nullptr) return id;
  std::ifstream in("/usr/share/zoneinfo/" + std::string(name), std::ios::binary);
  if (!in) return 0;
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto rules = std::make_unique<ZoneRules>();
  if (!ParseTzif(bytes, rules.get())) return 0;
  ZoneDb& db = Db();
  std::lock_guard<std::mutex> lock(db.mu);
  db.rules.emplace(id, std::move(rules));
  return id;
}

int32_t ZoneOffsetAt(int32_t zone, int64_t utc_seconds) {
  const ZoneRules* r = Rules(zone);
  if (r == nullptr) return 0;
  auto it = std::upper_bound(r->transitions.begin(), r->transitions.end(), utc_seconds);
  if (it == r->transitions.begin()) return r->initial;
  return r->offsets[static_cast<size_t>(it - r->transitions.begin() - 1)];
}

int32_t ZoneOffsetForLocal(int32_t zone, int64_t local_seconds) {
  // The offsets in force a day either side bound the candidates.
  int32_t before = ZoneOffsetAt(zone, local_seconds - 86400);
  int32_t after = ZoneOffsetAt(zone, local_seconds + 86400);
  bool before_ok = ZoneOffsetAt(zone, local_seconds - before) == before;
  bool after_ok = ZoneOffsetAt(zone, local_seconds - after) == after;
  if (before_ok) return before;  // an overlap keeps the earlier offset
  if (after_ok) return after;
  return before;  // a gap
}

}  // namespace trendgraph::query

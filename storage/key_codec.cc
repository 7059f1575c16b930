#include "storage/key_codec.h"

#include <bit>
#include <cmath>
#include <cstring>

namespace trendgraph::storage::keys {

void PutVarint(std::string* out, uint64_t v) {
  char buf[10];
  int n = 0;
  while (v >= 0x80) {
    buf[n++] = static_cast<char>(v | 0x80);
    v >>= 7;
  }
  buf[n++] = static_cast<char>(v);
  out->append(buf, n);
}

bool GetVarint(std::string_view* in, uint64_t* v) {
  uint64_t result = 0;
  for (int shift = 0, i = 0; i < 10 && static_cast<size_t>(i) < in->size(); ++i, shift += 7) {
    uint64_t byte = static_cast<unsigned char>((*in)[i]);
    if (i == 9 && byte > 1) return false;  // more than 64 bits
    result |= (byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) {
      in->remove_prefix(i + 1);
      *v = result;
      return true;
    }
  }
  return false;
}

std::string PrefixSuccessor(std::string_view prefix) {
  std::string s(prefix);
  while (!s.empty()) {
    auto& c = reinterpret_cast<unsigned char&>(s.back());
    if (c != 0xFF) {
      ++c;
      return s;
    }
    s.pop_back();
  }
  return s;
}

// ---- keys ----

namespace {

std::string Start(uint32_t g, Tag tag, size_t reserve) {
  std::string k;
  k.reserve(reserve);
  PutU32BE(&k, g);
  k.push_back(static_cast<char>(tag));
  return k;
}

}  // namespace

std::string GraphPrefix(uint32_t graph) {
  std::string k;
  PutU32BE(&k, graph);
  return k;
}
std::string MetaKey(Tag tag) { return Start(kMetaGraph, tag, 5); }
std::string CatalogueKey(std::string_view graph_name) {
  std::string k = Start(kMetaGraph, Tag::kMetaGraph, 5 + graph_name.size());
  k.append(graph_name);
  return k;
}
std::string CataloguePrefix() { return Start(kMetaGraph, Tag::kMetaGraph, 5); }

std::string NodeKey(uint32_t g, NodeId id) {
  std::string k = Start(g, Tag::kNode, 13);
  PutU64BE(&k, id);
  return k;
}
std::string NodePrefix(uint32_t g) { return Start(g, Tag::kNode, 5); }
std::string RelKey(uint32_t g, RelId id) {
  std::string k = Start(g, Tag::kRel, 13);
  PutU64BE(&k, id);
  return k;
}
std::string RelPrefix(uint32_t g) { return Start(g, Tag::kRel, 5); }

std::string AdjKey(uint32_t g, NodeId node, Direction dir, TypeId type, NodeId other, RelId rel) {
  std::string k = Start(g, Tag::kAdj, kAdjKeySize);
  PutU64BE(&k, node);
  k.push_back(static_cast<char>(dir));
  PutU32BE(&k, type);
  PutU64BE(&k, other);
  PutU64BE(&k, rel);
  return k;
}
std::string AdjPrefix(uint32_t g, NodeId node, Direction dir) {
  std::string k = Start(g, Tag::kAdj, kAdjKeySize);
  PutU64BE(&k, node);
  k.push_back(static_cast<char>(dir));
  return k;
}
std::string AdjTypePrefix(uint32_t g, NodeId node, Direction dir, TypeId type) {
  std::string k = AdjPrefix(g, node, dir);
  PutU32BE(&k, type);
  return k;
}
bool ParseAdjKey(std::string_view key, AdjEntry* out) {
  if (key.size() != kAdjKeySize) return false;
  const char* p = key.data() + kAdjNodePrefixSize;
  out->dir = static_cast<Direction>(p[0]);
  out->type = GetU32BE(p + 1);
  out->other = GetU64BE(p + 5);
  out->rel = GetU64BE(p + 13);
  return true;
}

std::string LabelKey(uint32_t g, LabelId label, NodeId node) {
  std::string k = Start(g, Tag::kLabel, 17);
  PutU32BE(&k, label);
  PutU64BE(&k, node);
  return k;
}
std::string LabelPrefix(uint32_t g, LabelId label) {
  std::string k = Start(g, Tag::kLabel, 17);
  PutU32BE(&k, label);
  return k;
}
std::string IndexPrefix(uint32_t g, Tag tag, LabelId label, PropKeyId key) {
  std::string k = Start(g, tag, 32);
  PutU32BE(&k, label);
  PutU32BE(&k, key);
  return k;
}
std::string IndexDefKey(uint32_t g, LabelId label, PropKeyId key) {
  return IndexPrefix(g, Tag::kIndexDef, label, key);
}
std::string IndexDefPrefix(uint32_t g) { return Start(g, Tag::kIndexDef, 5); }
std::string TokenNameKey(uint32_t g, TokenKind kind, uint32_t id) {
  std::string k = Start(g, Tag::kTokenName, 10);
  k.push_back(static_cast<char>(kind));
  PutU32BE(&k, id);
  return k;
}
std::string TokenNamePrefix(uint32_t g, TokenKind kind) {
  std::string k = Start(g, Tag::kTokenName, 10);
  k.push_back(static_cast<char>(kind));
  return k;
}
std::string TokenIdKey(uint32_t g, TokenKind kind, std::string_view name) {
  std::string k = Start(g, Tag::kTokenId, 6 + name.size());
  k.push_back(static_cast<char>(kind));
  k.append(name);
  return k;
}
std::string CounterKey(uint32_t g, CounterKind kind) {
  std::string k = Start(g, Tag::kCounter, 10);
  k.push_back(static_cast<char>(kind));
  return k;
}
std::string CounterKey(uint32_t g, CounterKind kind, uint32_t id) {
  std::string k = CounterKey(g, kind);
  PutU32BE(&k, id);
  return k;
}
std::string CounterPrefix(uint32_t g) { return Start(g, Tag::kCounter, 10); }
std::string DeletedNodeKey(uint32_t g, NodeId id) {
  std::string k = Start(g, Tag::kDeletedNode, 13);
  PutU64BE(&k, id);
  return k;
}
std::string DeletedNodePrefix(uint32_t g) { return Start(g, Tag::kDeletedNode, 5); }
std::string SideKey(uint32_t g, std::string_view key) {
  std::string k = Start(g, Tag::kSide, kSideKeyPrefixSize + key.size());
  k.append(key);
  return k;
}

// ---- tagged values ----

Status EncodeValue(const Value& v, std::string* out) {
  out->push_back(static_cast<char>(v.type()));
  switch (v.type()) {
    case Value::Type::kNull:
      return Status::OK();
    case Value::Type::kBool:
      out->push_back(v.as_bool() ? 1 : 0);
      return Status::OK();
    case Value::Type::kInt:
      PutVarint(out, ZigZag(v.as_int()));
      return Status::OK();
    case Value::Type::kDouble: {
      uint64_t bits = std::bit_cast<uint64_t>(v.as_double());
      char b[8];
      for (int i = 0; i < 8; ++i) b[i] = static_cast<char>(bits >> (8 * i));
      out->append(b, 8);
      return Status::OK();
    }
    case Value::Type::kString:
      PutVarint(out, v.as_string().size());
      out->append(v.as_string());
      return Status::OK();
    case Value::Type::kList:
      PutVarint(out, v.as_list().size());
      for (const Value& e : v.as_list()) TG_RETURN_IF_ERROR(EncodeValue(e, out));
      return Status::OK();
    case Value::Type::kMap:
      PutVarint(out, v.as_map().size());
      for (const auto& [k, e] : v.as_map()) {
        PutVarint(out, k.size());
        out->append(k);
        TG_RETURN_IF_ERROR(EncodeValue(e, out));
      }
      return Status::OK();
    case Value::Type::kDate:
      PutVarint(out, ZigZag(v.as_date().days));
      return Status::OK();
    case Value::Type::kLocalTime:
      PutVarint(out, static_cast<uint64_t>(v.as_local_time().nanos));
      return Status::OK();
    case Value::Type::kTime:
      PutVarint(out, static_cast<uint64_t>(v.as_time().nanos));
      PutVarint(out, ZigZag(v.as_time().offset_seconds));
      return Status::OK();
    case Value::Type::kLocalDateTime:
      PutVarint(out, ZigZag(v.as_local_date_time().seconds));
      PutVarint(out, static_cast<uint64_t>(v.as_local_date_time().nanos));
      return Status::OK();
    case Value::Type::kDateTime:
      PutVarint(out, ZigZag(v.as_date_time().seconds));
      PutVarint(out, static_cast<uint64_t>(v.as_date_time().nanos));
      PutVarint(out, ZigZag(v.as_date_time().offset_seconds));
      {
        const std::string& zone = ZoneName(v.as_date_time().zone);
        PutVarint(out, zone.size());
        out->append(zone);
      }
      return Status::OK();
    case Value::Type::kDuration:
      PutVarint(out, ZigZag(v.as_duration().months));
      PutVarint(out, ZigZag(v.as_duration().days));
      PutVarint(out, ZigZag(v.as_duration().seconds));
      PutVarint(out, static_cast<uint64_t>(v.as_duration().nanos));
      return Status::OK();
    case Value::Type::kNode:
    case Value::Type::kRel:
    case Value::Type::kPath:
      break;
  }
  out->pop_back();
  return Status::InvalidArgument(std::string("a ") + Value::TypeName(v.type()) +
                                 " value cannot be stored as a property");
}

namespace {

bool GetBytes(std::string_view* in, size_t n, std::string_view* out) {
  if (in->size() < n) return false;
  *out = in->substr(0, n);
  in->remove_prefix(n);
  return true;
}

bool DecodeValueDepth(std::string_view* in, Value* out, int depth) {
  if (in->empty() || depth > 256) return false;
  auto tag = static_cast<Value::Type>(static_cast<unsigned char>((*in)[0]));
  in->remove_prefix(1);
  uint64_t u = 0;
  std::string_view bytes;
  switch (tag) {
    case Value::Type::kNull:
      *out = Value();
      return true;
    case Value::Type::kBool:
      if (!GetBytes(in, 1, &bytes) || static_cast<unsigned char>(bytes[0]) > 1) return false;
      *out = Value(bytes[0] == 1);
      return true;
    case Value::Type::kInt:
      if (!GetVarint(in, &u)) return false;
      *out = Value(UnZigZag(u));
      return true;
    case Value::Type::kDouble: {
      if (!GetBytes(in, 8, &bytes)) return false;
      uint64_t bits = 0;
      for (int i = 7; i >= 0; --i) bits = (bits << 8) | static_cast<unsigned char>(bytes[i]);
      *out = Value(std::bit_cast<double>(bits));
      return true;
    }
    case Value::Type::kString:
      if (!GetVarint(in, &u) || !GetBytes(in, u, &bytes)) return false;
      *out = Value(std::string(bytes));
      return true;
    case Value::Type::kList: {
      if (!GetVarint(in, &u) || u > in->size()) return false;
      Value::List list(u);
      for (Value& e : list)
        if (!DecodeValueDepth(in, &e, depth + 1)) return false;
      *out = Value(std::move(list));
      return true;
    }
    case Value::Type::kMap: {
      if (!GetVarint(in, &u) || u > in->size()) return false;
      Value::Map map;
      for (uint64_t i = 0; i < u; ++i) {
        uint64_t klen = 0;
        std::string_view k;
        Value e;
        if (!GetVarint(in, &klen) || !GetBytes(in, klen, &k) || !DecodeValueDepth(in, &e, depth + 1)) return false;
        map.emplace(std::string(k), std::move(e));
      }
      *out = Value(std::move(map));
      return true;
    }
    case Value::Type::kDate: {
      if (!GetVarint(in, &u)) return false;
      int64_t d = UnZigZag(u);
      if (d < INT32_MIN || d > INT32_MAX) return false;
      *out = Value(Date{static_cast<int32_t>(d)});
      return true;
    }
    case Value::Type::kLocalTime: {
      if (!GetVarint(in, &u) || u >= static_cast<uint64_t>(kNanosPerDay)) return false;
      *out = Value(LocalTime{static_cast<int64_t>(u)});
      return true;
    }
    case Value::Type::kTime: {
      uint64_t off = 0;
      if (!GetVarint(in, &u) || u >= static_cast<uint64_t>(kNanosPerDay) || !GetVarint(in, &off)) return false;
      int64_t o = UnZigZag(off);
      if (o < -18 * 3600 || o > 18 * 3600) return false;
      *out = Value(Time{static_cast<int64_t>(u), static_cast<int32_t>(o)});
      return true;
    }
    case Value::Type::kLocalDateTime: {
      uint64_t nanos = 0;
      if (!GetVarint(in, &u) || !GetVarint(in, &nanos) || nanos >= static_cast<uint64_t>(kNanosPerSecond))
        return false;
      *out = Value(LocalDateTime{UnZigZag(u), static_cast<int32_t>(nanos)});
      return true;
    }
    case Value::Type::kDateTime: {
      uint64_t nanos = 0, off = 0;
      if (!GetVarint(in, &u) || !GetVarint(in, &nanos) || nanos >= static_cast<uint64_t>(kNanosPerSecond) ||
          !GetVarint(in, &off))
        return false;
      int64_t o = UnZigZag(off);
      uint64_t zlen = 0;
      std::string_view zone;
      if (o < -18 * 3600 || o > 18 * 3600 || !GetVarint(in, &zlen) || zlen > 255 || !GetBytes(in, zlen, &zone))
        return false;
      *out = Value(DateTime{UnZigZag(u), static_cast<int32_t>(nanos), static_cast<int32_t>(o),
                            zone.empty() ? 0 : InternZoneName(zone)});
      return true;
    }
    case Value::Type::kDuration: {
      uint64_t months = 0, days = 0, secs = 0, nanos = 0;
      if (!GetVarint(in, &months) || !GetVarint(in, &days) || !GetVarint(in, &secs) || !GetVarint(in, &nanos) ||
          nanos >= static_cast<uint64_t>(kNanosPerSecond))
        return false;
      *out = Value(Duration{UnZigZag(months), UnZigZag(days), UnZigZag(secs), static_cast<int32_t>(nanos)});
      return true;
    }
    default:
      return false;
  }
}

}  // namespace

bool DecodeValue(std::string_view* in, Value* out) { return DecodeValueDepth(in, out, 0); }

Status EncodeProperties(const Properties& props, std::string* out) {
  PutVarint(out, props.size());
  std::string scratch;
  for (const auto& [key, value] : props) {
    scratch.clear();
    TG_RETURN_IF_ERROR(EncodeValue(value, &scratch));
    PutVarint(out, key);
    PutVarint(out, scratch.size());
    out->append(scratch);
  }
  return Status::OK();
}

bool DecodeProperties(std::string_view in, Properties* out) {
  uint64_t n = 0;
  if (!GetVarint(&in, &n) || n > in.size()) return false;
  out->clear();
  out->reserve(n);
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t key = 0, len = 0;
    std::string_view bytes;
    if (!GetVarint(&in, &key) || !GetVarint(&in, &len) || !GetBytes(&in, len, &bytes)) return false;
    Value v;
    if (!DecodeValue(&bytes, &v) || !bytes.empty()) return false;
    out->emplace_back(static_cast<PropKeyId>(key), std::move(v));
  }
  return in.empty();
}

bool FindProperty(std::string_view in, PropKeyId want, Value* out) {
  *out = Value();
  uint64_t n = 0;
  if (!GetVarint(&in, &n)) return false;
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t key = 0, len = 0;
    std::string_view bytes;
    if (!GetVarint(&in, &key) || !GetVarint(&in, &len) || !GetBytes(&in, len, &bytes)) return false;
    if (key == want) return DecodeValue(&bytes, out) && bytes.empty();
    if (key > want) return true;  // sorted: absent
  }
  return true;
}

Status EncodeNodeRecord(const std::vector<LabelId>& labels, const Properties& props, std::string* out) {
  PutVarint(out, labels.size());
  for (LabelId l : labels) PutVarint(out, l);
  return EncodeProperties(props, out);
}

bool DecodeNodeLabels(std::string_view in, std::vector<LabelId>* labels, std::string_view* props_out) {
  uint64_t n = 0;
  if (!GetVarint(&in, &n) || n > in.size()) return false;
  labels->clear();
  labels->reserve(n);
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t l = 0;
    if (!GetVarint(&in, &l) || l > UINT32_MAX) return false;
    labels->push_back(static_cast<LabelId>(l));
  }
  if (props_out) *props_out = in;
  return true;
}

bool NodePropertyBytes(std::string_view in, std::string_view* props_out) {
  uint64_t n = 0;
  if (!GetVarint(&in, &n) || n > in.size()) return false;
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t l = 0;
    if (!GetVarint(&in, &l) || l > UINT32_MAX) return false;
  }
  *props_out = in;
  return true;
}

bool DecodeNodeRecord(std::string_view in, NodeRecord* out) {
  std::string_view props;
  return DecodeNodeLabels(in, &out->labels, &props) && DecodeProperties(props, &out->props);
}

Status EncodeRelRecord(TypeId type, NodeId start, NodeId end, const Properties& props, std::string* out) {
  PutVarint(out, type);
  PutVarint(out, start);
  PutVarint(out, end);
  return EncodeProperties(props, out);
}

bool DecodeRelHeader(std::string_view in, TypeId* type, NodeId* start, NodeId* end, std::string_view* props_out) {
  uint64_t t = 0;
  if (!GetVarint(&in, &t) || t > UINT32_MAX || !GetVarint(&in, start) || !GetVarint(&in, end)) return false;
  *type = static_cast<TypeId>(t);
  if (props_out) *props_out = in;
  return true;
}

bool DecodeRelRecord(std::string_view in, RelRecord* out) {
  std::string_view props;
  return DecodeRelHeader(in, &out->type, &out->start, &out->end, &props) && DecodeProperties(props, &out->props);
}

// ---- order-preserving values ----

namespace {

void PutOrderedDouble(std::string* out, double d) {
  uint64_t bits = std::bit_cast<uint64_t>(d);
  bits = (bits >> 63) ? ~bits : (bits | (uint64_t{1} << 63));
  PutU64BE(out, bits);
}
void PutOrderedInt(std::string* out, int64_t v) { PutU64BE(out, static_cast<uint64_t>(v) ^ (uint64_t{1} << 63)); }

void PutEscaped(std::string* out, std::string_view s) {
  // Runs between zero bytes are appended whole (strings rarely hold any): a
  // push_back per byte was ~1% of a one-core ingest.
  out->reserve(out->size() + s.size() + 2);
  while (!s.empty()) {
    const void* zero = std::memchr(s.data(), '\0', s.size());
    if (zero == nullptr) {
      out->append(s);
      break;
    }
    const size_t n = static_cast<size_t>(static_cast<const char*>(zero) - s.data()) + 1;
    out->append(s.data(), n);
    out->push_back('\xFF');
    s.remove_prefix(n);
  }
  out->push_back('\0');
  out->push_back('\x01');
}

}  // namespace

bool OrderedClassOf(const Value& v, OrderedClass* out) {
  switch (v.type()) {
    case Value::Type::kBool: *out = OrderedClass::kBool; return true;
    case Value::Type::kInt: *out = OrderedClass::kNumber; return true;
    case Value::Type::kDouble:
      *out = std::isnan(v.as_double()) ? OrderedClass::kNaN : OrderedClass::kNumber;
      return true;
    case Value::Type::kString: *out = OrderedClass::kString; return true;
    case Value::Type::kDate: *out = OrderedClass::kDate; return true;
    case Value::Type::kList: *out = OrderedClass::kList; return true;
    case Value::Type::kMap: *out = OrderedClass::kMap; return true;
    default: return false;
  }
}

Status EncodeOrdered(const Value& v, std::string* out) {
  OrderedClass cls;
  if (!OrderedClassOf(v, &cls) || !v.IsStorable())
    return Status::InvalidArgument(std::string("a ") + Value::TypeName(v.type()) + " value cannot be indexed");
  out->push_back(static_cast<char>(cls));
  switch (cls) {
    case OrderedClass::kBool:
      out->push_back(v.as_bool() ? 1 : 0);
      break;
    case OrderedClass::kNumber:
      if (v.is_int()) {
        // The double nearest to the int, then the exact remainder: ints and
        // doubles interleave numerically and 2^53+1 stays distinct from 2^53.
        int64_t i = v.as_int();
        double d = static_cast<double>(i);
        __int128 rem = static_cast<__int128>(i) - static_cast<__int128>(d);
        PutOrderedDouble(out, d);
        PutOrderedInt(out, static_cast<int64_t>(rem));
      } else {
        double d = v.as_double();
        if (d == 0.0) d = 0.0;  // -0.0 == 0.0
        PutOrderedDouble(out, d);
        PutOrderedInt(out, 0);
      }
      break;
    case OrderedClass::kNaN:
      break;
    case OrderedClass::kString:
      PutEscaped(out, v.as_string());
      break;
    case OrderedClass::kDate:
      PutU32BE(out, static_cast<uint32_t>(v.as_date().days) ^ 0x80000000u);
      break;
    case OrderedClass::kList:
    case OrderedClass::kMap: {
      std::string tagged;
      TG_RETURN_IF_ERROR(EncodeValue(v, &tagged));
      PutEscaped(out, tagged);
      break;
    }
  }
  return Status::OK();
}

}  // namespace trendgraph::storage::keys

// The on-disk format of trendgraph: every RocksDB key and value we write.
//
// APPEND ONLY, NEVER RENUMBER: ON-DISK FORMAT. Every tag, kind and layout
// below is persisted. A change that old readers cannot read bumps
// kFormatVersion (Database::Open refuses a newer version).
//
// All integers inside keys are big-endian and fixed width, so a prefix scan
// returns ids in numeric order. Values use little-endian / LEB128 varints.
//
// Keys (every key starts with a 4-byte graph id; graph id 0 is the database
// meta range, user graphs start at 1 and ids are never reused):
//
//   meta   [0]'V'                               -> u32 format version
//          [0]'G' name                          -> u32 graph id (catalogue)
//          [0]'n'                               -> u32 next graph id
//   graph  [g]'N' node:u64                      -> node record
//          [g]'R' rel:u64                       -> rel record
//          [g]'A' node:u64 dir:u8 type:u32 other:u64 rel:u64 -> ""  (adjacency)
//          [g]'L' label:u32 node:u64            -> ""  (label index)
//          [g]'T'                               (format 1 only: a type index
//              type:u32 rel:u64 -> ""; format 2 scans the rel records instead,
//              one key fewer per relationship)
//          [g]'U' label:u32 key:u32 ordval      -> u64 node (unique index)
//          [g]'P' label:u32 key:u32 ordval node:u64 -> ""  (property index)
//          [g]'I' label:u32 key:u32             -> u8 IndexInfo::Kind
//          [g]'K' kind:u8 id:u32                -> token name
//          [g]'k' kind:u8 name                  -> u32 token id
//          [g]'C' kind:u8 [id:u32]              -> u64 counter (absolute)
//          [g]'D' node:u64                      -> ""  (a deleted node id: with
//              the node id allocator this answers "does node x exist" for the
//              writer from memory; loaded at open)
//          [g]'S' caller key bytes              -> properties (a side record:
//              bookkeeping a layer above keeps with the graph, in its
//              transactions, but outside it: no node, relationship, counter,
//              token or index. The caller owns the key layout; the engine's
//              pending links are described in engine/ingest_apply.h)
//
// Node record: varint #labels, labels (varint, sorted), properties.
// Rel record:  varint type, varint start, varint end, properties.
// Properties:  varint #props, then per property (sorted by key id):
//              varint key, varint byte length, tagged value. The length lets
//              GetNodeProperty skip properties without decoding them.
// Tagged value: u8 tag (= Value::Type), then
//   null: -   bool: u8   int: zigzag varint   double: 8 bytes LE (exact bits)
//   string: varint length + bytes   list: varint n + n tagged values
//   map: varint n + n x (varint keylen, key bytes, tagged value)
//   date: zigzag varint days
//   localtime (11): varint nanos of day   time (12): varint nanos of day,
//       zigzag varint offset seconds
//   localdatetime (13): zigzag varint local epoch seconds, varint nanos
//   datetime (14): zigzag varint UTC epoch seconds, varint nanos, zigzag
//       varint offset seconds, varint length + zone name ("" = fixed offset)
//   duration (15): zigzag varints months, days, seconds; varint nanos
//   (these five kinds have no ordval: they cannot be indexed)
//
// Order-preserving value ("ordval", index keys only): a class byte, then
//   bool 0x10: u8 0/1
//   number 0x20: 8-byte ordered double of the value, then 8-byte ordered
//       int64 remainder (exact int - double), so ints and doubles compare
//       numerically, 1 and 1.0 encode identically, and big ints stay distinct.
//       -0.0 is stored as 0.0.
//   NaN 0x21 (after every number, outside numeric ranges)
//   string 0x30: bytes with 0x00 escaped as 0x00 0xFF, terminated 0x00 0x01
//   date 0x40: ordered int32 days
//   list 0x50 / map 0x60: the tagged encoding, escaped like a string
// Every ordval is prefix-free, so "ordval node" seeks work by prefix.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "storage/graph_store.h"
#include "storage/status.h"
#include "storage/value.h"

namespace trendgraph::storage::keys {

// Version 1: with the 'T' type index. Version 2: without it.
inline constexpr uint32_t kFormatVersion = 2;
// The graph id of the meta range.
inline constexpr uint32_t kMetaGraph = 0;

// Append only, never renumber: on-disk format.
enum class Tag : char {
  kMetaVersion = 'V',
  kMetaGraph = 'G',
  kMetaNextGraph = 'n',
  kNode = 'N',
  kRel = 'R',
  kAdj = 'A',
  kLabel = 'L',
  kType = 'T',  // format 1 only; never reuse
  kUnique = 'U',
  kPropIndex = 'P',
  kIndexDef = 'I',
  kTokenName = 'K',
  kTokenId = 'k',
  kCounter = 'C',
  kDeletedNode = 'D',
  kSide = 'S',
};

// Append only, never renumber: on-disk format.
enum class TokenKind : uint8_t { kLabel = 0, kType = 1, kPropKey = 2 };

// Append only, never renumber: on-disk format.
enum class CounterKind : uint8_t {
  kNodes = 0,
  kRels = 1,
  kNextNode = 2,
  kNextRel = 3,
  kLabel = 4,  // followed by label:u32
  kType = 5,   // followed by type:u32
};

// Append only, never renumber: on-disk format (ordval class bytes).
enum class OrderedClass : uint8_t {
  kBool = 0x10,
  kNumber = 0x20,
  kNaN = 0x21,
  kString = 0x30,
  kDate = 0x40,
  kList = 0x50,
  kMap = 0x60,
};

// ---- fixed-width and varint primitives ----

inline void PutU32BE(std::string* out, uint32_t v) {
  char b[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
               static_cast<char>(v)};
  out->append(b, 4);
}
inline void PutU64BE(std::string* out, uint64_t v) {
  char b[8];
  for (int i = 7; i >= 0; --i) {
    b[i] = static_cast<char>(v);
    v >>= 8;
  }
  out->append(b, 8);
}
// An 8-byte big-endian value: unique-index entries and counters.
inline std::string U64Value(uint64_t v) {
  std::string s;
  PutU64BE(&s, v);
  return s;
}
inline uint32_t GetU32BE(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return (uint32_t{u[0]} << 24) | (uint32_t{u[1]} << 16) | (uint32_t{u[2]} << 8) | uint32_t{u[3]};
}
inline uint64_t GetU64BE(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | u[i];
  return v;
}
void PutVarint(std::string* out, uint64_t v);
// Consumes a varint from the front of *in; false on truncation/overflow.
bool GetVarint(std::string_view* in, uint64_t* v);
inline uint64_t ZigZag(int64_t v) { return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63); }
inline int64_t UnZigZag(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }

// The smallest key greater than every key starting with `prefix` ("" if none
// exists, i.e. prefix is all 0xFF).
std::string PrefixSuccessor(std::string_view prefix);

// ---- keys ----

std::string GraphPrefix(uint32_t graph);
std::string MetaKey(Tag tag);
std::string CatalogueKey(std::string_view graph_name);
std::string CataloguePrefix();

std::string NodeKey(uint32_t g, NodeId id);
inline constexpr size_t kNodeKeySize = 4 + 1 + 8;
std::string NodePrefix(uint32_t g);
std::string RelKey(uint32_t g, RelId id);
std::string RelPrefix(uint32_t g);
std::string AdjKey(uint32_t g, NodeId node, Direction dir, TypeId type, NodeId other, RelId rel);
std::string AdjPrefix(uint32_t g, NodeId node, Direction dir);
std::string AdjTypePrefix(uint32_t g, NodeId node, Direction dir, TypeId type);
// Parses the (type, other, rel) part of an adjacency key.
bool ParseAdjKey(std::string_view key, AdjEntry* out);
inline constexpr size_t kAdjKeySize = 4 + 1 + 8 + 1 + 4 + 8 + 8;
inline constexpr size_t kAdjNodePrefixSize = 4 + 1 + 8;
std::string LabelKey(uint32_t g, LabelId label, NodeId node);
std::string LabelPrefix(uint32_t g, LabelId label);
// The prefix "[g]'U' label key" / "[g]'P' label key" of an index.
std::string IndexPrefix(uint32_t g, Tag tag, LabelId label, PropKeyId key);
std::string IndexDefKey(uint32_t g, LabelId label, PropKeyId key);
std::string IndexDefPrefix(uint32_t g);
std::string TokenNameKey(uint32_t g, TokenKind kind, uint32_t id);
std::string TokenNamePrefix(uint32_t g, TokenKind kind);
std::string TokenIdKey(uint32_t g, TokenKind kind, std::string_view name);
std::string CounterKey(uint32_t g, CounterKind kind);
std::string CounterKey(uint32_t g, CounterKind kind, uint32_t id);
std::string CounterPrefix(uint32_t g);
std::string DeletedNodeKey(uint32_t g, NodeId id);
std::string DeletedNodePrefix(uint32_t g);
// "[g]'S' key" (SidePrefix: "[g]'S'"). The caller's bytes follow verbatim,
// so side keys sort as the caller's keys do.
std::string SideKey(uint32_t g, std::string_view key);
inline constexpr size_t kSideKeyPrefixSize = 4 + 1;
// The id in the last 8 bytes of a key (node/rel/label/type/property index).
inline uint64_t TrailingId(std::string_view key) { return GetU64BE(key.data() + key.size() - 8); }

// ---- values ----

// Appends the tagged encoding. InvalidArgument for runtime kinds.
Status EncodeValue(const Value& v, std::string* out);
// Consumes one tagged value from the front of *in; false if malformed.
bool DecodeValue(std::string_view* in, Value* out);

// Appends a property list (must be sorted by key, no nulls; checked by the
// caller). InvalidArgument for unstorable values.
Status EncodeProperties(const Properties& props, std::string* out);
bool DecodeProperties(std::string_view in, Properties* out);
// Finds one property in an encoded property list. Returns false if malformed;
// *out is null when the key is absent.
bool FindProperty(std::string_view in, PropKeyId key, Value* out);

Status EncodeNodeRecord(const std::vector<LabelId>& labels, const Properties& props, std::string* out);
bool DecodeNodeRecord(std::string_view in, NodeRecord* out);
// Decodes only the labels; *props_out (optional) gets the property bytes.
bool DecodeNodeLabels(std::string_view in, std::vector<LabelId>* labels, std::string_view* props_out);
// The property bytes of an encoded node record, skipping its labels.
bool NodePropertyBytes(std::string_view in, std::string_view* props_out);
Status EncodeRelRecord(TypeId type, NodeId start, NodeId end, const Properties& props, std::string* out);
bool DecodeRelRecord(std::string_view in, RelRecord* out);
// Decodes type/start/end; *props_out (optional) gets the property bytes.
bool DecodeRelHeader(std::string_view in, TypeId* type, NodeId* start, NodeId* end,
                     std::string_view* props_out);

// Appends the order-preserving encoding. InvalidArgument for null and
// runtime kinds.
Status EncodeOrdered(const Value& v, std::string* out);
// The class byte `v` would get (bool, number, string ...); false for null
// and runtime kinds.
bool OrderedClassOf(const Value& v, OrderedClass* out);

}  // namespace trendgraph::storage::keys

// Test helpers: a full textual dump of a graph, and a checker that every
// index, adjacency entry and counter agrees with the node/rel records.
#pragma once

#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <tuple>

#include "storage/graph_store.h"

namespace trendgraph::storage::testing {

// Everything visible through the reader, by names (not ids), in id order.
inline std::string Dump(Graph& graph, GraphReader& r) {
  std::ostringstream out;
  auto props = [&](const Properties& p) {
    std::string s = "{";
    for (const auto& [k, v] : p) s += graph.PropKeyName(k) + ": " + v.DebugString() + ", ";
    return s + "}";
  };
  for (auto it = r.ScanNodes(); it->Valid(); it->Next()) {
    NodeRecord n;
    if (!r.GetNode(it->id(), &n).ok()) return "error reading node";
    out << "node " << n.id << " :";
    for (LabelId l : n.labels) out << graph.LabelName(l) << ":";
    out << " " << props(n.props) << "\n";
  }
  for (auto it = r.ScanRels(); it->Valid(); it->Next()) {
    RelRecord rel;
    if (!r.GetRel(it->id(), &rel).ok()) return "error reading rel";
    out << "rel " << rel.id << " " << rel.start << "-[" << graph.TypeName(rel.type) << "]->" << rel.end << " "
        << props(rel.props) << "\n";
  }
  GraphCounts c = graph.Counts();
  out << "counts " << r.NodeCount() << " " << r.RelCount();
  for (const auto& [name, n] : c.by_label) out << " " << name << "=" << n;
  for (const auto& [name, n] : c.by_type) out << " " << name << "=" << n;
  out << "\nindexes";
  for (const IndexInfo& i : graph.Indexes())
    out << " " << graph.LabelName(i.label) << "." << graph.PropKeyName(i.key) << "/" << static_cast<int>(i.kind);
  out << "\n";
  return out.str();
}

// Returns "" when consistent, else a description of the first problems.
inline std::string CheckConsistency(Graph& graph, GraphReader& r) {
  std::ostringstream bad;
  std::map<LabelId, std::set<NodeId>> by_label;
  std::map<NodeId, NodeRecord> nodes;
  for (auto it = r.ScanNodes(); it->Valid(); it->Next()) {
    NodeRecord n;
    if (!r.GetNode(it->id(), &n).ok()) bad << "scanned node " << it->id() << " unreadable\n";
    for (LabelId l : n.labels) by_label[l].insert(n.id);
    nodes.emplace(n.id, std::move(n));
  }
  if (nodes.size() != r.NodeCount()) bad << "NodeCount " << r.NodeCount() << " != scanned " << nodes.size() << "\n";
  for (const std::string& name : graph.Labels()) {
    LabelId l = *graph.FindLabel(name);
    std::set<NodeId> scanned;
    for (auto it = r.ScanLabel(l); it->Valid(); it->Next()) scanned.insert(it->id());
    if (scanned != by_label[l]) bad << "label index of " << name << " disagrees with node records\n";
    if (r.NodeCountByLabel(l) != by_label[l].size())
      bad << "count of label " << name << " is " << r.NodeCountByLabel(l) << ", records say " << by_label[l].size()
          << "\n";
  }
  using Adj = std::tuple<NodeId, int, TypeId, NodeId, RelId>;
  std::set<Adj> expected_adj, actual_adj;
  std::map<TypeId, std::set<RelId>> by_type;
  uint64_t rels = 0;
  for (auto it = r.ScanRels(); it->Valid(); it->Next()) {
    RelRecord rel;
    if (!r.GetRel(it->id(), &rel).ok()) bad << "scanned rel " << it->id() << " unreadable\n";
    ++rels;
    if (!nodes.count(rel.start) || !nodes.count(rel.end)) bad << "rel " << rel.id << " has a missing endpoint\n";
    by_type[rel.type].insert(rel.id);
    expected_adj.emplace(rel.start, 0, rel.type, rel.end, rel.id);
    expected_adj.emplace(rel.end, 1, rel.type, rel.start, rel.id);
  }
  if (rels != r.RelCount()) bad << "RelCount " << r.RelCount() << " != scanned " << rels << "\n";
  for (const auto& [id, n] : nodes) {
    for (Direction d : {Direction::kOut, Direction::kIn}) {
      uint64_t deg = 0;
      for (auto it = r.Adjacency(id, d, std::nullopt); it->Valid(); it->Next()) {
        const AdjEntry& e = it->entry();
        actual_adj.emplace(id, static_cast<int>(d), e.type, e.other, e.rel);
        ++deg;
      }
      if (deg != r.Degree(id, d, std::nullopt)) bad << "Degree disagrees with Adjacency for node " << id << "\n";
    }
  }
  if (expected_adj != actual_adj)
    bad << "adjacency: " << expected_adj.size() << " expected entries, " << actual_adj.size() << " found\n";
  for (const std::string& name : graph.Types()) {
    TypeId t = *graph.FindType(name);
    std::set<RelId> scanned;
    for (auto it = r.ScanRelType(t); it->Valid(); it->Next()) scanned.insert(it->id());
    if (scanned != by_type[t]) bad << "type index of " << name << " disagrees with rel records\n";
    if (r.RelCountByType(t) != by_type[t].size()) bad << "count of type " << name << " is wrong\n";
  }
  for (const IndexInfo& index : graph.Indexes()) {
    std::set<NodeId> with_value;
    for (NodeId id : by_label[index.label]) {
      const Properties& p = nodes[id].props;
      auto it = std::find_if(p.begin(), p.end(), [&](const auto& kv) { return kv.first == index.key; });
      if (it == p.end()) continue;
      with_value.insert(id);
      if (index.kind == IndexInfo::Kind::kUnique) {
        NodeId found = 0;
        if (!r.LookupUnique(index.label, index.key, it->second, &found).ok() || found != id)
          bad << "unique index misses node " << id << "\n";
      } else {
        bool hit = false;
        for (auto s = r.IndexSeek(index.label, index.key, it->second); s->Valid(); s->Next()) hit |= s->id() == id;
        if (!hit) bad << "property index misses node " << id << "\n";
      }
    }
    std::set<NodeId> indexed;
    for (auto it = r.IndexRange(index.label, index.key, Value(), true, Value(), true); it->Valid(); it->Next())
      indexed.insert(it->id());
    if (indexed != with_value)
      bad << "index (" << graph.LabelName(index.label) << ", " << graph.PropKeyName(index.key) << ") has "
          << indexed.size() << " entries for " << with_value.size() << " nodes\n";
  }
  return bad.str();
}

}  // namespace trendgraph::storage::testing

#include "query/planner/planner.h"

#include <algorithm>
#include <functional>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <string_view>

#include "query/expression/value_ops.h"
#include "query/query_exception.h"

namespace trendgraph::query {

const char* LogicalOpName(LogicalOpKind kind) {
  switch (kind) {
    case LogicalOpKind::kOnce: return "Once";
    case LogicalOpKind::kArgument: return "Argument";
    case LogicalOpKind::kNodeScan: return "NodeScan";
    case LogicalOpKind::kNodeIndexSeek: return "NodeIndexSeek";
    case LogicalOpKind::kNodeIndexRange: return "NodeIndexRange";
    case LogicalOpKind::kExpand: return "Expand";
    case LogicalOpKind::kVarExpand: return "VarLengthExpand";
    case LogicalOpKind::kShortestPath: return "ShortestPath";
    case LogicalOpKind::kFilter: return "Filter";
    case LogicalOpKind::kNodeFilter: return "NodeFilter";
    case LogicalOpKind::kRelFilter: return "RelFilter";
    case LogicalOpKind::kProjection: return "Projection";
    case LogicalOpKind::kAggregate: return "Aggregate";
    case LogicalOpKind::kDistinct: return "Distinct";
    case LogicalOpKind::kSort: return "Sort";
    case LogicalOpKind::kSkip: return "Skip";
    case LogicalOpKind::kLimit: return "Limit";
    case LogicalOpKind::kUnwind: return "Unwind";
    case LogicalOpKind::kOptional: return "Optional";
    case LogicalOpKind::kUnion: return "Union";
    case LogicalOpKind::kEager: return "Eager";
    case LogicalOpKind::kProcedureCall: return "ProcedureCall";
    case LogicalOpKind::kCreate: return "Create";
    case LogicalOpKind::kMerge: return "Merge";
    case LogicalOpKind::kSet: return "Set";
    case LogicalOpKind::kRemove: return "Remove";
    case LogicalOpKind::kDelete: return "Delete";
    case LogicalOpKind::kApply: return "Apply";
  }
  return "?";
}

namespace {

using SlotSet = std::set<int>;

// Free variables of an expression: slots it reads that are not bound inside
// it (comprehension variables) — what must be bound before it can run.
void CollectSlots(const BoundExpr* e, SlotSet* used, SlotSet* local) {
  if (!e) return;
  switch (e->kind) {
    case BoundExprKind::kVariable: used->insert(e->slot); break;
    case BoundExprKind::kMapProjection: used->insert(e->slot); break;
    case BoundExprKind::kListComprehension:
    case BoundExprKind::kQuantifier: local->insert(e->slot); break;
    case BoundExprKind::kReduce:
      local->insert(e->slot);
      local->insert(e->slot2);
      break;
    case BoundExprKind::kBuildPath:
      for (auto& el : e->path_elements) used->insert(el.slot);
      break;
    case BoundExprKind::kSubquery:
      for (int s : e->subquery->outer_slots) used->insert(s);
      break;
    default: break;
  }
  for (auto& c : e->children) CollectSlots(c.get(), used, local);
}

SlotSet FreeSlots(const BoundExpr* e) {
  SlotSet used, local;
  CollectSlots(e, &used, &local);
  for (int s : local) used.erase(s);
  return used;
}

bool Covered(const SlotSet& need, const SlotSet& have) {
  for (int s : need)
    if (!have.count(s)) return false;
  return true;
}

void SplitConjuncts(const BoundExpr* e, std::vector<const BoundExpr*>* out) {
  if (!e) return;
  if (e->kind == BoundExprKind::kBinary && e->bop == BinaryOp::kAnd) {
    SplitConjuncts(e->children[0].get(), out);
    SplitConjuncts(e->children[1].get(), out);
    return;
  }
  out->push_back(e);
}

std::string ExprText(const BoundExpr* e, const BoundQuery& q);

bool Deterministic(const BoundExpr* e) {
  if (!e) return true;
  if (e->kind == BoundExprKind::kFunction && !e->fn->deterministic) return false;
  for (auto& c : e->children)
    if (!Deterministic(c.get())) return false;
  return true;
}

// Below a consumer that keeps distinct rows only, rows that differ only in a
// variable-length relationship list nobody reads are duplicates: then the
// VarExpand may emit each end node once per input row instead of once per
// trail (VarExpandOp's breadth-first mode; see there for why the end nodes
// are the same). `reads` holds the slots the consumer reads; the walk goes
// down through filters and projections (adding what they read) to the
// expansion, and gives up at anything else (a LIMIT, another expansion, an
// OPTIONAL: each of them counts rows).
void MarkDistinctEnds(LogicalOperator* op, SlotSet reads) {
  auto read = [&](const BoundExpr* e) {
    if (!Deterministic(e)) return false;  // rand() per duplicate row would change the odds
    for (int s : FreeSlots(e)) reads.insert(s);
    return true;
  };
  for (;;) {
    switch (op->kind) {
      case LogicalOpKind::kFilter:
        if (!read(op->value)) return;
        break;
      case LogicalOpKind::kNodeFilter:
        for (auto& [k, v] : op->properties)
          if (!read(v)) return;
        break;
      case LogicalOpKind::kProjection:
        for (auto& [slot, e] : op->items)
          if (!read(e)) return;
        break;
      case LogicalOpKind::kVarExpand:
        if (reads.count(op->rel_slot) || op->into || op->rel_bound || !op->distinct_rels.empty() ||
            !op->properties.empty() || op->min_hops > 1 || op->max_hops < 1 || op->max_hops > 2)
          return;
        op->distinct_ends = true;
        return;
      default: return;
    }
    op = op->children[0].get();
  }
}


class Planner {
 public:
  Planner(BoundQuery& q, storage::Graph& g, storage::GraphReader& r) : q_(q), g_(g), r_(r) {}

  LogicalOpPtr PlanSingle(BoundSingleQuery& sq, bool correlated = false);
  void PlanSubqueriesIn(BoundExpr* e);

 private:
  LogicalOpPtr Make(LogicalOpKind kind, LogicalOpPtr input) {
    auto op = std::make_shared<LogicalOperator>(kind);
    if (input) op->children.push_back(std::move(input));
    return op;
  }

  struct Pending {
    const BoundExpr* expr;
    SlotSet needs;
    bool placed = false;
  };

  LogicalOpPtr PlaceFilters(LogicalOpPtr op, std::vector<Pending>* pending) {
    for (auto& p : *pending) {
      if (p.placed || !Covered(p.needs, bound_)) continue;
      auto f = Make(LogicalOpKind::kFilter, op);
      f->value = p.expr;
      f->estimate = op->estimate * 0.5;
      MarkFilterMemo(f.get(), p.needs);
      op = f;
      p.placed = true;
    }
    return op;
  }

  // Sets the filter's memo_slot/slots (logical_plan.h) when its predicate is
  // a pure function of at most four node variables, one of them bound by the
  // expansion or scan right below (through other filters): the one that
  // changes from row to row.
  void MarkFilterMemo(LogicalOperator* f, const SlotSet& needs) {
    if (needs.empty() || needs.size() > 4 || !PureOfEntities(f->value)) return;
    for (int s : needs)
      if (q_.symbols[s].kind != SymbolKind::kNode) return;
    const LogicalOperator* below = f->children[0].get();
    while ((below->kind == LogicalOpKind::kFilter || below->kind == LogicalOpKind::kNodeFilter) &&
           !below->children.empty())
      below = below->children[0].get();
    bool binds = (below->kind == LogicalOpKind::kExpand && !below->into) ||
                 below->kind == LogicalOpKind::kNodeScan || below->kind == LogicalOpKind::kNodeIndexSeek ||
                 below->kind == LogicalOpKind::kNodeIndexRange;
    if (!binds || !needs.count(below->slot)) return;
    f->memo_slot = below->slot;
    for (int s : needs)
      if (s != below->slot) f->slots.push_back(s);
  }
  // True when the aggregation's one key is `n.k` of its one entity slot n,
  // and a label filter, scan or seek below (in the pipeline that feeds it,
  // through single-input operators) gives n a label L with a unique index on
  // (L, k): two nodes then never share a non-null key, and the executor
  // need not look a non-null key up to merge groups (Q7, Q3a: t.name).
  bool InjectiveKey(const LogicalOperator& agg) {
    const BoundExpr* e = agg.items[0].second;
    const int n = agg.slots[0];
    if (e->kind != BoundExprKind::kProperty || e->children[0]->kind != BoundExprKind::kVariable ||
        e->children[0]->slot != n || q_.symbols[n].kind != SymbolKind::kNode)
      return false;
    auto key = g_.FindPropKey(e->name);
    if (!key) return false;
    auto unique_on = [&](const std::string& label) {
      auto lid = g_.FindLabel(label);
      if (!lid) return false;
      auto idx = g_.FindIndex(*lid, *key);
      return idx && idx->kind == storage::IndexInfo::Kind::kUnique;
    };
    for (const LogicalOperator* op = agg.children.empty() ? nullptr : agg.children[0].get(); op != nullptr;
         op = op->children.size() == 1 ? op->children[0].get() : nullptr) {
      switch (op->kind) {
        case LogicalOpKind::kNodeFilter:
          if (op->slot == n)
            for (auto& l : op->labels)
              if (unique_on(l)) return true;
          break;
        case LogicalOpKind::kNodeScan:
        case LogicalOpKind::kNodeIndexSeek:
        case LogicalOpKind::kNodeIndexRange:
          if (op->slot == n && !op->label.empty() && unique_on(op->label)) return true;
          break;
        case LogicalOpKind::kFilter:
        case LogicalOpKind::kRelFilter:
        case LogicalOpKind::kExpand:
        case LogicalOpKind::kVarExpand:
          break;
        default: return false;  // rows from elsewhere (union, optional, apply ...): no guarantee
      }
    }
    return false;
  }

  // No subquery (it could read relationships, paths ...), nothing
  // non-deterministic.
  static bool PureOfEntities(const BoundExpr* e) {
    if (!e) return true;
    if (e->kind == BoundExprKind::kSubquery || e->kind == BoundExprKind::kBuildPath) return false;
    if (e->kind == BoundExprKind::kFunction && !e->fn->deterministic) return false;
    for (auto& c : e->children)
      if (!PureOfEntities(c.get())) return false;
    return true;
  }

  LogicalOpPtr PlanParts(LogicalOpPtr op, std::vector<BoundPatternPart>& parts, const BoundExpr* where);
  LogicalOpPtr PlanPart(LogicalOpPtr op, BoundPatternPart& part, std::vector<Pending>* pending,
                        std::vector<int>* clause_rels);
  LogicalOpPtr BindNode(LogicalOpPtr op, const BoundNodePattern& n, std::vector<Pending>* pending);
  LogicalOpPtr NodeFilter(LogicalOpPtr op, const BoundNodePattern& n, const std::string& skip_label,
                          const std::string& skip_key);
  double NodeCost(const BoundNodePattern& n, const std::vector<Pending>* pending, std::string* label,
                  std::string* key, const BoundExpr** value, bool* unique);
  LogicalOpPtr PlanProjection(LogicalOpPtr op, BoundProjection& p);

  BoundQuery& q_;
  storage::Graph& g_;
  storage::GraphReader& r_;
  SlotSet bound_;
  // Set by NodeCost when its choice is an index range scan (key set, value
  // null): the bounds.
  struct RangeChoice {
    const BoundExpr* lower = nullptr;
    bool lower_inclusive = false;
    const BoundExpr* upper = nullptr;
    bool upper_inclusive = false;
  } range_;
};

double Planner::NodeCost(const BoundNodePattern& n, const std::vector<Pending>* pending, std::string* label,
                         std::string* key, const BoundExpr** value, bool* unique) {
  label->clear();
  key->clear();
  *value = nullptr;
  *unique = false;
  range_ = RangeChoice();
  if (bound_.count(n.slot)) return 0;
  // Range candidates: WHERE conjuncts `n.key < expr` (either side) per key.
  std::map<std::string, RangeChoice> ranges;
  if (pending) {
    for (auto& p : *pending) {
      const BoundExpr* c = p.expr;
      if (c->kind != BoundExprKind::kComparison || c->cops.size() != 1) continue;
      CompareOp op = c->cops[0];
      if (op == CompareOp::kEq || op == CompareOp::kNe) continue;
      for (int side = 0; side < 2; ++side) {
        const BoundExpr* prop = c->children[side].get();
        const BoundExpr* other = c->children[1 - side].get();
        if (prop->kind != BoundExprKind::kProperty || prop->children[0]->kind != BoundExprKind::kVariable ||
            prop->children[0]->slot != n.slot)
          continue;
        SlotSet need = FreeSlots(other);
        if (need.count(n.slot) || !Covered(need, bound_)) continue;
        // Normalise to `prop op other`.
        CompareOp o = op;
        if (side == 1) o = op == CompareOp::kLt ? CompareOp::kGt : op == CompareOp::kGt ? CompareOp::kLt
                          : op == CompareOp::kLe ? CompareOp::kGe : CompareOp::kLe;
        RangeChoice& r = ranges[prop->name];
        if (o == CompareOp::kGt || o == CompareOp::kGe) {
          r.lower = other;
          r.lower_inclusive = o == CompareOp::kGe;
        } else {
          r.upper = other;
          r.upper_inclusive = o == CompareOp::kLe;
        }
      }
    }
  }
  double best = static_cast<double>(r_.NodeCount());
  // Equality candidates: inline properties and WHERE conjuncts `n.key = expr`.
  std::vector<std::pair<std::string, const BoundExpr*>> eqs;
  for (auto& [k, v] : n.properties)
    if (Covered(FreeSlots(v.get()), bound_)) eqs.emplace_back(k, v.get());
  if (pending) {
    for (auto& p : *pending) {
      const BoundExpr* c = p.expr;
      if (c->kind != BoundExprKind::kComparison || c->cops.size() != 1 || c->cops[0] != CompareOp::kEq) continue;
      for (int side = 0; side < 2; ++side) {
        const BoundExpr* prop = c->children[side].get();
        const BoundExpr* other = c->children[1 - side].get();
        if (prop->kind == BoundExprKind::kProperty && prop->children[0]->kind == BoundExprKind::kVariable &&
            prop->children[0]->slot == n.slot) {
          SlotSet need = FreeSlots(other);
          if (!need.count(n.slot) && Covered(need, bound_)) eqs.emplace_back(prop->name, other);
        }
      }
    }
  }
  for (auto& l : n.labels) {
    auto lid = g_.FindLabel(l);
    if (!lid) {  // no node has this label (yet)
      *label = l;
      return 0;
    }
    double c = static_cast<double>(r_.NodeCountByLabel(*lid));
    for (auto& [k, v] : eqs) {
      auto kid = g_.FindPropKey(k);
      if (!kid) continue;
      auto idx = g_.FindIndex(*lid, *kid);
      if (!idx) continue;
      bool uniq = idx->kind == storage::IndexInfo::Kind::kUnique;
      double ic = uniq ? 1.0 : std::max(1.0, std::min(c, 10.0));
      if (ic < best || (ic == best && !key->empty() && uniq && !*unique)) {
        best = ic;
        *label = l;
        *key = k;
        *value = v;
        *unique = uniq;
      }
    }
    for (auto& [k, r] : ranges) {
      auto kid = g_.FindPropKey(k);
      if (!kid || !g_.FindIndex(*lid, *kid)) continue;
      double rc = std::max(1.0, c / ((r.lower && r.upper) ? 10.0 : 3.0));
      if (rc < best && rc < c) {
        best = rc;
        *label = l;
        *key = k;
        *value = nullptr;
        *unique = false;
        range_ = r;
      }
    }
    if (c < best) {
      best = c;
      *label = l;
      key->clear();
      *value = nullptr;
      *unique = false;
      range_ = RangeChoice();
    }
  }
  return best;
}

LogicalOpPtr Planner::NodeFilter(LogicalOpPtr op, const BoundNodePattern& n, const std::string& skip_label,
                                 const std::string& skip_key) {
  std::vector<std::string> labels;
  for (auto& l : n.labels)
    if (l != skip_label) labels.push_back(l);
  std::vector<std::pair<std::string, const BoundExpr*>> props;
  for (auto& [k, v] : n.properties)
    if (k != skip_key) props.emplace_back(k, v.get());
  if (labels.empty() && props.empty()) return op;
  auto f = Make(LogicalOpKind::kNodeFilter, op);
  f->slot = n.slot;
  f->labels = std::move(labels);
  f->properties = std::move(props);
  f->estimate = op->estimate * 0.5;
  return f;
}

LogicalOpPtr Planner::BindNode(LogicalOpPtr op, const BoundNodePattern& n, std::vector<Pending>* pending) {
  if (bound_.count(n.slot)) return NodeFilter(op, n, "", "");
  std::string label, key;
  const BoundExpr* value = nullptr;
  bool unique = false;
  double cost = NodeCost(n, pending, &label, &key, &value, &unique);
  double in = std::max(1.0, op->estimate);
  LogicalOpPtr scan;
  if (!value && !key.empty()) {
    scan = Make(LogicalOpKind::kNodeIndexRange, op);
    scan->label = label;
    scan->key = key;
    scan->value = range_.lower;
    scan->lower_inclusive = range_.lower_inclusive;
    scan->value2 = range_.upper;
    scan->upper_inclusive = range_.upper_inclusive;
  } else if (value) {
    scan = Make(LogicalOpKind::kNodeIndexSeek, op);
    scan->label = label;
    scan->key = key;
    scan->value = value;
    scan->unique_index = unique;
  } else {
    scan = Make(LogicalOpKind::kNodeScan, op);
    scan->label = label;
  }
  scan->slot = n.slot;
  scan->estimate = in * cost;
  bound_.insert(n.slot);
  // The seek key may come from WHERE; the inline one is then re-checked.
  bool key_inline = false;
  for (auto& [k, v] : n.properties)
    if (k == key && v.get() == value) key_inline = true;
  return NodeFilter(scan, n, label, key_inline ? key : "");
}

LogicalOpPtr Planner::PlanPart(LogicalOpPtr op, BoundPatternPart& part, std::vector<Pending>* pending,
                               std::vector<int>* clause_rels) {
  auto rel_filter = [&](LogicalOpPtr in, const BoundRelPattern& r) {
    if (r.properties.empty() || r.variable_length) return in;
    auto f = Make(LogicalOpKind::kRelFilter, in);
    f->rel_slot = r.slot;
    for (auto& [k, v] : r.properties) f->properties.emplace_back(k, v.get());
    f->estimate = in->estimate * 0.5;
    return f;
  };
  if (part.kind != PathKind::kNormal) {
    if (part.rels.size() != 1 || part.nodes.size() != 2) {
      throw ExecutorException(MakeError(ErrorCode::kSyntaxError,
                                        "shortestPath requires a pattern with exactly one relationship",
                                        part.position, "UnexpectedSyntax"));
    }
    op = BindNode(op, part.nodes[0], pending);
    op = PlaceFilters(op, pending);
    op = BindNode(op, part.nodes[1], pending);
    op = PlaceFilters(op, pending);
    auto& r = part.rels[0];
    auto sp = Make(LogicalOpKind::kShortestPath, op);
    sp->from_slot = part.nodes[0].slot;
    sp->slot = part.nodes[1].slot;
    sp->rel_slot = r.slot;
    sp->path_slot = part.path_slot;
    sp->types = r.types;
    sp->direction = r.direction;
    sp->min_hops = r.variable_length ? r.min_hops : 1;
    sp->max_hops = r.variable_length ? r.max_hops : 1;
    sp->all_shortest = part.kind == PathKind::kAllShortest;
    for (auto& [k, v] : r.properties) sp->properties.emplace_back(k, v.get());
    sp->estimate = op->estimate;
    bound_.insert(r.slot);
    if (part.path_slot >= 0) bound_.insert(part.path_slot);
    return PlaceFilters(sp, pending);
  }
  // Pick the cheapest start node.
  size_t start = 0;
  double best = std::numeric_limits<double>::infinity();
  for (size_t i = 0; i < part.nodes.size(); ++i) {
    std::string l, k;
    const BoundExpr* v;
    bool u;
    double c = NodeCost(part.nodes[i], pending, &l, &k, &v, &u);
    if (c < best) {
      best = c;
      start = i;
    }
  }
  op = BindNode(op, part.nodes[start], pending);
  op = PlaceFilters(op, pending);
  auto expand = [&](size_t rel_index, size_t from, size_t to) {
    auto& r = part.rels[rel_index];
    bool reversed = to < from;
    PatternDirection dir = r.direction;
    if (reversed && dir != PatternDirection::kBoth)
      dir = dir == PatternDirection::kLeftToRight ? PatternDirection::kRightToLeft : PatternDirection::kLeftToRight;
    auto& tn = part.nodes[to];
    bool into = bound_.count(tn.slot) > 0;
    auto e = Make(r.variable_length ? LogicalOpKind::kVarExpand : LogicalOpKind::kExpand, op);
    e->from_slot = part.nodes[from].slot;
    e->slot = tn.slot;
    e->rel_slot = r.slot;
    e->types = r.types;
    e->direction = dir;
    e->into = into;
    e->rel_bound = bound_.count(r.slot) > 0;
    e->reverse_list = reversed && r.variable_length;
    e->min_hops = r.min_hops;
    e->max_hops = r.max_hops;
    e->distinct_rels = *clause_rels;
    if (r.variable_length)
      for (auto& [k, v] : r.properties) e->properties.emplace_back(k, v.get());
    double fanout = 1;
    if (!r.types.empty()) {
      double total = 0;
      for (auto& t : r.types)
        if (auto tid = g_.FindType(t)) total += static_cast<double>(r_.RelCountByType(*tid));
      double nodes = std::max<double>(1, r_.NodeCount());
      fanout = std::max(1.0, total / nodes);
    } else {
      fanout = std::max(1.0, static_cast<double>(r_.RelCount()) / std::max<double>(1, r_.NodeCount()));
    }
    e->estimate = op->estimate * (into ? 1 : fanout);
    clause_rels->push_back(r.slot);
    bound_.insert(r.slot);
    bound_.insert(tn.slot);
    op = rel_filter(e, r);
    op = NodeFilter(op, tn, "", "");
    op = PlaceFilters(op, pending);
  };
  for (size_t j = start; j + 1 < part.nodes.size(); ++j) expand(j, j, j + 1);
  for (size_t j = start; j > 0; --j) expand(j - 1, j, j - 1);
  if (part.path_slot >= 0) {
    auto path = std::make_unique<BoundExpr>(BoundExprKind::kBuildPath);
    for (size_t i = 0; i < part.nodes.size(); ++i) {
      path->path_elements.push_back(PathElement{PathElement::Kind::kNode, part.nodes[i].slot});
      if (i < part.rels.size())
        path->path_elements.push_back(PathElement{
            part.rels[i].variable_length ? PathElement::Kind::kRelList : PathElement::Kind::kRel, part.rels[i].slot});
    }
    auto p = Make(LogicalOpKind::kProjection, op);
    p->items.emplace_back(part.path_slot, path.get());
    p->owned.push_back(std::move(path));
    p->estimate = op->estimate;
    bound_.insert(part.path_slot);
    op = PlaceFilters(p, pending);
  }
  return op;
}

LogicalOpPtr Planner::PlanParts(LogicalOpPtr op, std::vector<BoundPatternPart>& parts, const BoundExpr* where) {
  std::vector<const BoundExpr*> conj;
  SplitConjuncts(where, &conj);
  std::vector<Pending> pending;
  for (auto* c : conj) {
    PlanSubqueriesIn(const_cast<BoundExpr*>(c));
    pending.push_back(Pending{c, FreeSlots(c)});
  }
  for (auto& part : parts)
    for (auto& n : part.nodes)
      for (auto& [k, v] : n.properties) PlanSubqueriesIn(v.get());
  op = PlaceFilters(op, &pending);
  std::vector<bool> done(parts.size(), false);
  std::vector<int> clause_rels;
  for (size_t round = 0; round < parts.size(); ++round) {
    // Prefer a part connected to what is bound; else the cheapest one.
    size_t pick = parts.size();
    double best = std::numeric_limits<double>::infinity();
    for (size_t i = 0; i < parts.size(); ++i) {
      if (done[i]) continue;
      double c = std::numeric_limits<double>::max();
      for (auto& n : parts[i].nodes) {
        std::string l, k;
        const BoundExpr* v;
        bool u;
        c = std::min(c, NodeCost(n, &pending, &l, &k, &v, &u));
      }
      if (c < best) {
        best = c;
        pick = i;
      }
    }
    if (pick == parts.size()) break;
    done[pick] = true;
    op = PlanPart(op, parts[pick], &pending, &clause_rels);
  }
  for (auto& p : pending) {
    if (p.placed) continue;
    auto f = Make(LogicalOpKind::kFilter, op);
    f->value = p.expr;
    f->estimate = op->estimate * 0.5;
    op = f;
    p.placed = true;
  }
  return op;
}

void Planner::PlanSubqueriesIn(BoundExpr* e) {
  if (!e) return;
  if (e->kind == BoundExprKind::kSubquery && !e->subquery->plan) {
    BoundSubquery& sq = *e->subquery;
    SlotSet saved = bound_;
    bound_ = SlotSet(sq.outer_slots.begin(), sq.outer_slots.end());
    auto leaf = Make(LogicalOpKind::kArgument, nullptr);
    leaf->estimate = 1;
    if (sq.query) {
      sq.plan = PlanSingle(*sq.query, true);
    } else {
      if (sq.projection) PlanSubqueriesIn(sq.projection.get());
      sq.plan = PlanParts(leaf, sq.parts, sq.where.get());
    }
    bound_ = std::move(saved);
  }
  for (auto& c : e->children) PlanSubqueriesIn(c.get());
}

LogicalOpPtr Planner::PlanProjection(LogicalOpPtr op, BoundProjection& p) {
  double in = op->estimate;
  for (auto& it : p.items) PlanSubqueriesIn(it.expr.get());
  for (auto& a : p.aggregates)
    for (auto& x : a.args) PlanSubqueriesIn(x.get());
  for (auto& s : p.order_by) PlanSubqueriesIn(s.expr.get());
  PlanSubqueriesIn(p.where.get());
  if (p.aggregating) {
    auto agg = Make(LogicalOpKind::kAggregate, op);
    for (auto& it : p.items)
      if (it.is_key) agg->items.emplace_back(it.slot, it.expr.get());
    agg->aggregates = &p.aggregates;
    // count(*)-only aggregation whose keys are functions of node or
    // relationship variables (t.name, labels(x)[0]) groups by the entities
    // first and evaluates the keys once per distinct entity combination.
    {
      bool eligible = !agg->items.empty();
      for (auto& a : p.aggregates)
        if (a.def) eligible = false;
      SlotSet ents;
      std::function<bool(const BoundExpr*)> pure = [&](const BoundExpr* e) {
        if (!e) return true;
        if (e->kind == BoundExprKind::kSubquery) return false;
        if (e->kind == BoundExprKind::kFunction && !e->fn->deterministic) return false;
        for (auto& c : e->children)
          if (!pure(c.get())) return false;
        return true;
      };
      for (auto& [slot, e] : agg->items) {
        if (!eligible) break;
        if (!pure(e)) eligible = false;
        for (int s : FreeSlots(e)) {
          SymbolKind k = q_.symbols[s].kind;
          if (k != SymbolKind::kNode && k != SymbolKind::kRel) eligible = false;
          ents.insert(s);
        }
      }
      if (eligible && !ents.empty()) agg->slots.assign(ents.begin(), ents.end());
      if (agg->slots.size() == 1 && agg->items.size() == 1) agg->injective_key = InjectiveKey(*agg);
    }
    // count(DISTINCT x), min and max see a duplicate row as nothing new.
    {
      bool duplicate_blind = true;
      SlotSet reads;
      for (auto& a : p.aggregates) {
        std::string_view name = a.def ? a.def->name : "";
        if (!((name == "count" && a.distinct) || name == "min" || name == "max")) duplicate_blind = false;
        for (auto& x : a.args) {
          if (!Deterministic(x.get())) duplicate_blind = false;
          for (int s : FreeSlots(x.get())) reads.insert(s);
        }
      }
      for (auto& [slot, e] : agg->items) {
        if (!Deterministic(e)) duplicate_blind = false;
        for (int s : FreeSlots(e)) reads.insert(s);
      }
      if (duplicate_blind) MarkDistinctEnds(op.get(), std::move(reads));
    }
    agg->estimate = agg->items.empty() ? 1 : std::max(1.0, in * 0.3);
    op = agg;
    auto proj = Make(LogicalOpKind::kProjection, op);
    for (auto& it : p.items)
      if (!it.is_key) proj->items.emplace_back(it.slot, it.expr.get());
    proj->estimate = op->estimate;
    if (!proj->items.empty()) op = proj;
  } else {
    auto proj = Make(LogicalOpKind::kProjection, op);
    for (auto& it : p.items)
      if (!it.passthrough) proj->items.emplace_back(it.slot, it.expr.get());
    proj->estimate = in;
    if (!proj->items.empty()) op = proj;
  }
  for (auto& it : p.items) bound_.insert(it.slot);
  if (p.distinct) {
    auto d = Make(LogicalOpKind::kDistinct, op);
    for (auto& it : p.items) d->slots.push_back(it.slot);
    d->estimate = op->estimate * 0.5;
    MarkDistinctEnds(op.get(), SlotSet(d->slots.begin(), d->slots.end()));
    op = d;
  }
  if (!p.order_by.empty()) {
    auto s = Make(LogicalOpKind::kSort, op);
    for (auto& it : p.order_by) s->sort_items.emplace_back(it.expr.get(), it.ascending);
    s->count = p.limit.get();
    s->count2 = p.skip.get();
    s->estimate = op->estimate;
    op = s;
  }
  if (p.skip) {
    auto s = Make(LogicalOpKind::kSkip, op);
    s->count = p.skip.get();
    s->estimate = op->estimate;
    op = s;
  }
  if (p.limit) {
    auto l = Make(LogicalOpKind::kLimit, op);
    l->count = p.limit.get();
    l->estimate = p.limit->IsConstant() && p.limit->constant.is_int()
                      ? std::min(op->estimate, static_cast<double>(p.limit->constant.as_int()))
                      : op->estimate;
    op = l;
  }
  if (p.where) {
    auto f = Make(LogicalOpKind::kFilter, op);
    f->value = p.where.get();
    f->estimate = op->estimate * 0.5;
    op = f;
  }
  return op;
}

void CollectPartSlots(const BoundPatternPart& part, SlotSet* out) {
  for (auto& n : part.nodes) out->insert(n.slot);
  for (auto& r : part.rels) out->insert(r.slot);
  if (part.path_slot >= 0) out->insert(part.path_slot);
}

LogicalOpPtr Planner::PlanSingle(BoundSingleQuery& sq, bool correlated) {
  if (!correlated) bound_.clear();
  auto op = Make(correlated ? LogicalOpKind::kArgument : LogicalOpKind::kOnce, nullptr);
  op->estimate = 1;
  bool reads = false, writes = false;
  auto eager = [&]() {
    auto e = Make(LogicalOpKind::kEager, op);
    e->estimate = op->estimate;
    op = e;
    reads = writes = false;
  };
  for (auto& c : sq.clauses) {
    switch (c.kind) {
      case ClauseKind::kMatch: {
        if (writes) eager();
        reads = true;
        if (c.optional) {
          SlotSet before = bound_;
          auto leaf = Make(LogicalOpKind::kArgument, nullptr);
          leaf->estimate = 1;
          auto branch = PlanParts(leaf, c.parts, c.where.get());
          auto opt = Make(LogicalOpKind::kOptional, op);
          opt->children.push_back(branch);
          for (int s : bound_)
            if (!before.count(s)) opt->slots.push_back(s);
          opt->estimate = op->estimate * std::max(1.0, branch->estimate);
          op = opt;
        } else {
          op = PlanParts(op, c.parts, c.where.get());
        }
        break;
      }
      case ClauseKind::kUnwind: {
        if (writes) eager();
        PlanSubqueriesIn(c.list.get());
        auto u = Make(LogicalOpKind::kUnwind, op);
        u->value = c.list.get();
        u->slot = c.slot;
        u->estimate = op->estimate * (c.list->IsConstant() && c.list->constant.is_list()
                                          ? static_cast<double>(c.list->constant.as_list().size())
                                          : 10.0);
        op = u;
        bound_.insert(c.slot);
        break;
      }
      case ClauseKind::kWith:
      case ClauseKind::kReturn:
        // Writes complete before anything downstream (a LIMIT 0 must not
        // suppress them).
        if (writes) eager();
        op = PlanProjection(op, c.projection);
        break;
      case ClauseKind::kCreate: {
        if (reads) eager();
        for (auto& part : c.parts)
          for (auto& n : part.nodes)
            for (auto& [k, v] : n.properties) PlanSubqueriesIn(v.get());
        auto cr = Make(LogicalOpKind::kCreate, op);
        cr->clause = &c;
        cr->estimate = op->estimate;
        op = cr;
        for (auto& part : c.parts) CollectPartSlots(part, &bound_);
        writes = true;
        break;
      }
      case ClauseKind::kMerge: {
        if (reads || writes) eager();
        SlotSet before = bound_;
        auto leaf = Make(LogicalOpKind::kArgument, nullptr);
        leaf->estimate = 1;
        auto branch = PlanParts(leaf, c.parts, nullptr);
        bound_ = before;
        CollectPartSlots(c.parts[0], &bound_);
        auto m = Make(LogicalOpKind::kMerge, op);
        m->children.push_back(branch);
        m->clause = &c;
        m->estimate = op->estimate;
        op = m;
        writes = true;
        break;
      }
      case ClauseKind::kSet:
      case ClauseKind::kRemove:
      case ClauseKind::kDelete: {
        if (reads) eager();
        for (auto& s : c.set_items) PlanSubqueriesIn(s.value.get());
        auto w = Make(c.kind == ClauseKind::kSet      ? LogicalOpKind::kSet
                      : c.kind == ClauseKind::kRemove ? LogicalOpKind::kRemove
                                                      : LogicalOpKind::kDelete,
                      op);
        w->clause = &c;
        w->estimate = op->estimate;
        op = w;
        writes = true;
        break;
      }
      case ClauseKind::kForeach:
      case ClauseKind::kCallSubquery: {
        // Reads before a writing subquery complete first, as for any write;
        // a reading subquery sees the writes before it.
        if (c.body_writes ? (reads || writes) : writes) eager();
        SlotSet before = bound_;
        LogicalOpPtr branch;
        if (c.body.size() == 1) {
          branch = PlanSingle(*c.body[0], true);
        } else {
          branch = Make(LogicalOpKind::kUnion, nullptr);
          bool distinct = false;
          for (bool all : c.body_union_all)
            if (!all) distinct = true;
          for (auto& part : c.body) {
            bound_ = before;
            branch->children.push_back(PlanSingle(*part, true));
            branch->union_inputs.push_back(part->output_slots);
            branch->estimate += branch->children.back()->estimate;
          }
          branch->slots = c.body_output_slots;
          if (distinct) {
            auto d = Make(LogicalOpKind::kDistinct, branch);
            d->slots = c.body_output_slots;
            d->estimate = branch->estimate;
            branch = d;
          }
        }
        bound_ = before;
        for (int s : c.body_output_slots) bound_.insert(s);
        auto a = Make(LogicalOpKind::kApply, op);
        a->children.push_back(branch);
        a->clause = &c;
        a->unit = c.body_output_slots.empty();
        a->estimate = a->unit ? op->estimate : op->estimate * std::max(1.0, branch->estimate);
        op = a;
        reads = true;
        if (c.body_writes) writes = true;
        break;
      }
      case ClauseKind::kCall: {
        if (writes) eager();
        reads = true;
        if (c.procedure->first.writes) writes = true;
        auto call = Make(LogicalOpKind::kProcedureCall, op);
        call->clause = &c;
        call->estimate = op->estimate * 10;
        op = call;
        for (auto& y : c.yields) bound_.insert(y.slot);
        if (c.where) {
          PlanSubqueriesIn(c.where.get());
          auto f = Make(LogicalOpKind::kFilter, op);
          f->value = c.where.get();
          f->estimate = op->estimate * 0.5;
          op = f;
        }
        break;
      }
    }
  }
  return op;
}

std::string ExprText(const BoundExpr* e, const BoundQuery& q) {
  if (!e) return "";
  switch (e->kind) {
    case BoundExprKind::kConstant: return e->constant.DebugString();
    case BoundExprKind::kVariable: {
      const auto& n = q.symbols[e->slot].name;
      if (n.rfind("  ", 0) != 0) return n;
      std::string anon("#");
      anon.append(std::to_string(e->slot));
      return anon;
    }
    case BoundExprKind::kProperty: return ExprText(e->children[0].get(), q) + "." + e->name;
    case BoundExprKind::kFunction: {
      std::string s = e->name + "(";
      for (size_t i = 0; i < e->children.size(); ++i) s += (i ? ", " : "") + ExprText(e->children[i].get(), q);
      return s + ")";
    }
    case BoundExprKind::kComparison: {
      static const char* kOps[] = {"=", "<>", "<", ">", "<=", ">="};
      std::string s = ExprText(e->children[0].get(), q);
      for (size_t i = 0; i < e->cops.size(); ++i)
        s += std::string(" ") + kOps[static_cast<int>(e->cops[i])] + " " + ExprText(e->children[i + 1].get(), q);
      return s;
    }
    case BoundExprKind::kBuildPath: return "path(...)";
    case BoundExprKind::kSubquery: return "exists(pattern)";
    default: return "expr";
  }
}

std::string SlotName(int slot, const BoundQuery& q) {
  if (slot < 0) return "";
  const auto& n = q.symbols[slot].name;
  if (n.rfind("  ", 0) != 0) return n;
  std::string anon("#");
  anon.append(std::to_string(slot));
  return anon;
}

void Explain(const LogicalOperator& op, const BoundQuery& q, int depth, std::ostringstream& out) {
  out << std::string(depth * 2, ' ') << LogicalOpName(op.kind);
  switch (op.kind) {
    case LogicalOpKind::kNodeScan:
      out << " (" << SlotName(op.slot, q);
      if (!op.label.empty()) out << ":" << op.label;
      out << ")";
      break;
    case LogicalOpKind::kNodeIndexSeek:
      out << " (" << SlotName(op.slot, q) << ":" << op.label << " {" << op.key << ": " << ExprText(op.value, q)
          << "}) " << (op.unique_index ? "unique" : "property") << " index";
      break;
    case LogicalOpKind::kNodeIndexRange:
      out << " (" << SlotName(op.slot, q) << ":" << op.label << ") " << (op.lower_inclusive ? "[" : "(")
          << (op.value ? ExprText(op.value, q) : "-inf") << ", " << (op.value2 ? ExprText(op.value2, q) : "+inf")
          << (op.upper_inclusive ? "]" : ")") << " on " << op.key;
      break;
    case LogicalOpKind::kExpand:
    case LogicalOpKind::kVarExpand:
    case LogicalOpKind::kShortestPath: {
      out << " (" << SlotName(op.from_slot, q) << ")";
      out << (op.direction == PatternDirection::kRightToLeft ? "<-[" : "-[");
      out << SlotName(op.rel_slot, q);
      for (size_t i = 0; i < op.types.size(); ++i) out << (i ? "|" : ":") << op.types[i];
      if (op.kind != LogicalOpKind::kExpand) {
        out << "*" << op.min_hops << "..";
        if (op.max_hops >= 0) out << op.max_hops;
      }
      out << (op.direction == PatternDirection::kLeftToRight ? "]->" : "]-");
      out << "(" << SlotName(op.slot, q) << ")";
      if (op.into) out << " into";
      if (op.distinct_ends) out << " distinct ends";
      if (op.kind == LogicalOpKind::kShortestPath && op.all_shortest) out << " all";
      break;
    }
    case LogicalOpKind::kFilter:
      out << " " << ExprText(op.value, q);
      if (op.memo_slot >= 0) out << "  memo per " << SlotName(op.memo_slot, q);
      break;
    case LogicalOpKind::kNodeFilter:
    case LogicalOpKind::kRelFilter: {
      out << " " << SlotName(op.kind == LogicalOpKind::kNodeFilter ? op.slot : op.rel_slot, q);
      for (auto& l : op.labels) out << ":" << l;
      for (auto& [k, v] : op.properties) out << " " << k << "=" << ExprText(v, q);
      break;
    }
    case LogicalOpKind::kProjection:
    case LogicalOpKind::kAggregate:
      for (size_t i = 0; i < op.items.size(); ++i)
        out << (i ? ", " : " ") << SlotName(op.items[i].first, q) << "=" << ExprText(op.items[i].second, q);
      if (op.aggregates)
        for (auto& a : *op.aggregates) out << " " << SlotName(a.slot, q) << "=" << a.text;
      if (op.injective_key) out << "  unique key";
      break;
    case LogicalOpKind::kSort:
      for (size_t i = 0; i < op.sort_items.size(); ++i)
        out << (i ? ", " : " ") << ExprText(op.sort_items[i].first, q) << (op.sort_items[i].second ? " ASC" : " DESC");
      if (op.count) out << " top " << ExprText(op.count, q);
      break;
    case LogicalOpKind::kSkip:
    case LogicalOpKind::kLimit: out << " " << ExprText(op.count, q); break;
    case LogicalOpKind::kUnwind: out << " " << ExprText(op.value, q) << " AS " << SlotName(op.slot, q); break;
    case LogicalOpKind::kProcedureCall: out << " " << op.clause->procedure->first.name; break;
    default: break;
  }
  out << "  (est. " << static_cast<uint64_t>(op.estimate + 0.5) << " rows)\n";
  for (size_t i = op.children.size(); i-- > 0;) Explain(*op.children[i], q, depth + 1, out);
}

}  // namespace

std::string ExplainPlan(const LogicalPlan& plan, const BoundQuery& query) {
  std::ostringstream out;
  out << "Produce";
  for (size_t i = 0; i < plan.columns.size(); ++i) out << (i ? ", " : " ") << plan.columns[i];
  out << "\n";
  Explain(*plan.root, query, 1, out);
  return out.str();
}

LogicalPlan PlanQuery(BoundQuery& query, storage::Graph& graph, storage::GraphReader& reader) {
  Planner planner(query, graph, reader);
  LogicalPlan plan;
  plan.columns = query.columns;
  plan.output_slots = query.output_slots;
  if (query.parts.size() == 1) {
    plan.root = planner.PlanSingle(query.parts[0]);
  } else {
    auto u = std::make_shared<LogicalOperator>(LogicalOpKind::kUnion);
    bool distinct = false;
    for (bool all : query.union_all)
      if (!all) distinct = true;
    for (auto& part : query.parts) {
      u->children.push_back(planner.PlanSingle(part));
      u->union_inputs.push_back(part.output_slots);
      u->estimate += u->children.back()->estimate;
    }
    u->slots = query.output_slots;
    plan.root = u;
    if (distinct) {
      auto d = std::make_shared<LogicalOperator>(LogicalOpKind::kDistinct);
      d->children.push_back(plan.root);
      d->slots = query.output_slots;
      d->estimate = u->estimate;
      plan.root = d;
    }
  }
  plan.num_slots = query.symbols.size();
  return plan;
}

}  // namespace trendgraph::query

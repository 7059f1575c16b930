// Reading operators: scans, seeks, expansions, filters, projections,
// aggregation, sorting, paging, UNWIND, OPTIONAL, UNION, procedure calls.
#include <algorithm>
#include <queue>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "query/executor/flat_id_map.h"
#include "query/executor/group_table.h"
#include "query/executor/physical_operator.h"
#include "query/executor/physical_write.h"
#include "query/expression/value_ops.h"
#include "query/query_exception.h"

namespace trendgraph::query {

namespace {

[[noreturn]] void Throw(ErrorCode code, std::string message, Position pos = {}, std::string detail = {}) {
  throw ExecutorException(MakeError(code, std::move(message), pos, std::move(detail)));
}

class OnceOp : public PhysicalOperator {
 public:
  using PhysicalOperator::PhysicalOperator;
  void Reset() override { done_ = false; }

 protected:
  bool Next(Frame&) override {
    if (done_) return false;
    done_ = true;
    return true;
  }

 private:
  bool done_ = false;
};

// The node sources: for each input row, Open() finds its nodes (an
// iterator, or one node already known) and one row is emitted per node.
class NodeSourceOp : public PhysicalOperator {
 public:
  using PhysicalOperator::PhysicalOperator;
  void Reset() override {
    it_.reset();
    single_ = false;
    PhysicalOperator::Reset();
  }

 protected:
  // Opens the nodes of the input row in `frame` with SetIterator() or
  // SetSingle(); neither when nothing can match.
  virtual void Open(Frame& frame, EvalContext& ctx) = 0;
  // What the iterator does, for its error message ("scanning nodes").
  virtual const char* Activity() const = 0;

  void SetIterator(std::unique_ptr<storage::NodeIterator> it) { it_ = std::move(it); }
  void SetSingle(storage::NodeId id) {
    single_ = true;
    single_id_ = id;
  }

  bool Next(Frame& frame) override {
    auto& ctx = state_.eval;
    for (;;) {
      if (single_) {
        single_ = false;
        frame[op_.slot] = Value(NodeRef{single_id_});
        return true;
      }
      if (it_) {
        if (it_->Valid()) {
          frame[op_.slot] = Value(NodeRef{it_->id()});
          it_->Next();
          ctx.Tick();
          return true;
        }
        ThrowIfError(it_->status(), Activity());
        it_.reset();
      }
      if (!input().Pull(frame)) return false;
      Open(frame, ctx);
    }
  }

 private:
  std::unique_ptr<storage::NodeIterator> it_;
  bool single_ = false;
  storage::NodeId single_id_ = 0;
};

class NodeScanOp : public NodeSourceOp {
 public:
  using NodeSourceOp::NodeSourceOp;

 protected:
  const char* Activity() const override { return "scanning nodes"; }
  void Open(Frame&, EvalContext& ctx) override {
    if (op_.label.empty()) {
      SetIterator(ctx.reader->ScanNodes());
    } else if (auto lid = ctx.tokens->FindLabel(op_.label)) {
      SetIterator(ctx.reader->ScanLabel(*lid));
    }
  }
};

class NodeIndexSeekOp : public NodeSourceOp {
 public:
  using NodeSourceOp::NodeSourceOp;

 protected:
  const char* Activity() const override { return "index seek"; }
  void Open(Frame& frame, EvalContext& ctx) override {
    Value v = Evaluate(*op_.value, frame, ctx);
    if (v.is_null()) return;
    auto lid = ctx.tokens->FindLabel(op_.label);
    auto kid = ctx.tokens->FindPropKey(op_.key);
    if (!lid || !kid) return;
    if (!op_.unique_index) {
      SetIterator(ctx.reader->IndexSeek(*lid, *kid, v));
      return;
    }
    storage::NodeId id;
    Status s = ctx.reader->LookupUnique(*lid, *kid, v, &id);
    if (s.ok()) {
      SetSingle(id);
    } else if (!s.IsNotFound()) {
      // The index vanished or cannot answer: fall back to the label scan semantics.
      SetIterator(ctx.reader->IndexSeek(*lid, *kid, v));
    }
  }
};

// A range scan of a property index. The WHERE conjuncts it came from stay
// as filters above it, so Cypher's comparison semantics (types, nulls) decide.
class NodeIndexRangeOp : public NodeSourceOp {
 public:
  using NodeSourceOp::NodeSourceOp;

 protected:
  const char* Activity() const override { return "index range scan"; }
  void Open(Frame& frame, EvalContext& ctx) override {
    Value lo = op_.value ? Evaluate(*op_.value, frame, ctx) : Value();
    Value hi = op_.value2 ? Evaluate(*op_.value2, frame, ctx) : Value();
    // A null bound compares as null: nothing matches.
    if ((op_.value && lo.is_null()) || (op_.value2 && hi.is_null())) return;
    auto lid = ctx.tokens->FindLabel(op_.label);
    auto kid = ctx.tokens->FindPropKey(op_.key);
    if (!lid || !kid) return;
    SetIterator(ctx.reader->IndexRange(*lid, *kid, lo, op_.lower_inclusive, hi, op_.upper_inclusive));
  }
};

// The (direction, type) pairs one relationship pattern iterates.
struct AdjSource {
  storage::Direction dir;
  std::optional<storage::TypeId> type;
};

// The sources of one operator, resolved from its type names. A read query
// resolves them once (under a snapshot no relationship of a type created
// later is visible); a query with updates on every input row (it may have
// created the type meanwhile). Returns false when nothing can match.
class AdjSources {
 public:
  bool Resolve(const LogicalOperator& op, EvalContext& ctx) {
    if (resolved_ && ctx.txn == nullptr) return !list_.empty();
    resolved_ = true;
    list_.clear();
    storage::Direction dirs[2];
    size_t ndirs = 0;
    if (op.direction != PatternDirection::kRightToLeft) dirs[ndirs++] = storage::Direction::kOut;
    if (op.direction != PatternDirection::kLeftToRight) dirs[ndirs++] = storage::Direction::kIn;
    std::vector<std::optional<storage::TypeId>> types;
    if (op.types.empty()) {
      types.push_back(std::nullopt);
    } else {
      for (auto& t : op.types) {
        auto id = ctx.tokens->FindType(t);
        if (id && std::find(types.begin(), types.end(), std::optional<storage::TypeId>(*id)) == types.end())
          types.push_back(*id);
      }
    }
    for (size_t d = 0; d < ndirs; ++d)
      for (auto& t : types) list_.push_back(AdjSource{dirs[d], t});
    return !list_.empty();
  }
  const std::vector<AdjSource>& list() const { return list_; }

 private:
  bool resolved_ = false;
  std::vector<AdjSource> list_;
};

RelRef MakeRel(const storage::AdjEntry& e, storage::NodeId from) {
  return e.dir == storage::Direction::kOut ? RelRef{e.rel, from, e.other, e.type}
                                           : RelRef{e.rel, e.other, from, e.type};
}

bool RelUsed(const Frame& frame, const std::vector<int>& slots, uint64_t rel) {
  for (int s : slots) {
    const Value& v = frame[s];
    if (v.is_rel()) {
      if (v.as_rel().id == rel) return true;
    } else if (v.is_list()) {
      for (auto& r : v.as_list())
        if (r.is_rel() && r.as_rel().id == rel) return true;
    }
  }
  return false;
}

class ExpandOp : public PhysicalOperator {
 public:
  using PhysicalOperator::PhysicalOperator;
  void Reset() override {
    it_.reset();
    source_ = sources_.list().size();
    PhysicalOperator::Reset();
  }

 protected:
  bool Next(Frame& frame) override {
    auto& ctx = state_.eval;
    for (;;) {
      if (it_) {
        while (it_->Valid()) {
          const storage::AdjEntry& e = it_->entry();
          ctx.Tick();
          bool skip = (op_.direction == PatternDirection::kBoth && e.dir == storage::Direction::kIn &&
                       e.other == from_) ||
                      (op_.into && e.other != to_) || (op_.rel_bound && e.rel != bound_rel_) ||
                      (!op_.distinct_rels.empty() && RelUsed(frame, op_.distinct_rels, e.rel));
          if (skip) {
            it_->Next();
            continue;
          }
          frame[op_.rel_slot] = Value(MakeRel(e, from_));
          if (!op_.into) frame[op_.slot] = Value(NodeRef{e.other});
          it_->Next();
          return true;
        }
        ThrowIfError(it_->status(), "expanding relationships");
        it_.reset();
      }
      if (source_ < sources_.list().size()) {
        auto& s = sources_.list()[source_++];
        it_ = ctx.reader->Adjacency(from_, s.dir, s.type);
        continue;
      }
      // Next input row.
      if (!input().Pull(frame)) return false;
      const Value& from = frame[op_.from_slot];
      if (!from.is_node()) continue;
      from_ = from.as_node().id;
      if (op_.into) {
        const Value& to = frame[op_.slot];
        if (!to.is_node()) continue;
        to_ = to.as_node().id;
      }
      if (op_.rel_bound) {
        const Value& r = frame[op_.rel_slot];
        if (!r.is_rel()) continue;
        bound_rel_ = r.as_rel().id;
      }
      if (!sources_.Resolve(op_, ctx)) continue;
      source_ = 0;
    }
  }

 private:
  std::unique_ptr<storage::AdjacencyIterator> it_;
  AdjSources sources_;
  size_t source_ = 0;
  storage::NodeId from_ = 0, to_ = 0;
  uint64_t bound_rel_ = 0;
};

// Neighbour lists of one node for a relationship pattern.
void Neighbours(const LogicalOperator& op, const std::vector<AdjSource>& sources, storage::NodeId node,
                EvalContext& ctx, std::vector<storage::AdjEntry>* out) {
  out->clear();
  for (auto& s : sources) {
    auto it = ctx.reader->Adjacency(node, s.dir, s.type);
    for (; it->Valid(); it->Next()) {
      const auto& e = it->entry();
      if (op.direction == PatternDirection::kBoth && e.dir == storage::Direction::kIn && e.other == node) continue;
      out->push_back(e);
      ctx.Tick();
    }
    ThrowIfError(it->status(), "expanding relationships");
  }
}

bool RelMatches(const LogicalOperator& op, uint64_t rel, Frame& frame, EvalContext& ctx) {
  for (auto& [k, v] : op.properties) {
    Value actual = RelProperty(rel, k, ctx);
    if (!IsTrue(CypherEquals(actual, Evaluate(*v, frame, ctx)))) return false;
  }
  return true;
}

// Variable-length expansion: depth-first with an explicit stack; trail
// semantics (a relationship at most once per path).
class VarExpandOp : public PhysicalOperator {
 public:
  using PhysicalOperator::PhysicalOperator;
  void Reset() override {
    stack_.clear();
    path_.clear();
    ends_.clear();
    next_end_ = 0;
    PhysicalOperator::Reset();
  }

 protected:
  bool Next(Frame& frame) override {
    if (op_.distinct_ends) return NextEnd(frame);
    auto& ctx = state_.eval;
    for (;;) {
      if (emit_zero_) {
        emit_zero_ = false;
        if (!op_.into || to_ == from_) {
          frame[op_.rel_slot] = Value(Value::List{});
          if (!op_.into) frame[op_.slot] = Value(NodeRef{from_});
          return true;
        }
      }
      if (stack_.empty()) {
        if (!input().Pull(frame)) return false;
        const Value& from = frame[op_.from_slot];
        if (!from.is_node()) continue;
        from_ = from.as_node().id;
        if (op_.into) {
          const Value& to = frame[op_.slot];
          if (!to.is_node()) continue;
          to_ = to.as_node().id;
        }
        if (!sources_.Resolve(op_, ctx)) {
          emit_zero_ = op_.min_hops == 0;
          continue;
        }
        emit_zero_ = op_.min_hops == 0;
        if (op_.max_hops >= 0 && op_.min_hops > op_.max_hops) {
          emit_zero_ = false;
          continue;
        }
        if (op_.rel_bound) {
          const Value& b = frame[op_.rel_slot];
          if (!b.is_list()) continue;
          bound_.clear();
          for (auto& r : b.as_list()) {
            if (!r.is_rel()) continue;
            bound_.push_back(r.as_rel().id);
          }
          if (op_.reverse_list) std::reverse(bound_.begin(), bound_.end());
          if (!bound_.empty()) emit_zero_ = false;
        }
        path_.clear();
        PushLevel(from_, ctx, op_.max_hops == 0);
        continue;
      }
      Level& top = stack_.back();
      if (top.next >= top.entries.size()) {
        stack_.pop_back();
        if (!path_.empty() && stack_.size() < path_.size() + 1) path_.pop_back();
        continue;
      }
      const storage::AdjEntry e = top.entries[top.next++];
      ctx.Tick();
      bool used = false;
      for (auto& r : path_)
        if (r.id == e.rel) used = true;
      if (used || (!op_.distinct_rels.empty() && RelUsed(frame, op_.distinct_rels, e.rel))) continue;
      if (op_.rel_bound && (path_.size() >= bound_.size() || bound_[path_.size()] != e.rel)) continue;
      if (!op_.properties.empty() && !RelMatches(op_, e.rel, frame, ctx)) continue;
      storage::NodeId node = stack_.size() == 1 ? from_ : stack_.back().node;
      path_.push_back(MakeRel(e, node));
      int64_t depth = static_cast<int64_t>(path_.size());
      PushLevel(e.other, ctx, op_.max_hops >= 0 && depth >= op_.max_hops);
      if (depth >= op_.min_hops && (!op_.into || e.other == to_) &&
          (!op_.rel_bound || path_.size() == bound_.size())) {
        Value::List rels;
        rels.reserve(path_.size());
        for (auto& r : path_) rels.emplace_back(r);
        if (op_.reverse_list) std::reverse(rels.begin(), rels.end());
        frame[op_.rel_slot] = Value(std::move(rels));
        if (!op_.into) frame[op_.slot] = Value(NodeRef{e.other});
        return true;
      }
    }
  }

 private:
  struct Level {
    storage::NodeId node;
    std::vector<storage::AdjEntry> entries;
    size_t next = 0;
  };
  void PushLevel(storage::NodeId node, EvalContext& ctx, bool leaf = false) {
    Level l;
    l.node = node;
    if (!leaf) Neighbours(op_, sources_.list(), node, ctx, &l.entries);
    stack_.push_back(std::move(l));
  }

  // distinct_ends: each node at the end of a trail of min_hops..max_hops
  // (<= 2) relationships from the input row's node, once, breadth-first.
  //
  // Why the breadth-first set equals the set of trail ends: a node n other
  // than the start k reached by a walk of 1 or 2 relationships is reached by
  // a trail, because a walk of two relationships r1, r2 repeats a
  // relationship only as r2 = r1, and going back over r1 ends at k. So only
  // k itself needs a look at the relationships: k ends a trail of length 1
  // iff it has a self-loop, and one of length 2 (k -r1- m -r2- k) iff some
  // r2 from a neighbour m back to k differs from the one r1 that reached m
  // (i.e. m was reached over two relationships or over a different one).
  bool NextEnd(Frame& frame) {
    auto& ctx = state_.eval;
    for (;;) {
      if (next_end_ < ends_.size()) {
        frame[op_.rel_slot] = Value();
        frame[op_.slot] = Value(NodeRef{ends_[next_end_++]});
        return true;
      }
      if (!input().Pull(frame)) return false;
      const Value& from = frame[op_.from_slot];
      if (!from.is_node()) continue;
      from_ = from.as_node().id;
      ends_.clear();
      next_end_ = 0;
      bool start_is_end = op_.min_hops == 0;
      if (!sources_.Resolve(op_, ctx)) {
        if (start_is_end) ends_.push_back(from_);
        continue;
      }
      // Level 1: per neighbour m, the first relationship that reached it and
      // how many did.
      reached_.clear();
      Neighbours(op_, sources_.list(), from_, ctx, &adj_);
      for (const auto& e : adj_) {
        if (e.other == from_) {
          start_is_end = true;  // a self-loop: a trail of length 1
          continue;
        }
        bool added;
        Reach& r = reached_.FindOrInsert(e.other, Reach{e.rel, 0}, &added);
        ++r.count;
        if (added) ends_.push_back(e.other);
      }
      if (op_.max_hops >= 2) {
        // Level 2 (a self-loop at k leads back to k's own neighbours only).
        const size_t level1 = ends_.size();
        for (size_t i = 0; i < level1; ++i) {
          const storage::NodeId m = ends_[i];
          const Reach via = *reached_.Find(m);
          Neighbours(op_, sources_.list(), m, ctx, &adj_);
          for (const auto& e : adj_) {
            if (e.other == from_) {
              if (via.count > 1 || via.rel != e.rel) start_is_end = true;
              continue;
            }
            bool added;
            reached_.FindOrInsert(e.other, Reach{e.rel, 0}, &added);
            if (added) ends_.push_back(e.other);
          }
        }
      }
      if (start_is_end) ends_.push_back(from_);
    }
  }

  std::vector<Level> stack_;
  std::vector<RelRef> path_;
  std::vector<uint64_t> bound_;  // rel_bound: the relationships the path must follow
  AdjSources sources_;
  storage::NodeId from_ = 0, to_ = 0;
  bool emit_zero_ = false;
  // distinct_ends state.
  struct Reach {
    uint64_t rel;     // the first relationship from the start that reached the node
    uint32_t count;   // how many did (level 1); 0 for level 2
  };
  FlatIdMap<Reach> reached_;
  std::vector<storage::NodeId> ends_;
  size_t next_end_ = 0;
  std::vector<storage::AdjEntry> adj_;
};

// shortestPath / allShortestPaths: breadth-first search. A single shortest
// path uses a bidirectional search (expanding the smaller frontier), which
// keeps the explored part of a small-world graph small.
class ShortestPathOp : public PhysicalOperator {
 public:
  using PhysicalOperator::PhysicalOperator;
  void Reset() override {
    results_.clear();
    next_ = 0;
    PhysicalOperator::Reset();
  }

 protected:
  bool Next(Frame& frame) override {
    auto& ctx = state_.eval;
    for (;;) {
      if (next_ < results_.size()) {
        auto& rels = results_[next_++];
        Value::List list;
        PathValue p;
        storage::NodeId cur = from_;
        p.nodes.push_back(NodeRef{cur});
        for (auto& r : rels) {
          list.emplace_back(r);
          cur = r.start == cur ? r.end : r.start;
          p.rels.push_back(r);
          p.nodes.push_back(NodeRef{cur});
        }
        frame[op_.rel_slot] = Value(std::move(list));
        if (op_.path_slot >= 0) frame[op_.path_slot] = Value(std::move(p));
        return true;
      }
      results_.clear();
      next_ = 0;
      if (!input().Pull(frame)) return false;
      const Value& a = frame[op_.from_slot];
      const Value& b = frame[op_.slot];
      if (!a.is_node() || !b.is_node()) continue;
      from_ = a.as_node().id;
      to_ = b.as_node().id;
      if (!sources_.Resolve(op_, ctx)) continue;
      if (from_ == to_) {
        if (op_.min_hops == 0) results_.push_back({});
        continue;
      }
      if (op_.all_shortest || !op_.properties.empty()) {
        AllShortest(frame, ctx);
      } else {
        Bidirectional(ctx);
      }
    }
  }

 private:
  struct Parent {
    storage::NodeId node;
    RelRef rel;
  };

  void Expand(storage::NodeId node, bool reverse, EvalContext& ctx, std::vector<storage::AdjEntry>* out) {
    out->clear();
    for (auto& s : sources_.list()) {
      storage::Direction d = s.dir;
      if (reverse) d = d == storage::Direction::kOut ? storage::Direction::kIn : storage::Direction::kOut;
      auto it = ctx.reader->Adjacency(node, d, s.type);
      for (; it->Valid(); it->Next()) {
        ctx.Tick();
        out->push_back(it->entry());
      }
      ThrowIfError(it->status(), "shortest path");
    }
  }

  void Bidirectional(EvalContext& ctx) {
    std::unordered_map<storage::NodeId, Parent> fwd, bwd;  // node -> (parent, rel)
    fwd.emplace(from_, Parent{from_, {}});
    bwd.emplace(to_, Parent{to_, {}});
    std::vector<storage::NodeId> ff{from_}, bf{to_};
    int64_t max = op_.max_hops < 0 ? INT64_MAX : op_.max_hops;
    int64_t fd = 0, bd = 0;
    std::vector<storage::AdjEntry> adj;
    while (!ff.empty() && !bf.empty() && fd + bd < max) {
      bool forward = ff.size() <= bf.size();
      auto& frontier = forward ? ff : bf;
      auto& seen = forward ? fwd : bwd;
      auto& other = forward ? bwd : fwd;
      std::vector<storage::NodeId> next;
      for (storage::NodeId n : frontier) {
        Expand(n, !forward, ctx, &adj);
        for (auto& e : adj) {
          if (seen.count(e.other)) continue;
          // The relationship as stored (start/end), whichever side found it.
          RelRef rel = e.dir == storage::Direction::kOut ? RelRef{e.rel, n, e.other, e.type}
                                                         : RelRef{e.rel, e.other, n, e.type};
          seen.emplace(e.other, Parent{n, rel});
          if (other.count(e.other)) {
            Build(fwd, bwd, e.other);
            return;
          }
          next.push_back(e.other);
        }
      }
      frontier = std::move(next);
      (forward ? fd : bd)++;
    }
  }

  void Build(const std::unordered_map<storage::NodeId, Parent>& fwd,
             const std::unordered_map<storage::NodeId, Parent>& bwd, storage::NodeId meet) {
    std::vector<RelRef> left, right;
    for (storage::NodeId n = meet; n != from_;) {
      auto& p = fwd.at(n);
      left.push_back(p.rel);
      n = p.node;
    }
    std::reverse(left.begin(), left.end());
    for (storage::NodeId n = meet; n != to_;) {
      auto& p = bwd.at(n);
      right.push_back(p.rel);
      n = p.node;
    }
    left.insert(left.end(), right.begin(), right.end());
    if (static_cast<int64_t>(left.size()) >= op_.min_hops) results_.push_back(std::move(left));
  }

  void AllShortest(Frame& frame, EvalContext& ctx) {
    std::unordered_map<storage::NodeId, int64_t> depth;
    std::unordered_map<storage::NodeId, std::vector<Parent>> parents;
    depth[from_] = 0;
    std::vector<storage::NodeId> frontier{from_};
    int64_t max = op_.max_hops < 0 ? INT64_MAX : op_.max_hops;
    std::vector<storage::AdjEntry> adj;
    bool found = false;
    for (int64_t d = 0; d < max && !frontier.empty() && !found; ++d) {
      std::vector<storage::NodeId> next;
      for (storage::NodeId n : frontier) {
        Expand(n, false, ctx, &adj);
        for (auto& e : adj) {
          if (op_.direction == PatternDirection::kBoth && e.dir == storage::Direction::kIn && e.other == n) continue;
          if (!op_.properties.empty() && !RelMatches(op_, e.rel, frame, ctx)) continue;
          auto it = depth.find(e.other);
          if (it != depth.end() && it->second != d + 1) continue;
          if (it == depth.end()) {
            depth[e.other] = d + 1;
            next.push_back(e.other);
          }
          parents[e.other].push_back(Parent{n, MakeRel(e, n)});
          if (e.other == to_) found = true;
        }
      }
      frontier = std::move(next);
    }
    if (!found) return;
    std::vector<RelRef> acc;
    Enumerate(to_, parents, &acc);
    if (!op_.all_shortest && results_.size() > 1) results_.resize(1);
  }

  void Enumerate(storage::NodeId n, const std::unordered_map<storage::NodeId, std::vector<Parent>>& parents,
                 std::vector<RelRef>* acc) {
    if (n == from_) {
      std::vector<RelRef> path(acc->rbegin(), acc->rend());
      if (static_cast<int64_t>(path.size()) >= op_.min_hops) results_.push_back(std::move(path));
      return;
    }
    auto it = parents.find(n);
    if (it == parents.end()) return;
    for (auto& p : it->second) {
      acc->push_back(p.rel);
      Enumerate(p.node, parents, acc);
      acc->pop_back();
    }
  }

  std::vector<std::vector<RelRef>> results_;
  size_t next_ = 0;
  AdjSources sources_;
  storage::NodeId from_ = 0, to_ = 0;
};

class FilterOp : public PhysicalOperator {
 public:
  using PhysicalOperator::PhysicalOperator;
  void Reset() override {
    memo_.clear();
    PhysicalOperator::Reset();
  }

 protected:
  bool Next(Frame& frame) override {
    auto& ctx = state_.eval;
    // Under a snapshot (read query) a pure predicate of nodes gives the same
    // answer for the same nodes: remember it per node of memo_slot while the
    // other nodes it reads stay the same (planner.cc MarkFilterMemo).
    const bool memo = op_.memo_slot >= 0 && ctx.txn == nullptr && !memo_off_;
    while (input().Pull(frame)) {
      ctx.Tick();
      if (memo ? MemoizedPredicate(frame, ctx) : EvaluatePredicate(*op_.value, frame, ctx)) return true;
    }
    return false;
  }

 private:
  static constexpr size_t kMaxMemo = size_t{1} << 20;

  bool MemoizedPredicate(Frame& frame, EvalContext& ctx) {
    const Value& key = frame[op_.memo_slot];
    if (!key.is_node()) return EvaluatePredicate(*op_.value, frame, ctx);
    if (context_.size() != op_.slots.size()) context_.assign(op_.slots.size(), UINT64_MAX);
    for (size_t i = 0; i < op_.slots.size(); ++i) {
      const Value& v = frame[op_.slots[i]];
      if (!v.is_node()) return EvaluatePredicate(*op_.value, frame, ctx);
      if (v.as_node().id != context_[i]) {
        // Another context: what was remembered no longer applies. When the
        // context changes about as often as the key, remembering is only
        // overhead: stop.
        context_[i] = v.as_node().id;
        memo_.clear();
        if (++context_changes_ >= 64 && context_changes_ * 4 > rows_) memo_off_ = true;
      }
    }
    ++rows_;
    const uint64_t id = key.as_node().id;
    if (const bool* known = memo_.Find(id)) return *known;
    const bool ok = EvaluatePredicate(*op_.value, frame, ctx);
    if (memo_.size() < kMaxMemo) memo_.FindOrInsert(id, ok);
    return ok;
  }

  FlatIdMap<bool> memo_;
  std::vector<uint64_t> context_;  // node ids of op_.slots the memo is for
  uint64_t rows_ = 0;
  uint64_t context_changes_ = 0;
  bool memo_off_ = false;
};

class NodeFilterOp : public PhysicalOperator {
 public:
  using PhysicalOperator::PhysicalOperator;

 protected:
  bool Next(Frame& frame) override {
    auto& ctx = state_.eval;
    while (input().Pull(frame)) {
      ctx.Tick();
      const Value& v = frame[op_.slot];
      if (!v.is_node()) continue;
      if (Matches(v.as_node().id, frame, ctx)) return true;
    }
    return false;
  }

 private:
  bool Matches(storage::NodeId id, Frame& frame, EvalContext& ctx) {
    if (op_.properties.empty() && ctx.txn == nullptr) {
      // Labels of a node cannot change in a read query: remember the answer
      // (expansions reach the same popular nodes again and again).
      if (!label_bits_.empty()) return LabelBitsMatch(id);
      if (const bool* known = memo_.Find(id)) return *known;
      bool ok = LabelsMatch(id, ctx);
      if (memo_.size() < (1u << 20)) memo_.FindOrInsert(id, ok);
      ++misses_;
      // Past a few hundred distinct nodes, compare the random point reads
      // spent so far with one sequential scan of the label index: once the
      // reads cost about as much as the scan, build a bitmap of the label's
      // nodes and answer from it (at most twice the cheaper plan's cost).
      if (misses_ >= 256 && (misses_ & (misses_ - 1)) == 0 && !op_.labels.empty() && !bitmap_refused_)
        MaybeBuildLabelBits(ctx);
      return ok;
    }
    if (!LabelsMatch(id, ctx)) return false;
    for (auto& [k, v] : op_.properties) {
      Value actual = NodeProperty(id, k, ctx);
      if (!IsTrue(CypherEquals(actual, Evaluate(*v, frame, ctx)))) return false;
    }
    return true;
  }
  bool LabelsMatch(storage::NodeId id, EvalContext& ctx) {
    if (!op_.labels.empty()) {
      auto labels = NodeLabelIds(id, ctx);
      for (auto& l : op_.labels) {
        auto lid = ctx.tokens->FindLabel(l);
        if (!lid || std::find(labels.begin(), labels.end(), *lid) == labels.end()) return false;
      }
    }
    return true;
  }
  void MaybeBuildLabelBits(EvalContext& ctx) {
    std::vector<storage::LabelId> ids;
    uint64_t smallest = UINT64_MAX;
    for (auto& l : op_.labels) {
      auto lid = ctx.tokens->FindLabel(l);
      if (!lid) return;  // no node has it: the memo answers cheaply
      ids.push_back(*lid);
      smallest = std::min(smallest, ctx.reader->NodeCountByLabel(*lid));
    }
    // A record read that misses the CPU caches costs ~0.2 us (read cache) to
    // ~2 us (RocksDB); setting a bit from the label's id list ~3 ns (cached)
    // to ~50 ns (RocksDB scan). Build once the label has at most 64 nodes per
    // read so far: the scan then costs about what the reads did.
    if (smallest > misses_ * 64) return;
    std::vector<std::vector<uint64_t>> bits;
    for (storage::LabelId lid : ids) {
      // A bitmap over ids far sparser than the label's nodes would cost too
      // much memory: then keep reading nodes (and never try again).
      const uint64_t max_id = std::max<uint64_t>(uint64_t{1} << 23, ctx.reader->NodeCountByLabel(lid) * 512);
      std::vector<uint64_t> b;
      auto it = ctx.reader->ScanLabel(lid);
      for (; it->Valid(); it->Next()) {
        uint64_t n = it->id();
        if (n >= max_id) {
          bitmap_refused_ = true;
          return;
        }
        if ((n >> 6) >= b.size()) b.resize((n >> 6) + 1 + b.size() / 2, 0);
        b[n >> 6] |= uint64_t{1} << (n & 63);
      }
      ThrowIfError(it->status(), "scanning a label");
      bits.push_back(std::move(b));
    }
    label_bits_ = std::move(bits);
  }
  bool LabelBitsMatch(storage::NodeId id) const {
    for (const auto& b : label_bits_)
      if ((id >> 6) >= b.size() || !(b[id >> 6] >> (id & 63) & 1)) return false;
    return true;
  }

  FlatIdMap<bool> memo_;
  uint64_t misses_ = 0;  // distinct nodes read for their labels
  bool bitmap_refused_ = false;
  std::vector<std::vector<uint64_t>> label_bits_;  // one per label of op_.labels, when built
};

class RelFilterOp : public PhysicalOperator {
 public:
  using PhysicalOperator::PhysicalOperator;

 protected:
  bool Next(Frame& frame) override {
    auto& ctx = state_.eval;
    while (input().Pull(frame)) {
      const Value& v = frame[op_.rel_slot];
      if (v.is_rel() && RelMatches(op_, v.as_rel().id, frame, ctx)) return true;
    }
    return false;
  }
};

class ProjectionOp : public PhysicalOperator {
 public:
  using PhysicalOperator::PhysicalOperator;

 protected:
  bool Next(Frame& frame) override {
    if (!input().Pull(frame)) return false;
    // Evaluate all items first: an item may read a slot another one writes.
    if (op_.items.size() == 1) {
      frame[op_.items[0].first] = Evaluate(*op_.items[0].second, frame, state_.eval);
      return true;
    }
    values_.clear();
    for (auto& [slot, e] : op_.items) values_.push_back(Evaluate(*e, frame, state_.eval));
    for (size_t i = 0; i < op_.items.size(); ++i) frame[op_.items[i].first] = std::move(values_[i]);
    return true;
  }

 private:
  std::vector<Value> values_;
};

// Grouping: one GroupTable of the key values; per group and aggregate
// either a count(*) counter or an Aggregator, both in flat arrays indexed
// group * aggregates + aggregate (no allocation per group for count(*)).
class AggregateOp : public PhysicalOperator {
 public:
  AggregateOp(const LogicalOperator& op, ExecState& state)
      : PhysicalOperator(op, state), groups_(op.items.size()), key_(op.items.size()) {}
  void Reset() override {
    groups_.clear();
    counts_.clear();
    states_.clear();
    done_ = false;
    next_ = 0;
    PhysicalOperator::Reset();
  }

 protected:
  bool Next(Frame& frame) override {
    if (!done_) {
      Consume(frame);
      done_ = true;
    }
    if (next_ >= groups_.size()) return false;
    uint32_t g = static_cast<uint32_t>(next_++);
    Value* key = groups_.key(g);
    for (size_t i = 0; i < op_.items.size(); ++i) frame[op_.items[i].first] = std::move(key[i]);
    const auto& aggs = *op_.aggregates;
    const size_t base = static_cast<size_t>(g) * aggs.size();
    for (size_t i = 0; i < aggs.size(); ++i)
      frame[aggs[i].slot] =
          aggs[i].def ? states_[base + i]->Finish() : Value(static_cast<int64_t>(counts_[base + i]));
    return true;
  }

 private:
  // A group for key_, known to be unlike every other (values consumed).
  uint32_t NewGroup() {
    uint32_t g = groups_.Append(key_.data());
    for (auto& a : *op_.aggregates) {
      counts_.push_back(0);
      states_.push_back(a.def ? a.def->make(a.distinct) : nullptr);
    }
    return g;
  }
  // The group of key_ (its values are consumed when the group is new).
  uint32_t GroupOf() {
    bool added;
    uint32_t g = groups_.FindOrAdd(key_.data(), &added);
    if (added) {
      for (auto& a : *op_.aggregates) {
        counts_.push_back(0);
        states_.push_back(a.def ? a.def->make(a.distinct) : nullptr);
      }
    }
    return g;
  }

  // Two-phase count(*) grouping (see the planner): count per distinct entity
  // combination, then evaluate the keys once per combination and regroup
  // (combinations whose keys are equivalent merge: their counts add up).
  void ConsumeByEntities(Frame& frame) {
    auto& ctx = state_.eval;
    const size_t width = op_.slots.size();
    GroupTable combos(width);
    std::vector<uint64_t> combo_counts;
    // One entity slot holding a node (the common case): count per node id in
    // a flat map, no key values per row.
    FlatIdMap<uint64_t> node_counts;
    const bool single = width == 1;
    std::vector<Value> ents(width);
    while (input().Pull(frame)) {
      ctx.Tick();
      if (single && frame[op_.slots[0]].is_node()) {
        ++node_counts.FindOrInsert(frame[op_.slots[0]].as_node().id, 0);
        continue;
      }
      for (size_t i = 0; i < width; ++i) ents[i] = frame[op_.slots[i]];
      bool added;
      uint32_t c = combos.FindOrAdd(ents.data(), &added);
      if (added) combo_counts.push_back(0);
      ++combo_counts[c];
    }
    const size_t naggs = op_.aggregates->size();
    auto add = [&](uint64_t n) {
      for (size_t i = 0; i < op_.items.size(); ++i) key_[i] = Evaluate(*op_.items[i].second, frame, ctx);
      // A unique key of a distinct node (the planner's injective_key) is a
      // new group: no hashing, no probe. Null keys still merge.
      uint32_t g = op_.injective_key && !key_[0].is_null() ? NewGroup() : GroupOf();
      for (size_t i = 0; i < naggs; ++i) counts_[g * naggs + i] += n;
    };
    // In id order: the key expressions read each node once, and reads in key
    // order find their blocks already hot.
    std::vector<std::pair<uint64_t, uint64_t>> by_id = node_counts.entries();
    std::sort(by_id.begin(), by_id.end());
    // At most one group per entity (combination): no rehash, no key moves.
    groups_.Reserve(by_id.size() + combos.size());
    counts_.reserve((by_id.size() + combos.size()) * naggs);
    states_.reserve((by_id.size() + combos.size()) * naggs);
    // The key reads of consecutive nodes are independent: ask the reader to
    // load the records of the next batch while this one is evaluated, so
    // their cache misses overlap rather than queue (scattered records of a
    // large cache cost a memory round trip or two each).
    constexpr size_t kPrefetchBatch = 16;
    storage::NodeId batch[kPrefetchBatch];
    auto prefetch = [&](size_t from) {
      size_t n = 0;
      for (size_t j = from; j < by_id.size() && n < kPrefetchBatch; ++j) batch[n++] = by_id[j].first;
      if (n > 0) ctx.reader->PrefetchNodes(batch, n);
    };
    for (size_t i = 0; i < by_id.size(); ++i) {
      if (i % kPrefetchBatch == 0) {
        if (i == 0) prefetch(0);
        prefetch(i + kPrefetchBatch);
      }
      ctx.Tick();
      frame[op_.slots[0]] = Value(NodeRef{by_id[i].first});
      add(by_id[i].second);
    }
    for (uint32_t c = 0; c < combos.size(); ++c) {
      ctx.Tick();
      const Value* e = combos.key(c);
      for (size_t i = 0; i < width; ++i) frame[op_.slots[i]] = e[i];
      add(combo_counts[c]);
    }
  }

  void Consume(Frame& frame) {
    if (!op_.slots.empty()) {
      ConsumeByEntities(frame);
      return;
    }
    auto& ctx = state_.eval;
    const auto& aggs = *op_.aggregates;
    const size_t naggs = aggs.size();
    std::vector<Value> args;
    while (input().Pull(frame)) {
      ctx.Tick();
      for (size_t i = 0; i < op_.items.size(); ++i) key_[i] = Evaluate(*op_.items[i].second, frame, ctx);
      const size_t base = static_cast<size_t>(GroupOf()) * naggs;
      for (size_t i = 0; i < naggs; ++i) {
        if (!aggs[i].def) {
          ++counts_[base + i];
          continue;
        }
        args.clear();
        for (auto& a : aggs[i].args) args.push_back(Evaluate(*a, frame, ctx));
        states_[base + i]->Add(args.data(), args.size());
      }
    }
    // Without grouping keys there is exactly one group, even over no rows.
    if (op_.items.empty() && groups_.size() == 0) GroupOf();
  }

  GroupTable groups_;
  std::vector<Value> key_;  // the current row's key (scratch)
  std::vector<uint64_t> counts_;                     // count(*) per group * aggregate
  std::vector<std::unique_ptr<Aggregator>> states_;  // other aggregates per group * aggregate
  bool done_ = false;
  size_t next_ = 0;
};

class DistinctOp : public PhysicalOperator {
 public:
  DistinctOp(const LogicalOperator& op, ExecState& state)
      : PhysicalOperator(op, state), seen_(op.slots.size()), key_(op.slots.size()) {}
  void Reset() override {
    seen_.clear();
    PhysicalOperator::Reset();
  }

 protected:
  bool Next(Frame& frame) override {
    while (input().Pull(frame)) {
      state_.eval.Tick();
      for (size_t i = 0; i < op_.slots.size(); ++i) key_[i] = frame[op_.slots[i]];
      bool added;
      seen_.FindOrAdd(key_.data(), &added);
      if (added) return true;
    }
    return false;
  }

 private:
  GroupTable seen_;
  std::vector<Value> key_;
};

// `frame` gives the row width only: the count refers to no variable of the
// row, but a list comprehension or reduce() in it stores its own variable in
// a slot of the frame (LIMIT size([x IN range(1, 3) | x]); an empty frame
// made that a write out of bounds).
int64_t EvalCount(const BoundExpr* e, const Frame& frame, EvalContext& ctx, const char* what) {
  Frame scratch(frame.size());
  Value v = Evaluate(*e, scratch, ctx);
  if (!v.is_int())
    Throw(ErrorCode::kSyntaxError, std::string("Invalid input for ") + what + ": must be an integer", e->position,
          "InvalidArgumentType");
  if (v.as_int() < 0)
    Throw(ErrorCode::kSyntaxError, std::string("Invalid input for ") + what + ": must be a non-negative integer",
          e->position, "NegativeIntegerArgument");
  return v.as_int();
}

class SortOp : public PhysicalOperator {
 public:
  using PhysicalOperator::PhysicalOperator;
  void Reset() override {
    rows_.clear();
    done_ = false;
    next_ = 0;
    PhysicalOperator::Reset();
  }

 protected:
  bool Next(Frame& frame) override {
    if (!done_) {
      Consume(frame);
      done_ = true;
    }
    if (next_ >= rows_.size()) return false;
    frame = std::move(rows_[next_++].frame);
    return true;
  }

 private:
  struct Row {
    std::vector<Value> keys;
    uint64_t seq;
    Frame frame;
  };
  bool Less(const Row& a, const Row& b) const {
    for (size_t i = 0; i < op_.sort_items.size(); ++i) {
      int c = OrderCompare(a.keys[i], b.keys[i]);
      if (c != 0) return op_.sort_items[i].second ? c < 0 : c > 0;
    }
    return a.seq < b.seq;
  }
  // The current row (keys at `keys`, later than every kept row) sorts before
  // `b`.
  bool RowLess(const Value* const* keys, const Row& b) const {
    for (size_t i = 0; i < op_.sort_items.size(); ++i) {
      int c = OrderCompare(*keys[i], b.keys[i]);
      if (c != 0) return op_.sort_items[i].second ? c < 0 : c > 0;
    }
    return false;  // equal keys: the earlier row first
  }

  void Consume(Frame& frame) {
    auto& ctx = state_.eval;
    uint64_t keep = UINT64_MAX;
    if (op_.count) {
      keep = static_cast<uint64_t>(EvalCount(op_.count, frame, ctx, "LIMIT"));
      if (op_.count2) keep += static_cast<uint64_t>(EvalCount(op_.count2, frame, ctx, "SKIP"));
    }
    auto cmp = [this](const Row& a, const Row& b) { return Less(a, b); };
    const size_t nkeys = op_.sort_items.size();
    // Keys that are plain variables are compared where they are, in the
    // frame: a Top-N copies keys only of the rows it keeps.
    std::vector<Value> scratch(nkeys);
    std::vector<const Value*> keys(nkeys);
    uint64_t seq = 0;
    while (input().Pull(frame)) {
      ctx.Tick();
      if (keep == 0) continue;
      for (size_t i = 0; i < nkeys; ++i) {
        const BoundExpr& e = *op_.sort_items[i].first;
        if (e.kind == BoundExprKind::kVariable) {
          keys[i] = &frame[e.slot];
        } else {
          scratch[i] = Evaluate(e, frame, ctx);
          keys[i] = &scratch[i];
        }
      }
      const bool full = keep != UINT64_MAX && rows_.size() >= keep;
      // Top-N: a max-heap of the best `keep` rows; most rows lose to its top.
      if (full && !RowLess(keys.data(), rows_.front())) {
        ++seq;
        continue;
      }
      Row r;
      r.seq = seq++;
      r.keys.reserve(nkeys);
      for (size_t i = 0; i < nkeys; ++i)
        r.keys.push_back(keys[i] == &scratch[i] ? std::move(scratch[i]) : *keys[i]);
      r.frame = frame;
      if (full) {
        std::pop_heap(rows_.begin(), rows_.end(), cmp);
        rows_.back() = std::move(r);
        std::push_heap(rows_.begin(), rows_.end(), cmp);
        continue;
      }
      rows_.push_back(std::move(r));
      if (keep != UINT64_MAX) std::push_heap(rows_.begin(), rows_.end(), cmp);
    }
    if (keep != UINT64_MAX)
      std::sort_heap(rows_.begin(), rows_.end(), cmp);
    else
      std::sort(rows_.begin(), rows_.end(), cmp);
  }

  std::vector<Row> rows_;
  bool done_ = false;
  size_t next_ = 0;
};

class SkipOp : public PhysicalOperator {
 public:
  using PhysicalOperator::PhysicalOperator;
  void Reset() override {
    init_ = false;
    PhysicalOperator::Reset();
  }

 protected:
  bool Next(Frame& frame) override {
    if (!init_) {
      remaining_ = EvalCount(op_.count, frame, state_.eval, "SKIP");
      init_ = true;
    }
    while (remaining_ > 0) {
      if (!input().Pull(frame)) return false;
      --remaining_;
    }
    return input().Pull(frame);
  }

 private:
  bool init_ = false;
  int64_t remaining_ = 0;
};

class LimitOp : public PhysicalOperator {
 public:
  using PhysicalOperator::PhysicalOperator;
  void Reset() override {
    init_ = false;
    PhysicalOperator::Reset();
  }

 protected:
  bool Next(Frame& frame) override {
    if (!init_) {
      remaining_ = EvalCount(op_.count, frame, state_.eval, "LIMIT");
      init_ = true;
      // LIMIT 0 still pulls once, so that the writes of the clauses before
      // it (materialised by an Eager) happen.
      if (remaining_ == 0) {
        input().Pull(frame);
        return false;
      }
    }
    if (remaining_ <= 0) return false;  // stops pulling: scans below stop early
    if (!input().Pull(frame)) return false;
    --remaining_;
    return true;
  }

 private:
  bool init_ = false;
  int64_t remaining_ = 0;
};

class UnwindOp : public PhysicalOperator {
 public:
  using PhysicalOperator::PhysicalOperator;
  void Reset() override {
    list_.clear();
    next_ = 0;
    PhysicalOperator::Reset();
  }

 protected:
  bool Next(Frame& frame) override {
    for (;;) {
      if (next_ < list_.size()) {
        state_.eval.Tick();
        frame[op_.slot] = std::move(list_[next_++]);
        return true;
      }
      if (!input().Pull(frame)) return false;
      Value v = Evaluate(*op_.value, frame, state_.eval);
      next_ = 0;
      list_.clear();
      if (v.is_null()) continue;
      if (v.is_list()) {
        list_ = std::move(v.as_list());
      } else {
        list_.push_back(std::move(v));
      }
    }
  }

 private:
  Value::List list_;
  size_t next_ = 0;
};

// The loop shared by OPTIONAL MATCH, CALL { } and FOREACH: for each input
// row the branch (children[1], leaf Argument) is rewound and pulled to its
// end. With `emit_branch_rows` each branch row is emitted as it comes;
// without, the branch is drained for its side effects. When a row's branch
// is exhausted, BranchEnd() decides whether the frame is emitted once more.
class PerRowBranchOp : public PhysicalOperator {
 public:
  PerRowBranchOp(const LogicalOperator& op, ExecState& state, bool emit_branch_rows)
      : PhysicalOperator(op, state), emit_branch_rows_(emit_branch_rows) {}
  void Reset() override {
    in_branch_ = false;
    PhysicalOperator::Reset();
  }

 protected:
  // The input row's branch has run out after yielding some rows or none;
  // true emits `frame` (as the last branch pull left it).
  virtual bool BranchEnd(Frame& frame, bool branch_had_rows) = 0;

  bool Next(Frame& frame) final {
    PhysicalOperator& branch = *children_[1];
    for (;;) {
      if (in_branch_) {
        while (branch.Pull(frame)) {
          branch_had_rows_ = true;
          if (emit_branch_rows_) return true;
          state_.eval.Tick();
        }
        in_branch_ = false;
        if (BranchEnd(frame, branch_had_rows_)) return true;
      }
      if (!input().Pull(frame)) return false;
      branch.Reset();
      in_branch_ = true;
      branch_had_rows_ = false;
    }
  }

 private:
  const bool emit_branch_rows_;
  bool in_branch_ = false;
  bool branch_had_rows_ = false;
};

// OPTIONAL MATCH: the branch's rows, or the input row once with the
// branch's new slots null when the branch has none.
class OptionalOp : public PerRowBranchOp {
 public:
  OptionalOp(const LogicalOperator& op, ExecState& state) : PerRowBranchOp(op, state, /*emit_branch_rows=*/true) {}

 protected:
  bool BranchEnd(Frame& frame, bool branch_had_rows) override {
    if (branch_had_rows) return false;
    for (int s : op_.slots) frame[s] = Value();
    return true;
  }
};

class UnionOp : public PhysicalOperator {
 public:
  using PhysicalOperator::PhysicalOperator;
  void Reset() override {
    child_ = 0;
    PhysicalOperator::Reset();
  }

 protected:
  bool Next(Frame& frame) override {
    while (child_ < children_.size()) {
      if (children_[child_]->Pull(frame)) {
        const auto& in = op_.union_inputs[child_];
        for (size_t i = 0; i < op_.slots.size(); ++i) frame[op_.slots[i]] = frame[in[i]];
        return true;
      }
      ++child_;
    }
    return false;
  }

 private:
  size_t child_ = 0;
};

// CALL { } and FOREACH: the subquery (children[1], leaf Argument) runs once
// per input row. A returning subquery emits one row per subquery row (its
// columns added to the input row's slots); a unit one is drained for its
// side effects and the input row passes on once.
class ApplyOp : public PerRowBranchOp {
 public:
  ApplyOp(const LogicalOperator& op, ExecState& state) : PerRowBranchOp(op, state, /*emit_branch_rows=*/!op.unit) {}

 protected:
  bool BranchEnd(Frame&, bool) override { return op_.unit; }
};

class EagerOp : public PhysicalOperator {
 public:
  using PhysicalOperator::PhysicalOperator;
  void Reset() override {
    rows_.clear();
    done_ = false;
    next_ = 0;
    PhysicalOperator::Reset();
  }

 protected:
  bool Next(Frame& frame) override {
    if (!done_) {
      while (input().Pull(frame)) {
        state_.eval.Tick();
        rows_.push_back(frame);
      }
      done_ = true;
    }
    if (next_ >= rows_.size()) return false;
    frame = std::move(rows_[next_++]);
    return true;
  }

 private:
  std::vector<Frame> rows_;
  bool done_ = false;
  size_t next_ = 0;
};

class ProcedureCallOp : public PhysicalOperator {
 public:
  using PhysicalOperator::PhysicalOperator;
  void Reset() override {
    rows_.clear();
    next_ = 0;
    PhysicalOperator::Reset();
  }

 protected:
  bool Next(Frame& frame) override {
    const BoundClause& c = *op_.clause;
    for (;;) {
      if (next_ < rows_.size()) {
        auto& row = rows_[next_++];
        for (auto& y : c.yields)
          frame[y.slot] = static_cast<size_t>(y.output) < row.size() ? std::move(row[y.output]) : Value();
        return true;
      }
      if (!input().Pull(frame)) return false;
      rows_.clear();
      next_ = 0;
      std::vector<Value> args;
      for (auto& a : c.args) args.push_back(Evaluate(*a, frame, state_.eval));
      const auto& sig = c.procedure->first;
      for (size_t i = 0; i < args.size() && i < sig.params.size(); ++i) CheckArg(sig.params[i], args[i], sig.name);
      ProcedureContext pctx;
      pctx.graph = state_.eval.tokens;
      pctx.reader = state_.eval.reader;
      pctx.txn = sig.writes ? state_.eval.txn : nullptr;
      auto& ctx = state_.eval;
      auto failure = c.procedure->second(args, pctx, [this, &ctx](std::vector<Value> row) {
        ctx.Tick();
        rows_.push_back(std::move(row));
        return true;
      });
      if (failure) Throw(failure->code, sig.name + ": " + failure->message, c.position);
      if (c.yields.empty() && !rows_.empty() && !c.standalone) rows_.resize(1);
      if (c.yields.empty() && sig.outputs.empty()) {
        rows_.clear();
        rows_.emplace_back();
      }
    }
  }

 private:
  static void CheckArg(const ProcedureParam& p, const Value& v, const std::string& proc) {
    if (v.is_null()) return;
    const std::string& t = p.type;
    bool ok = true;
    if (t == "STRING") ok = v.is_string();
    else if (t == "INTEGER") ok = v.is_int();
    else if (t == "FLOAT") ok = v.is_double() || v.is_int();
    else if (t == "NUMBER") ok = v.is_number();
    else if (t == "BOOLEAN") ok = v.is_bool();
    else if (t == "MAP") ok = v.is_map();
    else if (t == "LIST" || t.rfind("LIST", 0) == 0) ok = v.is_list();
    else if (t == "NODE") ok = v.is_node();
    if (!ok)
      Throw(ErrorCode::kArgumentError, "Procedure " + proc + ": argument `" + p.name + "` must be of type " + t +
                                           " but was " + Value::TypeName(v.type()),
            {}, "InvalidArgumentType");
  }

  std::vector<std::vector<Value>> rows_;
  size_t next_ = 0;
};

}  // namespace

std::unique_ptr<PhysicalOperator> BuildPhysical(const LogicalOperator& op, ExecState& state) {
  std::unique_ptr<PhysicalOperator> p;
  switch (op.kind) {
    case LogicalOpKind::kOnce:
    case LogicalOpKind::kArgument: p = std::make_unique<OnceOp>(op, state); break;
    case LogicalOpKind::kNodeScan: p = std::make_unique<NodeScanOp>(op, state); break;
    case LogicalOpKind::kNodeIndexSeek: p = std::make_unique<NodeIndexSeekOp>(op, state); break;
    case LogicalOpKind::kNodeIndexRange: p = std::make_unique<NodeIndexRangeOp>(op, state); break;
    case LogicalOpKind::kExpand: p = std::make_unique<ExpandOp>(op, state); break;
    case LogicalOpKind::kVarExpand: p = std::make_unique<VarExpandOp>(op, state); break;
    case LogicalOpKind::kShortestPath: p = std::make_unique<ShortestPathOp>(op, state); break;
    case LogicalOpKind::kFilter: p = std::make_unique<FilterOp>(op, state); break;
    case LogicalOpKind::kNodeFilter: p = std::make_unique<NodeFilterOp>(op, state); break;
    case LogicalOpKind::kRelFilter: p = std::make_unique<RelFilterOp>(op, state); break;
    case LogicalOpKind::kProjection: p = std::make_unique<ProjectionOp>(op, state); break;
    case LogicalOpKind::kAggregate: p = std::make_unique<AggregateOp>(op, state); break;
    case LogicalOpKind::kDistinct: p = std::make_unique<DistinctOp>(op, state); break;
    case LogicalOpKind::kSort: p = std::make_unique<SortOp>(op, state); break;
    case LogicalOpKind::kSkip: p = std::make_unique<SkipOp>(op, state); break;
    case LogicalOpKind::kLimit: p = std::make_unique<LimitOp>(op, state); break;
    case LogicalOpKind::kUnwind: p = std::make_unique<UnwindOp>(op, state); break;
    case LogicalOpKind::kOptional: p = std::make_unique<OptionalOp>(op, state); break;
    case LogicalOpKind::kUnion: p = std::make_unique<UnionOp>(op, state); break;
    case LogicalOpKind::kEager: p = std::make_unique<EagerOp>(op, state); break;
    case LogicalOpKind::kApply: p = std::make_unique<ApplyOp>(op, state); break;
    case LogicalOpKind::kProcedureCall: p = std::make_unique<ProcedureCallOp>(op, state); break;
    case LogicalOpKind::kCreate:
    case LogicalOpKind::kMerge:
    case LogicalOpKind::kSet:
    case LogicalOpKind::kRemove:
    case LogicalOpKind::kDelete: p = BuildWriteOperator(op, state); break;
  }
  for (auto& c : op.children) p->AddChild(BuildPhysical(*c, state));
  return p;
}

Value PhysicalSubqueryRunner::Run(const BoundSubquery& subquery, Frame& frame) {
  PhysicalOperator* op = nullptr;
  for (auto& [l, p] : built_)
    if (l == subquery.plan.get()) op = p.get();
  if (!op) {
    built_.emplace_back(subquery.plan.get(), BuildPhysical(*subquery.plan, state_));
    op = built_.back().second.get();
  }
  op->Reset();
  if (subquery.kind == BoundSubquery::Kind::kExists) return Value(op->Pull(frame));
  if (subquery.kind == BoundSubquery::Kind::kCount) {
    int64_t n = 0;
    while (op->Pull(frame)) ++n;
    return Value(n);
  }
  Value::List out;
  if (subquery.kind == BoundSubquery::Kind::kCollect) {
    int slot = subquery.query->output_slots[0];
    while (op->Pull(frame)) out.push_back(frame[slot]);
    return Value(std::move(out));
  }
  while (op->Pull(frame)) out.push_back(Evaluate(*subquery.projection, frame, state_.eval));
  return Value(std::move(out));
}

namespace {
void Profile(const PhysicalOperator& op, const BoundQuery& q, int depth, std::ostringstream& out) {
  out << std::string(depth * 2, ' ') << LogicalOpName(op.logical().kind) << "  rows=" << op.rows()
      << " time=" << (op.nanos() / 1000) << "us\n";
  for (size_t i = op.children().size(); i-- > 0;) Profile(*op.children()[i], q, depth + 1, out);
}
}  // namespace

std::string ProfileText(const PhysicalOperator& root, const BoundQuery& query,
                        const std::vector<std::string>& columns) {
  std::ostringstream out;
  out << "Produce";
  for (size_t i = 0; i < columns.size(); ++i) out << (i ? ", " : " ") << columns[i];
  out << "\n";
  Profile(root, query, 1, out);
  return out.str();
}

}  // namespace trendgraph::query

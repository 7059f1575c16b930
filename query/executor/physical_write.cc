#include "query/executor/physical_write.h"

#include <algorithm>
#include <set>
#include <unordered_set>

#include "query/expression/value_ops.h"
#include "query/query_exception.h"

namespace trendgraph::query {

namespace {

[[noreturn]] void Throw(ErrorCode code, std::string message, Position pos = {}, std::string detail = {}) {
  throw ExecutorException(MakeError(code, std::move(message), pos, std::move(detail)));
}

void CheckWrite(const Status& s, const char* what, Position pos = {}) {
  if (s.ok()) return;
  if (s.IsInvalidArgument()) Throw(ErrorCode::kTypeError, std::string(what) + ": " + s.message(), pos, "InvalidPropertyType");
  if (s.IsConstraintViolation())
    Throw(ErrorCode::kConstraintVerificationFailed, std::string(what) + ": " + s.message(), pos);
  if (s.IsNotFound()) Throw(ErrorCode::kEntityNotFound, std::string(what) + ": " + s.message(), pos, "DeletedEntityAccess");
  Throw(ErrorCode::kStorageError, std::string(what) + ": " + s.ToString(), pos);
}

// Property values must be scalars, temporals or homogeneous-enough lists of them.
void CheckPropertyValue(const Value& v, Position pos) {
  switch (v.type()) {
    case Value::Type::kBool:
    case Value::Type::kInt:
    case Value::Type::kDouble:
    case Value::Type::kString:
    case Value::Type::kDate:
    case Value::Type::kLocalTime:
    case Value::Type::kTime:
    case Value::Type::kLocalDateTime:
    case Value::Type::kDateTime:
    case Value::Type::kDuration:
    case Value::Type::kNull: return;
    case Value::Type::kList:
      for (auto& e : v.as_list()) {
        if (e.is_list() || e.is_map() || e.is_node() || e.is_rel() || e.is_path())
          Throw(ErrorCode::kTypeError, "Property values can only be of primitive types or arrays thereof", pos,
                "InvalidPropertyType");
      }
      return;
    default:
      Throw(ErrorCode::kTypeError,
            std::string("Property values can only be of primitive types or arrays thereof, not ") +
                Value::TypeName(v.type()),
            pos, "InvalidPropertyType");
  }
}

storage::Properties EvalProps(const std::vector<std::pair<std::string, BoundExprPtr>>& props, Frame& frame,
                              EvalContext& ctx) {
  storage::Properties out;
  for (auto& [k, e] : props) {
    Value v = Evaluate(*e, frame, ctx);
    CheckPropertyValue(v, e->position);
    if (v.is_null()) continue;
    storage::PropKeyId id = ctx.tokens->GetOrCreatePropKey(k);
    bool replaced = false;
    for (auto& [pk, pv] : out)
      if (pk == id) {
        pv = std::move(v);
        replaced = true;
      }
    if (!replaced) out.emplace_back(id, std::move(v));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return out;
}

// Creates the unbound parts of one pattern part for the current row.
void CreatePart(const BoundPatternPart& part, Frame& frame, ExecState& st, std::set<int>* created) {
  auto& ctx = st.eval;
  for (auto& n : part.nodes) {
    if (n.bound_before || created->count(n.slot)) {
      const Value& v = frame[n.slot];
      if (!v.is_node())
        Throw(ErrorCode::kSemanticError, "Failed to create a relationship: a node of the pattern is null or not a node",
              n.position);
      continue;
    }
    std::vector<storage::LabelId> labels;
    for (auto& l : n.labels) labels.push_back(ctx.tokens->GetOrCreateLabel(l));
    std::sort(labels.begin(), labels.end());
    labels.erase(std::unique(labels.begin(), labels.end()), labels.end());
    storage::Properties props = EvalProps(n.properties, frame, ctx);
    size_t nprops = props.size(), nlabels = labels.size();
    auto id = ctx.txn->CreateNode(std::move(labels), std::move(props));
    CheckWrite(id.status(), "creating a node", n.position);
    frame[n.slot] = Value(NodeRef{id.value()});
    created->insert(n.slot);
    ++st.stats.nodes_created;
    st.stats.labels_added += nlabels;
    st.stats.properties_set += nprops;
  }
  for (size_t i = 0; i < part.rels.size(); ++i) {
    auto& r = part.rels[i];
    storage::NodeId a = frame[part.nodes[i].slot].as_node().id;
    storage::NodeId b = frame[part.nodes[i + 1].slot].as_node().id;
    if (r.direction == PatternDirection::kRightToLeft) std::swap(a, b);
    storage::TypeId type = ctx.tokens->GetOrCreateType(r.types[0]);
    storage::Properties props = EvalProps(r.properties, frame, ctx);
    size_t nprops = props.size();
    auto id = ctx.txn->CreateRel(type, a, b, std::move(props));
    CheckWrite(id.status(), "creating a relationship", r.position);
    frame[r.slot] = Value(RelRef{id.value(), a, b, type});
    created->insert(r.slot);
    ++st.stats.relationships_created;
    st.stats.properties_set += nprops;
  }
  if (part.path_slot >= 0) {
    PathValue p;
    for (size_t i = 0; i < part.nodes.size(); ++i) {
      p.nodes.push_back(frame[part.nodes[i].slot].as_node());
      if (i < part.rels.size()) p.rels.push_back(frame[part.rels[i].slot].as_rel());
    }
    frame[part.path_slot] = Value(std::move(p));
  }
}

void SetProperty(const Value& target, const std::string& key, const Value& v, ExecState& st, Position pos) {
  auto& ctx = st.eval;
  CheckPropertyValue(v, pos);
  if (target.is_node()) {
    if (ctx.deleted_nodes.count(target.as_node().id))
      Throw(ErrorCode::kEntityNotFound, "Cannot set a property of a deleted node", pos, "DeletedEntityAccess");
    if (v.is_null()) {
      auto kid = ctx.tokens->FindPropKey(key);
      if (!kid) return;
      CheckWrite(ctx.txn->SetNodeProperty(target.as_node().id, *kid, v), "removing a property", pos);
    } else {
      CheckWrite(ctx.txn->SetNodeProperty(target.as_node().id, ctx.tokens->GetOrCreatePropKey(key), v),
                 "setting a property", pos);
    }
  } else if (target.is_rel()) {
    if (ctx.deleted_rels.count(target.as_rel().id))
      Throw(ErrorCode::kEntityNotFound, "Cannot set a property of a deleted relationship", pos, "DeletedEntityAccess");
    if (v.is_null()) {
      auto kid = ctx.tokens->FindPropKey(key);
      if (!kid) return;
      CheckWrite(ctx.txn->SetRelProperty(target.as_rel().id, *kid, v), "removing a property", pos);
    } else {
      CheckWrite(ctx.txn->SetRelProperty(target.as_rel().id, ctx.tokens->GetOrCreatePropKey(key), v),
                 "setting a property", pos);
    }
  } else {
    Throw(ErrorCode::kTypeError,
          std::string("Type mismatch: expected a node or relationship but was ") + Value::TypeName(target.type()), pos,
          "InvalidArgumentType");
  }
  ++st.stats.properties_set;
}

Value::Map CurrentProps(const Value& target, EvalContext& ctx) {
  if (target.is_node()) return NodeProperties(target.as_node().id, ctx);
  if (target.is_rel()) return RelProperties(target.as_rel().id, ctx);
  return {};
}

void ApplySet(const BoundSetItem& item, Frame& frame, ExecState& st) {
  auto& ctx = st.eval;
  Value target = Evaluate(*item.target, frame, ctx);
  switch (item.kind) {
    case ParsedSetItem::Kind::kProperty: {
      Value v = Evaluate(*item.value, frame, ctx);
      if (target.is_null()) return;
      SetProperty(target, item.key, v, st, item.position);
      return;
    }
    case ParsedSetItem::Kind::kAllProperties:
    case ParsedSetItem::Kind::kMergeProperties: {
      Value v = Evaluate(*item.value, frame, ctx);
      if (target.is_null()) return;
      if (!target.is_node() && !target.is_rel())
        Throw(ErrorCode::kTypeError, "SET expects a node or relationship", item.position, "InvalidArgumentType");
      Value::Map map;
      if (v.is_map()) map = v.as_map();
      else if (v.is_node() || v.is_rel()) map = CurrentProps(v, ctx);
      else if (!v.is_null())
        Throw(ErrorCode::kTypeError, std::string("SET expects a map but got ") + Value::TypeName(v.type()),
              item.position, "InvalidArgumentType");
      for (auto& [k, x] : map) CheckPropertyValue(x, item.position);
      if (item.kind == ParsedSetItem::Kind::kAllProperties) {
        for (auto& [k, x] : CurrentProps(target, ctx))
          if (!map.count(k)) SetProperty(target, k, Value(), st, item.position);
      }
      for (auto& [k, x] : map) SetProperty(target, k, x, st, item.position);
      return;
    }
    case ParsedSetItem::Kind::kLabels: {
      if (target.is_null()) return;
      if (!target.is_node()) Throw(ErrorCode::kTypeError, "Labels can only be set on nodes", item.position);
      auto have = NodeLabelIds(target.as_node().id, ctx);
      for (auto& l : item.labels) {
        storage::LabelId lid = ctx.tokens->GetOrCreateLabel(l);
        if (std::find(have.begin(), have.end(), lid) != have.end()) continue;
        CheckWrite(ctx.txn->AddLabel(target.as_node().id, lid), "adding a label", item.position);
        have.push_back(lid);
        ++st.stats.labels_added;
      }
      return;
    }
  }
}

class CreateOp : public PhysicalOperator {
 public:
  using PhysicalOperator::PhysicalOperator;

 protected:
  bool Next(Frame& frame) override {
    if (!input().Pull(frame)) return false;
    state_.eval.Tick();
    std::set<int> created;
    for (auto& part : op_.clause->parts) CreatePart(part, frame, state_, &created);
    return true;
  }
};

class MergeOp : public PhysicalOperator {
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
        frame = std::move(rows_[next_++]);
        return true;
      }
      rows_.clear();
      next_ = 0;
      if (!input().Pull(frame)) return false;
      state_.eval.Tick();
      // Null in a bound node of the pattern cannot be merged.
      for (auto& n : c.parts[0].nodes)
        if (n.bound_before && frame[n.slot].is_null())
          Throw(ErrorCode::kSemanticError, "Cannot merge a pattern with a null node", n.position,
                "MergeReadOwnWrites");
      for (auto& n : c.parts[0].nodes)
        for (auto& [k, e] : n.properties)
          if (Evaluate(*e, frame, state_.eval).is_null())
            Throw(ErrorCode::kSemanticError, "Cannot merge a node using a null property value for `" + k + "`",
                  n.position, "MergeReadOwnWrites");
      for (auto& r : c.parts[0].rels)
        for (auto& [k, e] : r.properties)
          if (Evaluate(*e, frame, state_.eval).is_null())
            Throw(ErrorCode::kSemanticError,
                  "Cannot merge a relationship using a null property value for `" + k + "`", r.position,
                  "MergeReadOwnWrites");
      PhysicalOperator& branch = *children_[1];
      branch.Reset();
      Frame probe = frame;
      while (branch.Pull(probe)) rows_.push_back(probe);
      if (!rows_.empty()) {
        for (auto& row : rows_)
          for (auto& s : c.on_match) ApplySet(s, row, state_);
      } else {
        std::set<int> created;
        CreatePart(c.parts[0], frame, state_, &created);
        for (auto& s : c.on_create) ApplySet(s, frame, state_);
        rows_.push_back(frame);
      }
    }
  }

 private:
  std::vector<Frame> rows_;
  size_t next_ = 0;
};

class SetOp : public PhysicalOperator {
 public:
  using PhysicalOperator::PhysicalOperator;

 protected:
  bool Next(Frame& frame) override {
    if (!input().Pull(frame)) return false;
    state_.eval.Tick();
    for (auto& item : op_.clause->set_items) ApplySet(item, frame, state_);
    return true;
  }
};

class RemoveOp : public PhysicalOperator {
 public:
  using PhysicalOperator::PhysicalOperator;

 protected:
  bool Next(Frame& frame) override {
    if (!input().Pull(frame)) return false;
    auto& ctx = state_.eval;
    ctx.Tick();
    for (auto& item : op_.clause->remove_items) {
      Value target = Evaluate(*item.target, frame, ctx);
      if (target.is_null()) continue;
      if (item.kind == ParsedRemoveItem::Kind::kProperty) {
        Value cur = target.is_node() ? NodeProperty(target.as_node().id, item.key, ctx)
                    : target.is_rel() ? RelProperty(target.as_rel().id, item.key, ctx)
                                      : Value();
        if (!target.is_node() && !target.is_rel())
          Throw(ErrorCode::kTypeError, "REMOVE expects a node or relationship", item.position, "InvalidArgumentType");
        if (cur.is_null()) continue;
        SetProperty(target, item.key, Value(), state_, item.position);
      } else {
        if (!target.is_node()) Throw(ErrorCode::kTypeError, "Labels can only be removed from nodes", item.position);
        auto have = NodeLabelIds(target.as_node().id, ctx);
        for (auto& l : item.labels) {
          auto lid = ctx.tokens->FindLabel(l);
          if (!lid || std::find(have.begin(), have.end(), *lid) == have.end()) continue;
          CheckWrite(ctx.txn->RemoveLabel(target.as_node().id, *lid), "removing a label", item.position);
          have.erase(std::find(have.begin(), have.end(), *lid));
          ++state_.stats.labels_removed;
        }
      }
    }
    return true;
  }
};

// DELETE collects every target of every row first (its input is eager), then
// deletes relationships before nodes, so that `DELETE a, r` and deleting a
// node whose relationships other rows delete both work, as in Cypher where the
// "no dangling relationships" check happens at the end of the clause.
class DeleteOp : public PhysicalOperator {
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
      Run(frame);
      done_ = true;
    }
    if (next_ >= rows_.size()) return false;
    frame = std::move(rows_[next_++]);
    return true;
  }

 private:
  void Run(Frame& frame) {
    auto& ctx = state_.eval;
    const BoundClause& c = *op_.clause;
    std::vector<uint64_t> nodes, rels;
    std::unordered_set<uint64_t> seen_nodes, seen_rels;
    auto add = [&](const Value& v, Position pos) {
      switch (v.type()) {
        case Value::Type::kNull: break;
        case Value::Type::kNode:
          if (seen_nodes.insert(v.as_node().id).second) nodes.push_back(v.as_node().id);
          break;
        case Value::Type::kRel:
          if (seen_rels.insert(v.as_rel().id).second) rels.push_back(v.as_rel().id);
          break;
        case Value::Type::kPath:
          for (auto& n : v.as_path().nodes)
            if (seen_nodes.insert(n.id).second) nodes.push_back(n.id);
          for (auto& r : v.as_path().rels)
            if (seen_rels.insert(r.id).second) rels.push_back(r.id);
          break;
        default:
          Throw(ErrorCode::kTypeError,
                std::string("DELETE expects a node, relationship or path but got ") + Value::TypeName(v.type()), pos,
                "InvalidArgumentType");
      }
    };
    while (input().Pull(frame)) {
      ctx.Tick();
      for (auto& t : c.targets) {
        Value v = Evaluate(*t, frame, ctx);
        if (v.is_list()) {
          for (auto& x : v.as_list()) add(x, t->position);
        } else {
          add(v, t->position);
        }
      }
      rows_.push_back(frame);
    }
    for (uint64_t r : rels) DeleteRel(r);
    for (uint64_t n : nodes) {
      if (ctx.deleted_nodes.count(n)) continue;
      if (c.detach) {
        std::vector<uint64_t> attached;
        for (auto dir : {storage::Direction::kOut, storage::Direction::kIn}) {
          auto it = ctx.reader->Adjacency(n, dir, std::nullopt);
          for (; it->Valid(); it->Next()) attached.push_back(it->entry().rel);
          CheckWrite(it->status(), "reading relationships");
        }
        std::sort(attached.begin(), attached.end());
        attached.erase(std::unique(attached.begin(), attached.end()), attached.end());
        for (uint64_t r : attached) DeleteRel(r);
      } else if (ctx.reader->Degree(n, storage::Direction::kOut, std::nullopt) > 0 ||
                 ctx.reader->Degree(n, storage::Direction::kIn, std::nullopt) > 0) {
        Throw(ErrorCode::kConstraintVerificationFailed,
              "Cannot delete node " + std::to_string(n) + " because it still has relationships; use DETACH DELETE",
              c.position, "DeleteConnectedNode");
      }
      storage::NodeRecord rec;
      if (!ctx.reader->GetNode(n, &rec).ok()) continue;  // already gone
      std::vector<std::string> labels;
      for (auto l : rec.labels) labels.push_back(ctx.tokens->LabelName(l));
      Value::Map props;
      for (auto& [k, v] : rec.props) props.emplace(ctx.tokens->PropKeyName(k), std::move(v));
      CheckWrite(ctx.txn->DeleteNode(n, false), "deleting a node", c.position);
      ctx.deleted_nodes.emplace(n, std::make_pair(std::move(labels), std::move(props)));
      ++state_.stats.nodes_deleted;
    }
  }

  void DeleteRel(uint64_t r) {
    auto& ctx = state_.eval;
    if (ctx.deleted_rels.count(r)) return;
    storage::RelRecord rec;
    if (!ctx.reader->GetRel(r, &rec).ok()) return;
    Value::Map props;
    for (auto& [k, v] : rec.props) props.emplace(ctx.tokens->PropKeyName(k), std::move(v));
    CheckWrite(ctx.txn->DeleteRel(r), "deleting a relationship");
    ctx.deleted_rels.emplace(r, std::make_pair(ctx.tokens->TypeName(rec.type), std::move(props)));
    ++state_.stats.relationships_deleted;
  }

  std::vector<Frame> rows_;
  bool done_ = false;
  size_t next_ = 0;
};

}  // namespace

std::unique_ptr<PhysicalOperator> BuildWriteOperator(const LogicalOperator& op, ExecState& state) {
  switch (op.kind) {
    case LogicalOpKind::kCreate: return std::make_unique<CreateOp>(op, state);
    case LogicalOpKind::kMerge: return std::make_unique<MergeOp>(op, state);
    case LogicalOpKind::kSet: return std::make_unique<SetOp>(op, state);
    case LogicalOpKind::kRemove: return std::make_unique<RemoveOp>(op, state);
    case LogicalOpKind::kDelete: return std::make_unique<DeleteOp>(op, state);
    default: return nullptr;
  }
}

}  // namespace trendgraph::query

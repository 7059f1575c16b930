#include "query/expression/evaluator.h"

#include <algorithm>

#include "query/expression/value_ops.h"
#include "query/query_exception.h"

namespace trendgraph::query {

namespace {

[[noreturn]] void Throw(ErrorCode code, std::string message, Position pos = {}, std::string detail = {}) {
  throw ExecutorException(MakeError(code, std::move(message), pos, std::move(detail)));
}

}  // namespace

void ThrowIfError(const Status& s, const char* what) {
  if (s.ok()) return;
  if (s.IsNotFound()) Throw(ErrorCode::kEntityNotFound, std::string(what) + ": " + s.message(), {}, "DeletedEntityAccess");
  Throw(ErrorCode::kStorageError, std::string(what) + ": " + s.ToString());
}

void EvalContext::CheckLimits() {
  if (cancel && cancel->load(std::memory_order_relaxed)) Throw(ErrorCode::kCancelled, "The query was cancelled");
  if (std::chrono::steady_clock::now() > deadline)
    Throw(ErrorCode::kTimeout, "The query exceeded its time limit and was stopped");
}

// ---------------------------------------------------------------------------
// Tokens

std::optional<storage::LabelId> TokenResolver::FindLabel(std::string_view name) const {
  if (auto id = graph_->FindLabel(name)) return id;
  auto it = labels_.find(std::string(name));
  if (it != labels_.end()) return it->second;
  return std::nullopt;
}
std::optional<storage::TypeId> TokenResolver::FindType(std::string_view name) const {
  if (auto id = graph_->FindType(name)) return id;
  auto it = types_.find(std::string(name));
  if (it != types_.end()) return it->second;
  return std::nullopt;
}
std::optional<storage::PropKeyId> TokenResolver::FindPropKey(std::string_view name) const {
  if (auto id = graph_->FindPropKey(name)) return id;
  auto it = keys_.find(std::string(name));
  if (it != keys_.end()) return it->second;
  return std::nullopt;
}
storage::LabelId TokenResolver::GetOrCreateLabel(std::string_view name) {
  if (auto id = FindLabel(name)) return *id;
  auto id = txn_->GetOrCreateLabel(name);
  labels_[std::string(name)] = id;
  label_names_[id] = std::string(name);
  return id;
}
storage::TypeId TokenResolver::GetOrCreateType(std::string_view name) {
  if (auto id = FindType(name)) return *id;
  auto id = txn_->GetOrCreateType(name);
  types_[std::string(name)] = id;
  type_names_[id] = std::string(name);
  return id;
}
storage::PropKeyId TokenResolver::GetOrCreatePropKey(std::string_view name) {
  if (auto id = FindPropKey(name)) return *id;
  auto id = txn_->GetOrCreatePropKey(name);
  keys_[std::string(name)] = id;
  key_names_[id] = std::string(name);
  return id;
}
std::string TokenResolver::LabelName(storage::LabelId id) const {
  auto it = label_names_.find(id);
  return it != label_names_.end() ? it->second : graph_->LabelName(id);
}
std::string TokenResolver::TypeName(storage::TypeId id) const {
  auto it = type_names_.find(id);
  return it != type_names_.end() ? it->second : graph_->TypeName(id);
}
std::string TokenResolver::PropKeyName(storage::PropKeyId id) const {
  auto it = key_names_.find(id);
  return it != key_names_.end() ? it->second : graph_->PropKeyName(id);
}
static std::vector<std::string> WithLocal(std::vector<std::string> names,
                                          const std::unordered_map<std::string, uint32_t>& local) {
  for (auto& [n, id] : local)
    if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
  return names;
}
std::vector<std::string> TokenResolver::Labels() const { return WithLocal(graph_->Labels(), labels_); }
std::vector<std::string> TokenResolver::Types() const { return WithLocal(graph_->Types(), types_); }
std::vector<std::string> TokenResolver::PropKeys() const { return WithLocal(graph_->PropKeys(), keys_); }

// ---------------------------------------------------------------------------
// Entity access

static void CheckNotDeletedNode(uint64_t id, EvalContext& ctx) {
  if (!ctx.deleted_nodes.empty() && ctx.deleted_nodes.count(id))
    Throw(ErrorCode::kEntityNotFound, "The node " + std::to_string(id) + " was deleted by this query", {},
          "DeletedEntityAccess");
}
static void CheckNotDeletedRel(uint64_t id, EvalContext& ctx) {
  if (!ctx.deleted_rels.empty() && ctx.deleted_rels.count(id))
    Throw(ErrorCode::kEntityNotFound, "The relationship " + std::to_string(id) + " was deleted by this query", {},
          "DeletedEntityAccess");
}

// The id of property key `key`, remembered in *cached_key (when given, -1 =
// not yet resolved) so that a property access resolves its name once per
// query. False when no entity in the graph has that key.
static bool ResolvePropKey(const std::string& key, EvalContext& ctx, int64_t* cached_key, storage::PropKeyId* out) {
  if (cached_key && *cached_key >= 0) {
    *out = static_cast<storage::PropKeyId>(*cached_key);
    return true;
  }
  auto k = ctx.tokens->FindPropKey(key);
  if (!k) return false;
  *out = *k;
  if (cached_key) *cached_key = *k;
  return true;
}

Value NodeProperty(uint64_t node, const std::string& key, EvalContext& ctx, int64_t* cached_key) {
  CheckNotDeletedNode(node, ctx);
  storage::PropKeyId kid;
  if (!ResolvePropKey(key, ctx, cached_key, &kid)) return Value();
  Value out;
  ThrowIfError(ctx.reader->GetNodeProperty(node, kid, &out), "reading a node property");
  return out;
}

Value RelProperty(uint64_t rel, const std::string& key, EvalContext& ctx, int64_t* cached_key) {
  CheckNotDeletedRel(rel, ctx);
  storage::PropKeyId kid;
  if (!ResolvePropKey(key, ctx, cached_key, &kid)) return Value();
  Value out;
  ThrowIfError(ctx.reader->GetRelProperty(rel, kid, &out), "reading a relationship property");
  return out;
}

Value::Map NodeProperties(uint64_t node, EvalContext& ctx) {
  CheckNotDeletedNode(node, ctx);
  storage::NodeRecord rec;
  ThrowIfError(ctx.reader->GetNode(node, &rec), "reading a node");
  Value::Map m;
  for (auto& [k, v] : rec.props) m.emplace(ctx.tokens->PropKeyName(k), std::move(v));
  return m;
}

Value::Map RelProperties(uint64_t rel, EvalContext& ctx) {
  CheckNotDeletedRel(rel, ctx);
  storage::RelRecord rec;
  ThrowIfError(ctx.reader->GetRel(rel, &rec), "reading a relationship");
  Value::Map m;
  for (auto& [k, v] : rec.props) m.emplace(ctx.tokens->PropKeyName(k), std::move(v));
  return m;
}

std::vector<storage::LabelId> NodeLabelIds(uint64_t node, EvalContext& ctx) {
  CheckNotDeletedNode(node, ctx);
  std::vector<storage::LabelId> labels;
  ThrowIfError(ctx.reader->GetNodeLabels(node, &labels), "reading a node");
  return labels;
}

// ---------------------------------------------------------------------------
// Evaluation

namespace {

Value EvalProperty(const Value& obj, const BoundExpr& e, EvalContext& ctx) {
  switch (obj.type()) {
    case Value::Type::kNull: return Value();
    case Value::Type::kNode: {
      const uint64_t id = obj.as_node().id;
      if (ctx.txn) return NodeProperty(id, e.name, ctx, &e.cached_key);
      // The value is cached from the second consecutive read of one node on:
      // keys evaluated once per distinct node (aggregation) then do not pay
      // a copy of every value into the cache. cached_entity holds the node
      // with kSeenOnce set after its first read, the plain id once cached.
      constexpr uint64_t kSeenOnce = uint64_t{1} << 63;
      if (e.cached_entity == id) return e.cached_value;
      if (e.cached_entity == (id | kSeenOnce)) {
        e.cached_value = NodeProperty(id, e.name, ctx, &e.cached_key);
        e.cached_entity = id;
        return e.cached_value;
      }
      e.cached_entity = id | kSeenOnce;
      return NodeProperty(id, e.name, ctx, &e.cached_key);
    }
    case Value::Type::kRel: return RelProperty(obj.as_rel().id, e.name, ctx, &e.cached_key);
    case Value::Type::kMap: {
      auto it = obj.as_map().find(e.name);
      return it == obj.as_map().end() ? Value() : it->second;
    }
    case Value::Type::kDate:
    case Value::Type::kLocalTime:
    case Value::Type::kTime:
    case Value::Type::kLocalDateTime:
    case Value::Type::kDateTime:
    case Value::Type::kDuration: return TemporalProperty(obj, e.name);
    default:
      Throw(ErrorCode::kTypeError,
            std::string("Type mismatch: expected a map, node or relationship but was ") + Value::TypeName(obj.type()),
            e.position, "InvalidArgumentType");
  }
}

Value BuildPath(const BoundExpr& e, Frame& frame) {
  PathValue p;
  bool skip_next_node = false;
  uint64_t cur = 0;
  for (const auto& el : e.path_elements) {
    const Value& v = frame[el.slot];
    if (v.is_null()) return Value();
    switch (el.kind) {
      case PathElement::Kind::kNode:
        if (skip_next_node) {
          skip_next_node = false;
          break;
        }
        p.nodes.push_back(v.as_node());
        cur = v.as_node().id;
        break;
      case PathElement::Kind::kRel:
        p.rels.push_back(v.as_rel());
        break;
      case PathElement::Kind::kRelList: {
        const auto& list = v.as_list();
        if (list.empty()) {
          skip_next_node = true;
          break;
        }
        for (size_t k = 0; k < list.size(); ++k) {
          const RelRef& r = list[k].as_rel();
          if (k > 0) p.nodes.push_back(NodeRef{cur});
          p.rels.push_back(r);
          cur = r.start == cur ? r.end : r.start;
        }
        break;
      }
    }
  }
  return Value(std::move(p));
}

Value EvalBinary(const BoundExpr& e, Frame& frame, EvalContext& ctx) {
  switch (e.bop) {
    case BinaryOp::kAnd: {
      Value l = Evaluate(*e.children[0], frame, ctx);
      if (l.is_bool() && !l.as_bool()) return Value(false);
      return And(l, Evaluate(*e.children[1], frame, ctx));
    }
    case BinaryOp::kOr: {
      Value l = Evaluate(*e.children[0], frame, ctx);
      if (l.is_bool() && l.as_bool()) return Value(true);
      return Or(l, Evaluate(*e.children[1], frame, ctx));
    }
    default: break;
  }
  Value l = Evaluate(*e.children[0], frame, ctx);
  Value r = Evaluate(*e.children[1], frame, ctx);
  switch (e.bop) {
    case BinaryOp::kXor: return Xor(l, r);
    case BinaryOp::kAdd: return Add(l, r);
    case BinaryOp::kConcat: return Concat(l, r);
    case BinaryOp::kSubtract: return Subtract(l, r);
    case BinaryOp::kMultiply: return Multiply(l, r);
    case BinaryOp::kDivide: return Divide(l, r);
    case BinaryOp::kModulo: return Modulo(l, r);
    case BinaryOp::kPower: return Power(l, r);
    case BinaryOp::kStartsWith: return StartsWith(l, r);
    case BinaryOp::kEndsWith: return EndsWith(l, r);
    case BinaryOp::kContains: return Contains(l, r);
    case BinaryOp::kRegexMatch: return RegexMatch(l, r);
    case BinaryOp::kIn: return InList(l, r);
    default: return Value();
  }
}

Value EvalQuantifier(const BoundExpr& e, Frame& frame, EvalContext& ctx) {
  Value list = Evaluate(*e.children[0], frame, ctx);
  if (list.is_null()) return Value();
  if (!list.is_list()) ThrowTypeMismatch("List", list);
  size_t trues = 0, nulls = 0, falses = 0;
  for (const Value& el : list.as_list()) {
    frame[e.slot] = el;
    Value p = e.children[1] ? ToTernary(Evaluate(*e.children[1], frame, ctx), e.position) : ToTernary(el, e.position);
    if (p.is_null())
      ++nulls;
    else if (p.as_bool())
      ++trues;
    else
      ++falses;
    if (e.quantifier == QuantifierKind::kAll && falses) return Value(false);
    if (e.quantifier == QuantifierKind::kAny && trues) return Value(true);
    if (e.quantifier == QuantifierKind::kNone && trues) return Value(false);
    if (e.quantifier == QuantifierKind::kSingle && trues > 1) return Value(false);
  }
  switch (e.quantifier) {
    case QuantifierKind::kAll:
    case QuantifierKind::kNone: return nulls ? Value() : Value(true);
    case QuantifierKind::kAny: return nulls ? Value() : Value(false);
    case QuantifierKind::kSingle:
      if (nulls) return Value();
      return Value(trues == 1);
  }
  return Value();
}

Value EvalLabelCheck(const BoundExpr& e, Frame& frame, EvalContext& ctx) {
  Value v = Evaluate(*e.children[0], frame, ctx);
  if (v.is_null()) return Value();
  if (v.is_node()) {
    auto ids = NodeLabelIds(v.as_node().id, ctx);
    for (auto& l : e.labels) {
      auto id = ctx.tokens->FindLabel(l);
      if (!id || std::find(ids.begin(), ids.end(), *id) == ids.end()) return Value(false);
    }
    return Value(true);
  }
  if (v.is_rel()) {
    std::string t = ctx.tokens->TypeName(v.as_rel().type);
    for (auto& l : e.labels)
      if (l != t) return Value(false);
    return Value(true);
  }
  ThrowTypeMismatch("Node", v);
}

}  // namespace

namespace {
// Runtime errors of value operations carry no position; give them the
// position of the expression that failed.
template <typename F>
Value WithPosition(const BoundExpr& e, F&& f) {
  try {
    return f();
  } catch (const ExecutorException& ex) {
    if (ex.error().position.line != 0 || e.position.line == 0) throw;
    QueryError err = ex.error();
    err.position = e.position;
    throw ExecutorException(std::move(err));
  }
}
}  // namespace

Value Evaluate(const BoundExpr& e, Frame& frame, EvalContext& ctx) {
  switch (e.kind) {
    case BoundExprKind::kConstant: return e.constant;
    case BoundExprKind::kVariable: return frame[e.slot];
    case BoundExprKind::kProperty: {
      if (e.children[0]->kind == BoundExprKind::kVariable) return EvalProperty(frame[e.children[0]->slot], e, ctx);
      return EvalProperty(Evaluate(*e.children[0], frame, ctx), e, ctx);
    }
    case BoundExprKind::kSubscript: {
      Value obj = Evaluate(*e.children[0], frame, ctx);
      Value idx = Evaluate(*e.children[1], frame, ctx);
      if ((obj.is_node() || obj.is_rel()) && !idx.is_null()) {
        if (!idx.is_string()) ThrowTypeMismatch("String", idx);
        return obj.is_node() ? NodeProperty(obj.as_node().id, idx.as_string(), ctx)
                             : RelProperty(obj.as_rel().id, idx.as_string(), ctx);
      }
      return Subscript(obj, idx);
    }
    case BoundExprKind::kSlice: {
      Value obj = Evaluate(*e.children[0], frame, ctx);
      std::optional<Value> from, to;
      if (e.children[1]) from = Evaluate(*e.children[1], frame, ctx);
      if (e.children[2]) to = Evaluate(*e.children[2], frame, ctx);
      return Slice(obj, from, to);
    }
    case BoundExprKind::kNot: return Not(Evaluate(*e.children[0], frame, ctx));
    case BoundExprKind::kNegate: return Negate(Evaluate(*e.children[0], frame, ctx));
    case BoundExprKind::kUnaryPlus: return UnaryPlus(Evaluate(*e.children[0], frame, ctx));
    case BoundExprKind::kBinary: return WithPosition(e, [&] { return EvalBinary(e, frame, ctx); });
    case BoundExprKind::kComparison: {
      Value left = Evaluate(*e.children[0], frame, ctx);
      Value result(true);
      for (size_t i = 0; i < e.cops.size(); ++i) {
        Value right = Evaluate(*e.children[i + 1], frame, ctx);
        Value r = CypherCompareOp(static_cast<CompareKind>(e.cops[i]), left, right);
        result = i == 0 ? std::move(r) : And(result, r);
        if (result.is_bool() && !result.as_bool()) return result;
        left = std::move(right);
      }
      return result;
    }
    case BoundExprKind::kIsNull: {
      bool null = Evaluate(*e.children[0], frame, ctx).is_null();
      return Value(e.flag ? !null : null);
    }
    case BoundExprKind::kLabelCheck: return EvalLabelCheck(e, frame, ctx);
    case BoundExprKind::kFunction: return WithPosition(e, [&]() -> Value {
      Value args[8];
      size_t n = e.children.size();
      if (n <= 8) {
        for (size_t i = 0; i < n; ++i) args[i] = Evaluate(*e.children[i], frame, ctx);
        return e.fn->fn(args, n, ctx.fn_ctx);
      }
      std::vector<Value> many;
      many.reserve(n);
      for (auto& c : e.children) many.push_back(Evaluate(*c, frame, ctx));
      return e.fn->fn(many.data(), n, ctx.fn_ctx);
    });
    case BoundExprKind::kCase: {
      size_t i = 0;
      Value test;
      if (e.flag) test = Evaluate(*e.children[i++], frame, ctx);
      size_t end = e.children.size() - (e.has_else ? 1 : 0);
      for (; i + 1 < end; i += 2) {
        Value w = Evaluate(*e.children[i], frame, ctx);
        bool hit = e.flag ? IsTrue(CypherEquals(test, w)) : IsTrue(w);
        if (hit) return Evaluate(*e.children[i + 1], frame, ctx);
      }
      return e.has_else ? Evaluate(*e.children.back(), frame, ctx) : Value();
    }
    case BoundExprKind::kList: {
      Value::List l;
      l.reserve(e.children.size());
      for (auto& c : e.children) l.push_back(Evaluate(*c, frame, ctx));
      return Value(std::move(l));
    }
    case BoundExprKind::kMap: {
      Value::Map m;
      for (size_t i = 0; i < e.children.size(); ++i) m[e.keys[i]] = Evaluate(*e.children[i], frame, ctx);
      return Value(std::move(m));
    }
    case BoundExprKind::kMapProjection: {
      const Value& v = frame[e.slot];
      if (v.is_null()) return Value();
      Value::Map m;
      for (auto& it : e.map_items) {
        switch (it.kind) {
          case BoundMapProjectionItem::Kind::kAllProperties: {
            Value::Map all;
            if (v.is_node()) all = NodeProperties(v.as_node().id, ctx);
            else if (v.is_rel()) all = RelProperties(v.as_rel().id, ctx);
            else if (v.is_map()) all = v.as_map();
            else ThrowTypeMismatch("Map", v);
            for (auto& [k, x] : all) m[k] = std::move(x);
            break;
          }
          case BoundMapProjectionItem::Kind::kProperty: {
            BoundExpr pe(BoundExprKind::kProperty);
            pe.name = it.key;
            pe.position = e.position;
            m[it.key] = EvalProperty(v, pe, ctx);
            break;
          }
          case BoundMapProjectionItem::Kind::kExpression:
            m[it.key] = Evaluate(*e.children[it.child], frame, ctx);
            break;
        }
      }
      return Value(std::move(m));
    }
    case BoundExprKind::kListComprehension: {
      Value list = Evaluate(*e.children[0], frame, ctx);
      if (list.is_null()) return Value();
      if (!list.is_list()) ThrowTypeMismatch("List", list);
      Value::List out;
      for (const Value& el : list.as_list()) {
        frame[e.slot] = el;
        if (e.children[1] && !EvaluatePredicate(*e.children[1], frame, ctx)) continue;
        out.push_back(e.children[2] ? Evaluate(*e.children[2], frame, ctx) : el);
      }
      return Value(std::move(out));
    }
    case BoundExprKind::kQuantifier: return EvalQuantifier(e, frame, ctx);
    case BoundExprKind::kReduce: {
      Value acc = Evaluate(*e.children[0], frame, ctx);
      Value list = Evaluate(*e.children[1], frame, ctx);
      if (list.is_null()) return Value();
      if (!list.is_list()) ThrowTypeMismatch("List", list);
      for (const Value& el : list.as_list()) {
        frame[e.slot] = el;
        frame[e.slot2] = std::move(acc);
        acc = Evaluate(*e.children[2], frame, ctx);
      }
      return acc;
    }
    case BoundExprKind::kBuildPath: return BuildPath(e, frame);
    case BoundExprKind::kSubquery: return ctx.subqueries->Run(*e.subquery, frame);
  }
  return Value();
}

bool EvaluatePredicate(const BoundExpr& e, Frame& frame, EvalContext& ctx) {
  Value v = Evaluate(e, frame, ctx);
  if (v.is_bool()) return v.as_bool();
  if (v.is_null()) return false;
  ToTernary(v, e.position);  // throws the TypeError
  return false;
}

}  // namespace trendgraph::query

#include "query/binder/binder.h"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "query/query_exception.h"

namespace trendgraph::query {

const char* SymbolKindName(SymbolKind kind) {
  switch (kind) {
    case SymbolKind::kAny: return "Any";
    case SymbolKind::kNode: return "Node";
    case SymbolKind::kRel: return "Relationship";
    case SymbolKind::kRelList: return "List<Relationship>";
    case SymbolKind::kPath: return "Path";
    case SymbolKind::kValue: return "Value";
  }
  return "Any";
}

BoundExprPtr MakeConstant(Value v, Position pos) {
  auto e = std::make_unique<BoundExpr>(BoundExprKind::kConstant);
  e->constant = std::move(v);
  e->position = pos;
  return e;
}

BoundExprPtr MakeVariable(int slot, Position pos) {
  auto e = std::make_unique<BoundExpr>(BoundExprKind::kVariable);
  e->slot = slot;
  e->position = pos;
  return e;
}

namespace {

// `operands` (at least one) joined by `op` as a balanced binary tree, so
// that thousands of them stay shallow for the recursive evaluator; each
// node takes its left operand's position.
BoundExprPtr BalancedTree(std::vector<BoundExprPtr> operands, BinaryOp op) {
  while (operands.size() > 1) {
    std::vector<BoundExprPtr> next;
    next.reserve((operands.size() + 1) / 2);
    for (size_t i = 0; i + 1 < operands.size(); i += 2) {
      auto b = std::make_unique<BoundExpr>(BoundExprKind::kBinary);
      b->position = operands[i]->position;
      b->bop = op;
      b->children.push_back(std::move(operands[i]));
      b->children.push_back(std::move(operands[i + 1]));
      next.push_back(std::move(b));
    }
    if (operands.size() % 2 == 1) next.push_back(std::move(operands.back()));
    operands = std::move(next);
  }
  return std::move(operands[0]);
}

[[noreturn]] void Fail(std::string detail, std::string message, Position pos,
                       ErrorCode code = ErrorCode::kSyntaxError) {
  throw BinderException(MakeError(code, std::move(message), pos, std::move(detail)));
}

// Does the expression contain an aggregate (not looking into subqueries)?
bool ContainsAggregate(const ParsedExpression* e) {
  if (!e) return false;
  switch (e->kind) {
    case ExprKind::kCountStar: return true;
    case ExprKind::kFunctionCall: {
      auto* f = static_cast<const ParsedFunctionCall*>(e);
      if (IsAggregateFunction(f->name)) return true;
      for (auto& a : f->args)
        if (ContainsAggregate(a.get())) return true;
      return false;
    }
    case ExprKind::kProperty: return ContainsAggregate(static_cast<const ParsedProperty*>(e)->object.get());
    case ExprKind::kSubscript: {
      auto* s = static_cast<const ParsedSubscript*>(e);
      return ContainsAggregate(s->object.get()) || ContainsAggregate(s->index.get());
    }
    case ExprKind::kSlice: {
      auto* s = static_cast<const ParsedSlice*>(e);
      return ContainsAggregate(s->object.get()) || ContainsAggregate(s->from.get()) || ContainsAggregate(s->to.get());
    }
    case ExprKind::kUnary: return ContainsAggregate(static_cast<const ParsedUnary*>(e)->operand.get());
    case ExprKind::kBinary: {
      auto* b = static_cast<const ParsedBinary*>(e);
      return ContainsAggregate(b->left.get()) || ContainsAggregate(b->right.get());
    }
    case ExprKind::kComparison:
      for (auto& o : static_cast<const ParsedComparison*>(e)->operands)
        if (ContainsAggregate(o.get())) return true;
      return false;
    case ExprKind::kIsNull: return ContainsAggregate(static_cast<const ParsedIsNull*>(e)->operand.get());
    case ExprKind::kLabelCheck: return ContainsAggregate(static_cast<const ParsedLabelCheck*>(e)->operand.get());
    case ExprKind::kCase: {
      auto* c = static_cast<const ParsedCase*>(e);
      if (ContainsAggregate(c->test.get()) || ContainsAggregate(c->else_expr.get())) return true;
      for (auto& [w, t] : c->whens)
        if (ContainsAggregate(w.get()) || ContainsAggregate(t.get())) return true;
      return false;
    }
    case ExprKind::kList:
      for (auto& i : static_cast<const ParsedList*>(e)->items)
        if (ContainsAggregate(i.get())) return true;
      return false;
    case ExprKind::kMap:
      for (auto& [k, v] : static_cast<const ParsedMap*>(e)->entries)
        if (ContainsAggregate(v.get())) return true;
      return false;
    case ExprKind::kMapProjection:
      for (auto& i : static_cast<const ParsedMapProjection*>(e)->items)
        if (ContainsAggregate(i.value.get())) return true;
      return false;
    case ExprKind::kListComprehension: {
      auto* c = static_cast<const ParsedListComprehension*>(e);
      return ContainsAggregate(c->list.get()) || ContainsAggregate(c->where.get()) ||
             ContainsAggregate(c->projection.get());
    }
    case ExprKind::kQuantifier: {
      auto* q = static_cast<const ParsedQuantifier*>(e);
      return ContainsAggregate(q->list.get()) || ContainsAggregate(q->where.get());
    }
    case ExprKind::kReduce: {
      auto* r = static_cast<const ParsedReduce*>(e);
      return ContainsAggregate(r->init.get()) || ContainsAggregate(r->list.get()) ||
             ContainsAggregate(r->expression.get());
    }
    default: return false;
  }
}

bool ContainsVariableOrPattern(const ParsedExpression* e);

// FOREACH's list: a list, or null (no iterations); anything else is a
// TypeError (UNWIND, which runs the body, would take a scalar as one row).
Value ForeachList(const Value* args, size_t, FunctionContext&) {
  if (args[0].is_null()) return Value(Value::List{});
  if (!args[0].is_list()) {
    throw ExecutorException(MakeError(ErrorCode::kTypeError,
                                      std::string("FOREACH expects a list to iterate over, got ") +
                                          Value::TypeName(args[0].type()),
                                      {}, "InvalidArgumentType"));
  }
  return args[0];
}
constexpr ScalarFunctionDef kForeachList{"FOREACH", 1, 1, ForeachList, true};

bool IsUpdateClause(ClauseKind k) {
  return k == ClauseKind::kCreate || k == ClauseKind::kMerge || k == ClauseKind::kSet ||
         k == ClauseKind::kRemove || k == ClauseKind::kDelete;
}

using Scope = std::map<std::string, int, std::less<>>;

class Binder {
 public:
  Binder(BoundQuery* out, const Value::Map& params, const ProcedureRegistry* procs)
      : q_(out), params_(params), procs_(procs) {}

  BoundSingleQuery BindSingle(const ParsedSingleQuery& sq, bool only_clause_query, bool keep_scope = false);

 private:
  struct AggContext {
    std::vector<std::pair<std::string, int>> key_texts;  // expression text -> key slot
    std::vector<BoundAggregate>* aggregates = nullptr;
    const Scope* inner_scope = nullptr;  // scope for aggregate arguments
  };

  int NewSymbol(std::string name, SymbolKind kind, bool user) {
    q_->symbols.push_back(Symbol{std::move(name), kind, user});
    return static_cast<int>(q_->symbols.size() - 1);
  }
  int NewAnon(SymbolKind kind) { return NewSymbol("  anon_" + std::to_string(q_->symbols.size()), kind, false); }
  SymbolKind KindOf(int slot) const { return q_->symbols[slot].kind; }

  std::optional<int> Lookup(std::string_view name) const {
    for (auto it = locals_.rbegin(); it != locals_.rend(); ++it)
      if (it->first == name) return it->second;
    auto it = scope_.find(name);
    if (it == scope_.end()) return std::nullopt;
    return it->second;
  }

  BoundExprPtr Bind(const ParsedExpression* e);
  BoundExprPtr BindInner(const ParsedExpression* e);
  BoundExprPtr BindAggregate(const ParsedExpression* e);
  BoundExprPtr BindPredicate(const ParsedExpression* e) { return e ? Bind(e) : nullptr; }
  std::shared_ptr<BoundSubquery> BindSubquery(const std::vector<const ParsedPatternPart*>& parts,
                                              const ParsedExpression* where, const ParsedExpression* projection,
                                              BoundSubquery::Kind kind);

  enum class PatternUse { kMatch, kCreate, kMerge, kExpression };
  BoundPatternPart BindPart(const ParsedPatternPart& part, PatternUse use, std::set<int>* clause_rels,
                            const Scope& before);
  void BindProperties(const ExprPtr& props, PatternUse use, std::vector<std::pair<std::string, BoundExprPtr>>* out,
                      Position pos);

  void BindProjection(const ParsedProjection& p, const ParsedExpression* where, bool is_return, BoundClause* out);
  BoundSetItem BindSetItem(const ParsedSetItem& item);
  void BindCall(const ParsedCall& c, bool standalone, BoundClause* out);
  void BindCallSubquery(const ParsedCallSubquery& c, BoundClause* out);
  // (n:A|B), (n:!A), (n:%): a predicate on the node's slot. BindPart
  // collects them in label_preds_; the MATCH or subquery ANDs them into its
  // WHERE, where the planner places them as soon as the node is bound.
  BoundExprPtr BindLabelExpr(const ParsedLabelExpr& e, int slot, Position pos);
  BoundExprPtr TakeLabelPredicates(BoundExprPtr where) {
    if (label_preds_.empty()) return where;
    std::vector<BoundExprPtr> level = std::move(label_preds_);
    label_preds_.clear();
    if (where) level.push_back(std::move(where));
    return BalancedTree(std::move(level), BinaryOp::kAnd);  // a long pattern stays shallow
  }
  std::vector<BoundExprPtr> label_preds_;

  BoundQuery* q_;
  const Value::Map& params_;
  const ProcedureRegistry* procs_;
  Scope scope_;
  std::vector<std::pair<std::string, int>> locals_;
  AggContext* agg_ = nullptr;
  int in_aggregate_ = 0;
  bool bare_predicate_ = false;
  // Element type of comprehension/quantifier variables ranging over a
  // constant list of one kind (for compile-time InvalidArgumentType).
  std::map<int, Value::Type> static_types_;
  void NoteElementType(int slot, const BoundExpr& list) {
    if (!list.IsConstant() || !list.constant.is_list() || list.constant.as_list().empty()) return;
    Value::Type t = list.constant.as_list()[0].type();
    for (auto& v : list.constant.as_list())
      if (v.type() != t) return;
    static_types_[slot] = t;
  }
};

bool ContainsVariableOrPattern(const ParsedExpression* e) {
  if (!e) return false;
  switch (e->kind) {
    case ExprKind::kVariable:
    case ExprKind::kPatternPredicate:
    case ExprKind::kPatternComprehension:
    case ExprKind::kExistsSubquery:
    case ExprKind::kMapProjection: return true;
    case ExprKind::kFunctionCall:
      for (auto& a : static_cast<const ParsedFunctionCall*>(e)->args)
        if (ContainsVariableOrPattern(a.get())) return true;
      return false;
    case ExprKind::kProperty: return ContainsVariableOrPattern(static_cast<const ParsedProperty*>(e)->object.get());
    case ExprKind::kUnary: return ContainsVariableOrPattern(static_cast<const ParsedUnary*>(e)->operand.get());
    case ExprKind::kBinary: {
      auto* b = static_cast<const ParsedBinary*>(e);
      return ContainsVariableOrPattern(b->left.get()) || ContainsVariableOrPattern(b->right.get());
    }
    case ExprKind::kSubscript: {
      auto* s = static_cast<const ParsedSubscript*>(e);
      return ContainsVariableOrPattern(s->object.get()) || ContainsVariableOrPattern(s->index.get());
    }
    case ExprKind::kList:
      for (auto& i : static_cast<const ParsedList*>(e)->items)
        if (ContainsVariableOrPattern(i.get())) return true;
      return false;
    default: return false;
  }
}


BoundExprPtr Binder::Bind(const ParsedExpression* e) {
  // Inside an aggregating projection, a sub-expression written exactly like a
  // grouping key refers to the key's value after grouping.
  if (agg_ && in_aggregate_ == 0 &&
      (e->kind == ExprKind::kVariable ||
       (e->kind == ExprKind::kProperty &&
        static_cast<const ParsedProperty*>(e)->object->kind == ExprKind::kVariable))) {
    for (auto& [text, slot] : agg_->key_texts)
      if (text == e->text) return MakeVariable(slot, e->position);
  }
  return BindInner(e);
}

BoundExprPtr Binder::BindAggregate(const ParsedExpression* e) {
  if (!agg_) {
    Fail("InvalidAggregation", "Aggregation is not allowed here: " + e->text, e->position);
  }
  if (in_aggregate_ > 0) {
    Fail("NestedAggregation", "Aggregate functions cannot be nested: " + e->text, e->position);
  }
  for (auto& a : *agg_->aggregates)
    if (a.text == e->text) return MakeVariable(a.slot, e->position);
  BoundAggregate agg;
  agg.text = e->text;
  if (e->kind == ExprKind::kFunctionCall) {
    auto* f = static_cast<const ParsedFunctionCall*>(e);
    agg.def = FindAggregateFunction(f->name);
    agg.distinct = f->distinct;
    if (static_cast<int>(f->args.size()) < agg.def->min_args ||
        (agg.def->max_args >= 0 && static_cast<int>(f->args.size()) > agg.def->max_args)) {
      Fail("InvalidNumberOfArguments", "Wrong number of arguments to " + f->name, e->position);
    }
    Scope saved = scope_;
    if (agg_->inner_scope) scope_ = *agg_->inner_scope;
    ++in_aggregate_;
    for (auto& a : f->args) agg.args.push_back(Bind(a.get()));
    --in_aggregate_;
    scope_ = std::move(saved);
  }
  agg.slot = NewAnon(SymbolKind::kAny);
  int slot = agg.slot;
  agg_->aggregates->push_back(std::move(agg));
  return MakeVariable(slot, e->position);
}

BoundExprPtr Binder::BindInner(const ParsedExpression* e) {
  auto make = [&](BoundExprKind k) {
    auto b = std::make_unique<BoundExpr>(k);
    b->position = e->position;
    return b;
  };
  switch (e->kind) {
    case ExprKind::kLiteral: return MakeConstant(static_cast<const ParsedLiteral*>(e)->value, e->position);
    case ExprKind::kParameter: {
      auto& name = static_cast<const ParsedParameter*>(e)->name;
      auto it = params_.find(name);
      if (it == params_.end())
        Fail("MissingParameter", "Expected parameter: $" + name, e->position, ErrorCode::kParameterMissing);
      return MakeConstant(it->second, e->position);
    }
    case ExprKind::kVariable: {
      auto& name = static_cast<const ParsedVariable*>(e)->name;
      auto slot = Lookup(name);
      if (!slot) Fail("UndefinedVariable", "Variable `" + name + "` not defined", e->position);
      bool local = false;
      for (auto& l : locals_)
        if (l.first == name) local = true;
      if (agg_ && in_aggregate_ == 0 && !local && !agg_->inner_scope) {
        Fail("AmbiguousAggregationExpression",
             "Variable `" + name + "` is used in an aggregating projection but is not a grouping key", e->position);
      }
      return MakeVariable(*slot, e->position);
    }
    case ExprKind::kProperty: {
      auto* p = static_cast<const ParsedProperty*>(e);
      auto b = make(BoundExprKind::kProperty);
      b->children.push_back(Bind(p->object.get()));
      b->name = p->key;
      auto& obj = *b->children[0];
      if (obj.kind == BoundExprKind::kVariable) {
        SymbolKind k = KindOf(obj.slot);
        if (k == SymbolKind::kPath || k == SymbolKind::kRelList)
          Fail("InvalidArgumentType", "Type mismatch: expected Map, Node or Relationship but was " +
                                          std::string(SymbolKindName(k)), e->position);
      } else if (obj.IsConstant()) {
        auto t = obj.constant.type();
        if (t == Value::Type::kBool || t == Value::Type::kInt || t == Value::Type::kDouble ||
            t == Value::Type::kString || t == Value::Type::kList)
          Fail("InvalidArgumentType", "Type mismatch: expected Map, Node or Relationship but was " +
                                          std::string(Value::TypeName(t)), e->position);
      }
      return b;
    }
    case ExprKind::kSubscript: {
      auto* s = static_cast<const ParsedSubscript*>(e);
      auto b = make(BoundExprKind::kSubscript);
      b->children.push_back(Bind(s->object.get()));
      b->children.push_back(Bind(s->index.get()));
      return b;
    }
    case ExprKind::kSlice: {
      auto* s = static_cast<const ParsedSlice*>(e);
      auto b = make(BoundExprKind::kSlice);
      b->children.push_back(Bind(s->object.get()));
      b->children.push_back(s->from ? Bind(s->from.get()) : nullptr);
      b->children.push_back(s->to ? Bind(s->to.get()) : nullptr);
      return b;
    }
    case ExprKind::kUnary: {
      auto* u = static_cast<const ParsedUnary*>(e);
      auto child = Bind(u->operand.get());
      if (u->op == UnaryOp::kMinus && child->IsConstant() && child->constant.is_double()) {
        double d = child->constant.as_double();
        return MakeConstant(Value(d == 0.0 ? 0.0 : -d), e->position);
      }
      if (u->op == UnaryOp::kMinus && child->IsConstant() && child->constant.is_int() &&
          child->constant.as_int() != INT64_MIN) {
        return MakeConstant(Value(-child->constant.as_int()), e->position);
      }
      auto b = make(u->op == UnaryOp::kNot ? BoundExprKind::kNot
                    : u->op == UnaryOp::kMinus ? BoundExprKind::kNegate
                                               : BoundExprKind::kUnaryPlus);
      b->children.push_back(std::move(child));
      return b;
    }
    case ExprKind::kBinary: {
      auto* bi = static_cast<const ParsedBinary*>(e);
      auto b = make(BoundExprKind::kBinary);
      b->bop = bi->op;
      b->children.push_back(Bind(bi->left.get()));
      b->children.push_back(Bind(bi->right.get()));
      if (bi->op == BinaryOp::kSubtract || bi->op == BinaryOp::kMultiply || bi->op == BinaryOp::kDivide ||
          bi->op == BinaryOp::kModulo || bi->op == BinaryOp::kPower) {
        for (auto& c : b->children) {
          if (c->kind != BoundExprKind::kVariable) continue;
          auto it = static_types_.find(c->slot);
          if (it != static_types_.end() && it->second != Value::Type::kInt && it->second != Value::Type::kDouble &&
              it->second != Value::Type::kNull)
            Fail("InvalidArgumentType", "Type mismatch: expected a number but was " +
                                            std::string(Value::TypeName(it->second)), c->position);
        }
      }
      if (bi->op == BinaryOp::kAnd || bi->op == BinaryOp::kOr || bi->op == BinaryOp::kXor) {
        for (auto& c : b->children) {
          if (c->IsConstant() && !c->constant.is_null() && !c->constant.is_bool())
            Fail("InvalidArgumentType", "Type mismatch: expected Boolean but was " +
                                            std::string(Value::TypeName(c->constant.type())), c->position);
        }
      }
      if (bi->op == BinaryOp::kIn) {
        auto& r = *b->children[1];
        if (r.IsConstant() && !r.constant.is_null() && !r.constant.is_list())
          Fail("InvalidArgumentType", "Type mismatch: expected List but was " +
                                          std::string(Value::TypeName(r.constant.type())), r.position);
      }
      return b;
    }
    case ExprKind::kComparison: {
      auto* c = static_cast<const ParsedComparison*>(e);
      auto b = make(BoundExprKind::kComparison);
      b->cops = c->ops;
      for (auto& o : c->operands) b->children.push_back(Bind(o.get()));
      return b;
    }
    case ExprKind::kIsNull: {
      auto* n = static_cast<const ParsedIsNull*>(e);
      auto b = make(BoundExprKind::kIsNull);
      b->flag = n->negated;
      b->children.push_back(Bind(n->operand.get()));
      return b;
    }
    case ExprKind::kLabelCheck: {
      auto* l = static_cast<const ParsedLabelCheck*>(e);
      auto b = make(BoundExprKind::kLabelCheck);
      b->labels = l->labels;
      b->children.push_back(Bind(l->operand.get()));
      return b;
    }
    case ExprKind::kCountStar: return BindAggregate(e);
    case ExprKind::kFunctionCall: {
      auto* f = static_cast<const ParsedFunctionCall*>(e);
      if (IsAggregateFunction(f->name)) return BindAggregate(e);
      const ScalarFunctionDef* def = FindScalarFunction(f->name);
      if (!def) Fail("UnknownFunction", "Unknown function '" + f->name + "'", e->position);
      if (in_aggregate_ > 0 && !def->deterministic)
        Fail("NonConstantExpression", "Non-deterministic function " + f->name + "() inside an aggregation",
             e->position);
      int n = static_cast<int>(f->args.size());
      if (n < def->min_args || (def->max_args >= 0 && n > def->max_args))
        Fail("InvalidNumberOfArguments", "Wrong number of arguments to " + f->name + "()", e->position);
      auto b = make(BoundExprKind::kFunction);
      b->fn = def;
      b->name = def->name;
      for (auto& a : f->args) b->children.push_back(Bind(a.get()));
      // Compile-time type errors the TCK expects for statically known kinds.
      if (n == 1) {
        auto& a = *b->children[0];
        std::optional<Value::Type> t;
        if (a.IsConstant() && !a.constant.is_null()) t = a.constant.type();
        if (a.kind == BoundExprKind::kVariable) {
          switch (KindOf(a.slot)) {
            case SymbolKind::kNode: t = Value::Type::kNode; break;
            case SymbolKind::kRel: t = Value::Type::kRel; break;
            case SymbolKind::kRelList: t = Value::Type::kList; break;
            case SymbolKind::kPath: t = Value::Type::kPath; break;
            default: break;
          }
        }
        if (t && RejectsArgumentKind(*def, *t))
          Fail("InvalidArgumentType", "Type mismatch: " + std::string(def->name) + "() does not accept a " +
                                          Value::TypeName(*t), e->position);
      }
      return b;
    }
    case ExprKind::kCase: {
      auto* c = static_cast<const ParsedCase*>(e);
      auto b = make(BoundExprKind::kCase);
      b->flag = c->test != nullptr;
      if (c->test) b->children.push_back(Bind(c->test.get()));
      for (auto& [w, t] : c->whens) {
        b->children.push_back(Bind(w.get()));
        b->children.push_back(Bind(t.get()));
      }
      if (c->else_expr) {
        b->has_else = true;
        b->children.push_back(Bind(c->else_expr.get()));
      }
      return b;
    }
    case ExprKind::kList: {
      auto* l = static_cast<const ParsedList*>(e);
      auto b = make(BoundExprKind::kList);
      bool all_const = true;
      for (auto& i : l->items) {
        b->children.push_back(Bind(i.get()));
        all_const = all_const && b->children.back()->IsConstant();
      }
      if (all_const) {
        Value::List v;
        v.reserve(b->children.size());
        for (auto& c : b->children) v.push_back(std::move(c->constant));
        return MakeConstant(Value(std::move(v)), e->position);
      }
      return b;
    }
    case ExprKind::kMap: {
      auto* m = static_cast<const ParsedMap*>(e);
      auto b = make(BoundExprKind::kMap);
      bool all_const = true;
      for (auto& [k, v] : m->entries) {
        b->keys.push_back(k);
        b->children.push_back(Bind(v.get()));
        all_const = all_const && b->children.back()->IsConstant();
      }
      if (all_const) {
        Value::Map v;
        for (size_t i = 0; i < b->keys.size(); ++i) v[b->keys[i]] = std::move(b->children[i]->constant);
        return MakeConstant(Value(std::move(v)), e->position);
      }
      return b;
    }
    case ExprKind::kMapProjection: {
      auto* m = static_cast<const ParsedMapProjection*>(e);
      auto b = make(BoundExprKind::kMapProjection);
      auto slot = Lookup(m->variable);
      if (!slot) Fail("UndefinedVariable", "Variable `" + m->variable + "` not defined", e->position);
      b->slot = *slot;
      for (auto& it : m->items) {
        BoundMapProjectionItem bi;
        bi.key = it.key;
        switch (it.kind) {
          case ParsedMapProjection::Item::Kind::kProperty: bi.kind = BoundMapProjectionItem::Kind::kProperty; break;
          case ParsedMapProjection::Item::Kind::kAllProperties:
            bi.kind = BoundMapProjectionItem::Kind::kAllProperties;
            break;
          case ParsedMapProjection::Item::Kind::kLiteral:
            bi.kind = BoundMapProjectionItem::Kind::kExpression;
            bi.child = static_cast<int>(b->children.size());
            b->children.push_back(Bind(it.value.get()));
            break;
          case ParsedMapProjection::Item::Kind::kVariable: {
            bi.kind = BoundMapProjectionItem::Kind::kExpression;
            auto vs = Lookup(it.key);
            if (!vs) Fail("UndefinedVariable", "Variable `" + it.key + "` not defined", e->position);
            bi.child = static_cast<int>(b->children.size());
            b->children.push_back(MakeVariable(*vs, e->position));
            break;
          }
        }
        b->map_items.push_back(std::move(bi));
      }
      return b;
    }
    case ExprKind::kListComprehension: {
      auto* c = static_cast<const ParsedListComprehension*>(e);
      auto b = make(BoundExprKind::kListComprehension);
      b->children.push_back(Bind(c->list.get()));
      b->slot = NewSymbol(c->variable, SymbolKind::kAny, false);
      locals_.emplace_back(c->variable, b->slot);
      b->children.push_back(c->where ? Bind(c->where.get()) : nullptr);
      b->children.push_back(c->projection ? Bind(c->projection.get()) : nullptr);
      locals_.pop_back();
      return b;
    }
    case ExprKind::kQuantifier: {
      auto* c = static_cast<const ParsedQuantifier*>(e);
      auto b = make(BoundExprKind::kQuantifier);
      b->quantifier = c->quantifier;
      b->children.push_back(Bind(c->list.get()));
      if (b->children[0]->IsConstant() && !b->children[0]->constant.is_null() && !b->children[0]->constant.is_list())
        Fail("InvalidArgumentType", "Type mismatch: expected a List", c->list->position);
      b->slot = NewSymbol(c->variable, SymbolKind::kAny, false);
      NoteElementType(b->slot, *b->children[0]);
      locals_.emplace_back(c->variable, b->slot);
      b->children.push_back(c->where ? Bind(c->where.get()) : nullptr);
      locals_.pop_back();
      return b;
    }
    case ExprKind::kReduce: {
      auto* r = static_cast<const ParsedReduce*>(e);
      auto b = make(BoundExprKind::kReduce);
      b->children.push_back(Bind(r->init.get()));
      b->children.push_back(Bind(r->list.get()));
      b->slot = NewSymbol(r->variable, SymbolKind::kAny, false);
      b->slot2 = NewSymbol(r->accumulator, SymbolKind::kAny, false);
      locals_.emplace_back(r->accumulator, b->slot2);
      locals_.emplace_back(r->variable, b->slot);
      b->children.push_back(Bind(r->expression.get()));
      locals_.pop_back();
      locals_.pop_back();
      return b;
    }
    case ExprKind::kPatternPredicate: {
      auto* p = static_cast<const ParsedPatternPredicate*>(e);
      auto b = make(BoundExprKind::kSubquery);
      bare_predicate_ = true;
      b->subquery = BindSubquery({&p->pattern}, nullptr, nullptr, BoundSubquery::Kind::kExists);
      return b;
    }
    case ExprKind::kPatternComprehension: {
      auto* p = static_cast<const ParsedPatternComprehension*>(e);
      auto b = make(BoundExprKind::kSubquery);
      b->subquery = BindSubquery({&p->pattern}, p->where.get(), p->projection.get(), BoundSubquery::Kind::kComprehension);
      return b;
    }
    case ExprKind::kExistsSubquery: {
      auto* x = static_cast<const ParsedExistsSubquery*>(e);
      BoundSubquery::Kind kind = x->mode == SubqueryMode::kCount     ? BoundSubquery::Kind::kCount
                                 : x->mode == SubqueryMode::kCollect ? BoundSubquery::Kind::kCollect
                                                                     : BoundSubquery::Kind::kExists;
      const char* what = x->mode == SubqueryMode::kCount     ? "COUNT"
                         : x->mode == SubqueryMode::kCollect ? "COLLECT"
                                                             : "EXISTS";
      bool simple = x->query->clauses.size() == 1 && x->query->clauses[0]->kind == ClauseKind::kMatch &&
                    !static_cast<const ParsedMatch*>(x->query->clauses[0].get())->optional &&
                    kind != BoundSubquery::Kind::kCollect;
      auto b = make(BoundExprKind::kSubquery);
      if (simple) {
        auto* m = static_cast<const ParsedMatch*>(x->query->clauses[0].get());
        std::vector<const ParsedPatternPart*> parts;
        for (auto& part : m->pattern) parts.push_back(&part);
        b->subquery = BindSubquery(parts, m->where.get(), nullptr, kind);
        return b;
      }
      // A full correlated subquery: its clauses see the enclosing variables.
      for (auto& c : x->query->clauses)
        if (c->kind != ClauseKind::kMatch && c->kind != ClauseKind::kWith && c->kind != ClauseKind::kReturn &&
            c->kind != ClauseKind::kUnwind && c->kind != ClauseKind::kCallSubquery)
          Fail("InvalidClauseComposition", std::string(what) + " subqueries cannot contain updating clauses",
               c->position);
      auto sq = std::make_shared<BoundSubquery>();
      sq->kind = kind;
      Scope saved = scope_;
      for (auto& [n, s] : locals_) scope_[n] = s;
      for (auto& [n, s] : scope_) sq->outer_slots.push_back(s);
      AggContext* saved_agg = agg_;
      agg_ = nullptr;
      int saved_in = in_aggregate_;
      in_aggregate_ = 0;
      auto saved_locals = locals_;
      locals_.clear();
      bool saved_updates = q_->has_updates;
      sq->query = std::make_shared<BoundSingleQuery>(BindSingle(*x->query, false, true));
      if (q_->has_updates && !saved_updates)
        Fail("InvalidClauseComposition", std::string(what) + " subqueries cannot contain updating clauses",
             e->position);
      locals_ = std::move(saved_locals);
      in_aggregate_ = saved_in;
      agg_ = saved_agg;
      scope_ = std::move(saved);
      b->subquery = std::move(sq);
      return b;
    }
  }
  Fail("UnexpectedSyntax", "Unsupported expression: " + e->text, e->position);
}

std::shared_ptr<BoundSubquery> Binder::BindSubquery(const std::vector<const ParsedPatternPart*>& parts,
                                                    const ParsedExpression* where,
                                                    const ParsedExpression* projection, BoundSubquery::Kind kind) {
  auto sq = std::make_shared<BoundSubquery>();
  sq->kind = kind;
  Scope saved = scope_;
  // Locals (comprehension variables) are visible inside the pattern.
  for (auto& [n, s] : locals_) scope_[n] = s;
  AggContext* saved_agg = agg_;
  agg_ = nullptr;
  Scope before = scope_;
  std::set<int> rels;
  std::vector<BoundExprPtr> outer_preds = std::move(label_preds_);
  label_preds_.clear();
  for (auto* p : parts) sq->parts.push_back(BindPart(*p, PatternUse::kExpression, &rels, before));
  std::vector<BoundExprPtr> preds = std::move(label_preds_);
  label_preds_.clear();
  if (bare_predicate_) {
    bare_predicate_ = false;
    // A bare pattern predicate may not introduce new named variables.
    for (auto& [name, slot] : scope_)
      if (!before.count(name))
        Fail("UndefinedVariable", "Variable `" + name + "` not defined (patterns used as predicates cannot introduce variables)",
             parts[0]->position);
    if (parts[0]->rels.empty())
      Fail("InvalidArgumentType", "A single node pattern is not a predicate", parts[0]->position);
  }
  if (where) sq->where = Bind(where);
  label_preds_ = std::move(preds);
  sq->where = TakeLabelPredicates(std::move(sq->where));
  label_preds_ = std::move(outer_preds);
  if (projection) sq->projection = Bind(projection);
  for (auto& [n, s] : before) sq->outer_slots.push_back(s);
  agg_ = saved_agg;
  scope_ = std::move(saved);
  return sq;
}

void Binder::BindProperties(const ExprPtr& props, PatternUse use,
                            std::vector<std::pair<std::string, BoundExprPtr>>* out, Position pos) {
  if (!props) return;
  if (props->kind == ExprKind::kParameter) {
    if (use == PatternUse::kMatch || use == PatternUse::kExpression || use == PatternUse::kMerge) {
      Fail("InvalidParameterUse", "Parameter maps cannot be used in MATCH or MERGE patterns", props->position);
    }
    auto v = Bind(props.get());
    if (v->constant.is_null()) return;
    if (!v->constant.is_map()) Fail("InvalidArgumentType", "A property map parameter must be a map", pos,
                                    ErrorCode::kTypeError);
    for (auto& [k, val] : v->constant.as_map()) out->emplace_back(k, MakeConstant(val, pos));
    return;
  }
  if (props->kind != ExprKind::kMap) Fail("InvalidArgumentType", "Expected a property map", props->position);
  auto* m = static_cast<const ParsedMap*>(props.get());
  for (auto& [k, v] : m->entries) out->emplace_back(k, Bind(v.get()));
}

BoundPatternPart Binder::BindPart(const ParsedPatternPart& part, PatternUse use, std::set<int>* clause_rels,
                                  const Scope& before) {
  BoundPatternPart out;
  out.position = part.position;
  out.kind = part.kind;
  bool single_node = part.rels.empty();
  for (size_t i = 0; i < part.nodes.size(); ++i) {
    const auto& n = part.nodes[i];
    BoundNodePattern bn;
    bn.position = n.position;
    bn.labels = n.labels;
    if (n.variable.empty()) {
      bn.slot = NewAnon(SymbolKind::kNode);
    } else {
      auto slot = Lookup(n.variable);
      if (slot) {
        SymbolKind k = KindOf(*slot);
        if (k != SymbolKind::kNode && k != SymbolKind::kAny)
          Fail("VariableTypeConflict", "Variable `" + n.variable + "` already declared as " + SymbolKindName(k),
               n.position);
        bool was_before = before.count(n.variable) > 0;
        if ((use == PatternUse::kCreate || use == PatternUse::kMerge) &&
            ((was_before && (single_node || !n.labels.empty() || n.properties)) ||
             (!was_before && (!n.labels.empty() || n.properties)))) {
          Fail("VariableAlreadyBound", "Variable `" + n.variable + "` already declared", n.position);
        }
        bn.slot = *slot;
        bn.bound_before = was_before;
      } else {
        bn.slot = NewSymbol(n.variable, SymbolKind::kNode, true);
        scope_[n.variable] = bn.slot;
      }
    }
    BindProperties(n.properties, use, &bn.properties, n.position);
    if (n.label_expr) label_preds_.push_back(BindLabelExpr(*n.label_expr, bn.slot, n.position));
    out.nodes.push_back(std::move(bn));
  }
  for (const auto& r : part.rels) {
    BoundRelPattern br;
    br.position = r.position;
    br.types = r.types;
    br.direction = r.direction;
    br.variable_length = r.variable_length;
    if (r.variable_length) {
      br.min_hops = r.min_hops.value_or(1);
      br.max_hops = r.max_hops ? *r.max_hops : -1;
    }
    if (use == PatternUse::kCreate || use == PatternUse::kMerge) {
      if (r.variable_length) Fail("CreatingVarLength", "Variable length relationships cannot be created", r.position);
      if (r.types.size() != 1)
        Fail("NoSingleRelationshipType", "A relationship must have exactly one type to be created", r.position);
      if (use == PatternUse::kCreate && r.direction == PatternDirection::kBoth)
        Fail("RequiresDirectedRelationship", "Only directed relationships can be created", r.position);
    }
    SymbolKind want = r.variable_length ? SymbolKind::kRelList : SymbolKind::kRel;
    if (r.variable.empty()) {
      br.slot = NewAnon(want);
    } else {
      auto slot = Lookup(r.variable);
      if (slot) {
        SymbolKind k = KindOf(*slot);
        if (use == PatternUse::kCreate || use == PatternUse::kMerge)
          Fail(k == SymbolKind::kRel || k == SymbolKind::kAny ? "VariableAlreadyBound" : "VariableTypeConflict",
               "Variable `" + r.variable + "` already declared", r.position);
        bool list_ok = want == SymbolKind::kRelList && k == SymbolKind::kValue;
        if (k != want && k != SymbolKind::kAny && !list_ok)
          Fail("VariableTypeConflict", "Variable `" + r.variable + "` already declared as " + SymbolKindName(k),
               r.position);
        if (clause_rels && clause_rels->count(*slot))
          Fail("RelationshipUniquenessViolation", "Cannot use the same relationship variable `" + r.variable +
                                                      "` for multiple relationships", r.position);
        br.slot = *slot;
        br.bound_before = before.count(r.variable) > 0;
      } else {
        br.slot = NewSymbol(r.variable, want, true);
        scope_[r.variable] = br.slot;
      }
    }
    if (clause_rels) clause_rels->insert(br.slot);
    BindProperties(r.properties, use, &br.properties, r.position);
    out.rels.push_back(std::move(br));
  }
  if (!part.path_variable.empty()) {
    auto slot = Lookup(part.path_variable);
    if (slot) {
      SymbolKind k = KindOf(*slot);
      Fail(k == SymbolKind::kPath || k == SymbolKind::kAny ? "VariableAlreadyBound" : "VariableTypeConflict",
           "Variable `" + part.path_variable + "` already declared", part.position);
    }
    out.path_slot = NewSymbol(part.path_variable, SymbolKind::kPath, true);
    scope_[part.path_variable] = out.path_slot;
  }
  return out;
}

SymbolKind InferKind(const BoundExpr& e, const std::vector<Symbol>& symbols) {
  switch (e.kind) {
    case BoundExprKind::kVariable: return symbols[e.slot].kind;
    case BoundExprKind::kBuildPath: return SymbolKind::kPath;
    case BoundExprKind::kConstant: return e.constant.is_null() ? SymbolKind::kAny : SymbolKind::kValue;
    case BoundExprKind::kList:
    case BoundExprKind::kMap:
    case BoundExprKind::kComparison:
    case BoundExprKind::kIsNull:
    case BoundExprKind::kLabelCheck:
    case BoundExprKind::kNot:
    case BoundExprKind::kListComprehension:
    case BoundExprKind::kQuantifier:
    case BoundExprKind::kMapProjection: return SymbolKind::kValue;
    default: return SymbolKind::kAny;
  }
}

void Binder::BindProjection(const ParsedProjection& p, const ParsedExpression* where, bool is_return,
                            BoundClause* out) {
  BoundProjection& bp = out->projection;
  bp.distinct = p.distinct;
  // Items in order; `*` first (all user variables in scope, by name).
  struct Item {
    const ParsedExpression* expr = nullptr;  // null for `*` items
    std::string name;
    int star_slot = -1;
    Position pos;
  };
  std::vector<Item> items;
  if (p.star) {
    for (auto& [name, slot] : scope_) {
      if (!q_->symbols[slot].user) continue;
      items.push_back(Item{nullptr, name, slot, {}});
    }
    if (is_return && items.empty() && p.items.empty())
      Fail("NoVariablesInScope", std::string(is_return ? "RETURN" : "WITH") + " * is not allowed when there are no variables in scope", out->position);
  }
  for (auto& it : p.items) {
    std::string name = it.alias.empty() ? it.expr->text : it.alias;
    if (!is_return && it.alias.empty() && it.expr->kind != ExprKind::kVariable)
      Fail("NoExpressionAlias", "Expression in WITH must be aliased (use AS): " + it.expr->text, it.expr->position);
    items.push_back(Item{it.expr.get(), name, -1, it.position});
  }
  {
    std::set<std::string> names;
    for (auto& it : items)
      if (!names.insert(it.name).second)
        Fail("ColumnNameConflict", "Multiple result columns with the same name `" + it.name + "`", it.pos);
  }
  bool aggregating = false;
  for (auto& it : items)
    if (it.expr && ContainsAggregate(it.expr)) aggregating = true;
  bp.aggregating = aggregating;

  Scope old_scope = scope_;
  Scope new_scope;
  AggContext agg_ctx;
  agg_ctx.aggregates = &bp.aggregates;
  // Keys first (they are evaluated before grouping, in the old scope).
  for (auto& it : items) {
    BoundProjectionItem bi;
    bi.name = it.name;
    if (!it.expr) {
      bi.expr = MakeVariable(it.star_slot);
      bi.slot = it.star_slot;
      bi.passthrough = true;
      bi.is_key = true;
    } else if (!aggregating || !ContainsAggregate(it.expr)) {
      bi.expr = Bind(it.expr);
      bi.is_key = true;
      if (bi.expr->kind == BoundExprKind::kVariable && q_->symbols[bi.expr->slot].name == it.name &&
          q_->symbols[bi.expr->slot].user) {
        bi.slot = bi.expr->slot;
        bi.passthrough = true;
      } else {
        bi.slot = NewSymbol(it.name, InferKind(*bi.expr, q_->symbols), true);
      }
    }
    if (bi.slot >= 0) agg_ctx.key_texts.emplace_back(it.expr ? it.expr->text : it.name, bi.slot);
    bp.items.push_back(std::move(bi));
  }
  if (aggregating) {
    agg_ = &agg_ctx;
    for (size_t i = 0; i < items.size(); ++i) {
      auto& bi = bp.items[i];
      if (bi.slot >= 0) continue;
      bi.expr = Bind(items[i].expr);
      bi.slot = NewSymbol(items[i].name, SymbolKind::kAny, true);
    }
    agg_ = nullptr;
  }
  for (auto& bi : bp.items) new_scope[bi.name] = bi.slot;

  // ORDER BY sees the projected names, and the old ones unless the
  // projection aggregates or is DISTINCT.
  if (!p.order_by.empty()) {
    std::vector<std::pair<std::string, int>> item_texts;
    for (size_t i = 0; i < items.size(); ++i)
      item_texts.emplace_back(items[i].expr ? items[i].expr->text : items[i].name, bp.items[i].slot);
    if (aggregating) {
      AggContext ctx;
      ctx.aggregates = &bp.aggregates;
      ctx.key_texts = item_texts;
      ctx.inner_scope = &old_scope;
      scope_ = new_scope;
      agg_ = &ctx;
      for (auto& s : p.order_by) {
        // A sort key written exactly like a projected item (`RETURN type(r),
        // count(*) ORDER BY type(r)`) is that item's value.
        BoundExprPtr be;
        for (auto& [text, slot] : item_texts)
          if (text == s.expr->text) be = MakeVariable(slot, s.expr->position);
        if (!be) be = Bind(s.expr.get());
        bp.order_by.push_back(BoundSortItem{std::move(be), s.ascending});
      }
      agg_ = nullptr;
    } else {
      if (bp.distinct) {
        scope_ = new_scope;
      } else {
        scope_ = old_scope;
        for (auto& [n, s] : new_scope) scope_[n] = s;
      }
      for (auto& s : p.order_by) {
        if (ContainsAggregate(s.expr.get()))
          Fail("InvalidAggregation", "Aggregation in ORDER BY requires an aggregating projection", s.expr->position);
        BoundExprPtr be;
        for (auto& [text, slot] : item_texts)
          if (text == s.expr->text) be = MakeVariable(slot, s.expr->position);
        if (!be) be = Bind(s.expr.get());
        bp.order_by.push_back(BoundSortItem{std::move(be), s.ascending});
      }
    }
  }
  auto bind_count = [&](const ExprPtr& e, const char* what) -> BoundExprPtr {
    if (!e) return nullptr;
    if (ContainsVariableOrPattern(e.get()))
      Fail("NonConstantExpression", std::string("It is not allowed to refer to variables in ") + what, e->position);
    Scope saved = scope_;
    scope_.clear();
    auto b = Bind(e.get());
    scope_ = std::move(saved);
    if (b->IsConstant()) {
      const Value& v = b->constant;
      if (v.is_int() && v.as_int() < 0)
        Fail("NegativeIntegerArgument", std::string("Invalid input for ") + what + ": must be a non-negative integer",
             e->position);
      if (!v.is_int())
        Fail("InvalidArgumentType", std::string("Invalid input for ") + what + ": must be an integer", e->position);
    }
    return b;
  };
  bp.skip = bind_count(p.skip, "SKIP");
  bp.limit = bind_count(p.limit, "LIMIT");
  if (where) {
    if (ContainsAggregate(where)) Fail("InvalidAggregation", "Aggregation is not allowed in WHERE", where->position);
    // Like ORDER BY, WHERE sees the variables of before the projection too,
    // unless the projection aggregates.
    if (aggregating) {
      scope_ = new_scope;
    } else {
      scope_ = old_scope;
      for (auto& [n, s] : new_scope) scope_[n] = s;
    }
    bp.where = Bind(where);
  }
  scope_ = new_scope;
}

BoundSetItem Binder::BindSetItem(const ParsedSetItem& item) {
  BoundSetItem b;
  b.kind = item.kind;
  b.position = item.position;
  b.labels = item.labels;
  if (item.kind == ParsedSetItem::Kind::kProperty) {
    auto* p = static_cast<const ParsedProperty*>(item.property.get());
    b.target = Bind(p->object.get());
    b.key = p->key;
  } else {
    auto slot = Lookup(item.variable);
    if (!slot) Fail("UndefinedVariable", "Variable `" + item.variable + "` not defined", item.position);
    b.target = MakeVariable(*slot, item.position);
  }
  if (item.value) {
    if (ContainsAggregate(item.value.get()))
      Fail("InvalidAggregation", "Aggregation is not allowed in SET", item.value->position);
    b.value = Bind(item.value.get());
  }
  return b;
}

void Binder::BindCall(const ParsedCall& c, bool standalone, BoundClause* out) {
  const auto* proc = procs_ ? procs_->Find(c.procedure) : nullptr;
  if (!proc)
    Fail("ProcedureNotFound", "There is no procedure with the name `" + c.procedure + "` registered", c.position,
         ErrorCode::kProcedureError);
  const ProcedureSignature& sig = proc->first;
  out->procedure = proc;
  out->standalone = standalone;
  if (sig.writes) q_->has_writing_procedure = true;
  if (c.implicit_args) {
    if (!standalone)
      Fail("InvalidArgumentPassingMode", "Procedure call inside a query does not support implicit arguments",
           c.position);
    for (auto& p : sig.params) {
      auto it = params_.find(p.name);
      if (it == params_.end()) {
        if (p.default_value) {
          out->args.push_back(MakeConstant(*p.default_value, c.position));
          continue;
        }
        Fail("MissingParameter", "Expected parameter: $" + p.name, c.position, ErrorCode::kParameterMissing);
      }
      out->args.push_back(MakeConstant(it->second, c.position));
    }
  } else {
    size_t required = 0;
    for (auto& p : sig.params)
      if (!p.default_value) ++required;
    if (c.args.size() < required || c.args.size() > sig.params.size())
      Fail("InvalidNumberOfArguments", "Procedure " + sig.name + " takes " + std::to_string(sig.params.size()) +
                                           " arguments but " + std::to_string(c.args.size()) + " were given",
           c.position);
    for (auto& a : c.args) {
      if (ContainsAggregate(a.get())) Fail("InvalidAggregation", "Aggregation in procedure arguments", a->position);
      out->args.push_back(Bind(a.get()));
    }
    for (size_t i = c.args.size(); i < sig.params.size(); ++i)
      out->args.push_back(MakeConstant(*sig.params[i].default_value, c.position));
  }
  auto find_output = [&](const std::string& name, Position pos) -> int {
    for (size_t i = 0; i < sig.outputs.size(); ++i)
      if (sig.outputs[i].name == name) return static_cast<int>(i);
    Fail("UndefinedVariable", "Procedure " + sig.name + " has no output `" + name + "`", pos);
  };
  std::vector<std::pair<int, std::string>> yields;
  if (!c.has_yield || c.yield_star) {
    if (!c.has_yield && !standalone && !sig.outputs.empty())
      Fail("UndefinedVariable", "Procedure call inside a query must YIELD its outputs", c.position);
    for (size_t i = 0; i < sig.outputs.size(); ++i) yields.emplace_back(static_cast<int>(i), sig.outputs[i].name);
  } else {
    for (auto& y : c.yields) yields.emplace_back(find_output(y.name, y.position), y.alias.empty() ? y.name : y.alias);
  }
  for (auto& [idx, name] : yields) {
    if (Lookup(name)) Fail("VariableAlreadyBound", "Variable `" + name + "` already declared", c.position);
    BoundYield y;
    y.output = idx;
    y.name = name;
    y.slot = NewSymbol(name, SymbolKind::kAny, true);
    scope_[name] = y.slot;
    out->yields.push_back(std::move(y));
  }
  if (c.where) out->where = Bind(c.where.get());
}

void Binder::BindCallSubquery(const ParsedCallSubquery& c, BoundClause* out) {
  Scope outer = scope_;
  // What the subquery sees of the enclosing query: the variables of its
  // scope clause, CALL (a, b) { }; else, when a part starts with an
  // importing WITH, everything (the WITH narrows it); else nothing.
  Scope imported;
  if (c.has_scope) {
    if (c.scope_star) {
      for (auto& [name, slot] : outer)
        if (q_->symbols[slot].user) imported[name] = slot;
    } else {
      for (auto& name : c.scope) {
        auto slot = Lookup(name);
        if (!slot) Fail("UndefinedVariable", "Variable `" + name + "` not defined", c.position);
        imported[name] = *slot;
      }
    }
  }
  auto saved_locals = locals_;
  locals_.clear();
  bool saved_updates = q_->has_updates;
  q_->has_updates = false;
  bool any_updates = false;
  std::vector<std::string> columns;
  for (size_t i = 0; i < c.query->parts.size(); ++i) {
    const ParsedSingleQuery& part = c.query->parts[i];
    if (c.has_scope) {
      scope_ = imported;
    } else if (part.clauses.front()->kind == ClauseKind::kWith) {
      scope_ = outer;
    } else {
      scope_.clear();
    }
    auto bound = std::make_shared<BoundSingleQuery>(BindSingle(part, false, true));
    if (i == 0) {
      columns = bound->columns;
    } else if (bound->columns != columns) {
      Fail("DifferentColumnsInUnion", "All sub queries in a UNION must have the same return column names",
           part.position);
    }
    out->body.push_back(std::move(bound));
  }
  any_updates = q_->has_updates;
  q_->has_updates = saved_updates || any_updates;
  out->body_writes = any_updates;
  out->body_union_all = c.query->union_all;
  locals_ = std::move(saved_locals);
  scope_ = std::move(outer);
  for (size_t i = 0; i < columns.size(); ++i) {
    const std::string& name = columns[i];
    if (scope_.count(name))
      Fail("VariableAlreadyBound",
           "Variable `" + name + "` already declared in the outer scope (the CALL subquery returns it)", c.position);
    int slot;
    if (out->body.size() == 1) {
      slot = out->body[0]->output_slots[i];
      // A column that passes an imported variable through would rebind it.
    } else {
      slot = NewSymbol(name, SymbolKind::kAny, true);
    }
    out->body_output_slots.push_back(slot);
    scope_[name] = slot;
  }
}

BoundExprPtr Binder::BindLabelExpr(const ParsedLabelExpr& e, int slot, Position pos) {
  auto make = [&](BoundExprKind k) {
    auto b = std::make_unique<BoundExpr>(k);
    b->position = pos;
    return b;
  };
  switch (e.kind) {
    case ParsedLabelExpr::Kind::kLabel: {
      auto b = make(BoundExprKind::kLabelCheck);
      b->children.push_back(MakeVariable(slot, pos));
      b->labels.push_back(e.label);
      return b;
    }
    case ParsedLabelExpr::Kind::kAnyLabel: {
      // NOT isEmpty(labels(n))
      auto labels = make(BoundExprKind::kFunction);
      labels->name = "labels";
      labels->fn = FindScalarFunction("labels");
      labels->children.push_back(MakeVariable(slot, pos));
      auto empty = make(BoundExprKind::kFunction);
      empty->name = "isEmpty";
      empty->fn = FindScalarFunction("isEmpty");
      empty->children.push_back(std::move(labels));
      auto b = make(BoundExprKind::kNot);
      b->children.push_back(std::move(empty));
      return b;
    }
    case ParsedLabelExpr::Kind::kNot: {
      auto b = make(BoundExprKind::kNot);
      b->children.push_back(BindLabelExpr(e.children[0], slot, pos));
      return b;
    }
    case ParsedLabelExpr::Kind::kAnd:
    case ParsedLabelExpr::Kind::kOr: {
      // (n:A|B|...|Z) with thousands of alternatives stays shallow. Every
      // operand is at `pos`, so every node of the tree is too.
      std::vector<BoundExprPtr> operands;
      operands.reserve(e.children.size());
      for (const ParsedLabelExpr& c : e.children) operands.push_back(BindLabelExpr(c, slot, pos));
      return BalancedTree(std::move(operands), e.kind == ParsedLabelExpr::Kind::kAnd ? BinaryOp::kAnd : BinaryOp::kOr);
    }
  }
  return MakeConstant(Value(true), pos);
}

BoundSingleQuery Binder::BindSingle(const ParsedSingleQuery& sq, bool only_clause_query, bool keep_scope) {
  BoundSingleQuery out;
  if (!keep_scope) scope_.clear();
  for (size_t ci = 0; ci < sq.clauses.size(); ++ci) {
    const ParsedClause& clause = *sq.clauses[ci];
    BoundClause bc;
    bc.kind = clause.kind;
    bc.position = clause.position;
    if (IsUpdateClause(clause.kind)) q_->has_updates = true;
    switch (clause.kind) {
      case ClauseKind::kMatch: {
        auto& m = static_cast<const ParsedMatch&>(clause);
        bc.optional = m.optional;
        Scope before = scope_;
        std::set<int> rels;
        std::vector<BoundExprPtr> outer_preds = std::move(label_preds_);
        label_preds_.clear();
        for (auto& part : m.pattern) bc.parts.push_back(BindPart(part, PatternUse::kMatch, &rels, before));
        std::vector<BoundExprPtr> preds = std::move(label_preds_);
        label_preds_.clear();
        if (m.where) {
          if (ContainsAggregate(m.where.get()))
            Fail("InvalidAggregation", "Aggregation is not allowed in WHERE", m.where->position);
          bc.where = Bind(m.where.get());
          if (bc.where->kind == BoundExprKind::kVariable) {
            SymbolKind k = KindOf(bc.where->slot);
            if (k == SymbolKind::kNode || k == SymbolKind::kRel || k == SymbolKind::kPath)
              Fail("InvalidArgumentType", "Type mismatch: expected Boolean but was " + std::string(SymbolKindName(k)),
                   m.where->position);
          }
        }
        label_preds_ = std::move(preds);
        bc.where = TakeLabelPredicates(std::move(bc.where));
        label_preds_ = std::move(outer_preds);
        break;
      }
      case ClauseKind::kUnwind: {
        auto& u = static_cast<const ParsedUnwind&>(clause);
        if (ContainsAggregate(u.list.get()))
          Fail("InvalidAggregation", "Aggregation is not allowed in UNWIND", u.list->position);
        bc.list = Bind(u.list.get());
        if (Lookup(u.variable))
          Fail("VariableAlreadyBound", "Variable `" + u.variable + "` already declared", clause.position);
        bc.slot = NewSymbol(u.variable, SymbolKind::kAny, true);
        scope_[u.variable] = bc.slot;
        break;
      }
      case ClauseKind::kWith: {
        auto& w = static_cast<const ParsedWith&>(clause);
        BindProjection(w.projection, w.where.get(), false, &bc);
        break;
      }
      case ClauseKind::kReturn: {
        auto& r = static_cast<const ParsedReturn&>(clause);
        BindProjection(r.projection, nullptr, true, &bc);
        for (auto& it : bc.projection.items) {
          out.columns.push_back(it.name);
          out.output_slots.push_back(it.slot);
        }
        break;
      }
      case ClauseKind::kCreate: {
        auto& c = static_cast<const ParsedCreate&>(clause);
        Scope before = scope_;
        for (auto& part : c.pattern) {
          if (!part.path_variable.empty() || part.kind != PathKind::kNormal) {
            // Named paths in CREATE are allowed; shortestPath is not.
            if (part.kind != PathKind::kNormal)
              Fail("UnexpectedSyntax", "shortestPath cannot be used in CREATE", part.position);
          }
          bc.parts.push_back(BindPart(part, PatternUse::kCreate, nullptr, before));
        }
        break;
      }
      case ClauseKind::kMerge: {
        auto& m = static_cast<const ParsedMerge&>(clause);
        Scope before = scope_;
        bc.parts.push_back(BindPart(m.pattern, PatternUse::kMerge, nullptr, before));
        for (auto& s : m.on_create) bc.on_create.push_back(BindSetItem(s));
        for (auto& s : m.on_match) bc.on_match.push_back(BindSetItem(s));
        break;
      }
      case ClauseKind::kSet: {
        auto& s = static_cast<const ParsedSet&>(clause);
        for (auto& it : s.items) bc.set_items.push_back(BindSetItem(it));
        break;
      }
      case ClauseKind::kRemove: {
        auto& r = static_cast<const ParsedRemove&>(clause);
        for (auto& it : r.items) {
          BoundRemoveItem bi;
          bi.kind = it.kind;
          bi.position = it.position;
          bi.labels = it.labels;
          if (it.kind == ParsedRemoveItem::Kind::kProperty) {
            auto* p = static_cast<const ParsedProperty*>(it.property.get());
            bi.target = Bind(p->object.get());
            bi.key = p->key;
          } else {
            auto slot = Lookup(it.variable);
            if (!slot) Fail("UndefinedVariable", "Variable `" + it.variable + "` not defined", it.position);
            bi.target = MakeVariable(*slot, it.position);
          }
          bc.remove_items.push_back(std::move(bi));
        }
        break;
      }
      case ClauseKind::kDelete: {
        auto& d = static_cast<const ParsedDelete&>(clause);
        bc.detach = d.detach;
        for (auto& t : d.targets) {
          if (t->kind == ExprKind::kLabelCheck)
            Fail("InvalidDelete", "DELETE expects a node, relationship or path, not a label expression", t->position);
          if (ContainsAggregate(t.get())) Fail("InvalidAggregation", "Aggregation in DELETE", t->position);
          auto b = Bind(t.get());
          if ((b->IsConstant() && !b->constant.is_null()) || b->kind == BoundExprKind::kBinary ||
              b->kind == BoundExprKind::kComparison || b->kind == BoundExprKind::kNot ||
              b->kind == BoundExprKind::kNegate)
            Fail("InvalidArgumentType", "DELETE expects a node, relationship or path", t->position);
          if (b->kind == BoundExprKind::kVariable && KindOf(b->slot) == SymbolKind::kValue)
            Fail("InvalidArgumentType", "DELETE expects a node, relationship or path", t->position);
          bc.targets.push_back(std::move(b));
        }
        break;
      }
      case ClauseKind::kForeach: {
        auto& f = static_cast<const ParsedForeach&>(clause);
        q_->has_updates = true;
        bc.body_writes = true;
        if (ContainsAggregate(f.list.get()))
          Fail("InvalidAggregation", "Aggregation is not allowed in FOREACH", f.list->position);
        Scope saved = scope_;
        auto body = std::make_shared<BoundSingleQuery>();
        BoundClause unwind;
        unwind.kind = ClauseKind::kUnwind;
        unwind.position = clause.position;
        {
          auto check = std::make_unique<BoundExpr>(BoundExprKind::kFunction);
          check->position = f.list->position;
          check->name = "FOREACH";
          check->fn = &kForeachList;
          check->children.push_back(Bind(f.list.get()));
          unwind.list = std::move(check);
        }
        if (Lookup(f.variable))
          Fail("VariableAlreadyBound", "Variable `" + f.variable + "` already declared", clause.position);
        unwind.slot = NewSymbol(f.variable, SymbolKind::kAny, true);
        scope_[f.variable] = unwind.slot;
        body->clauses.push_back(std::move(unwind));
        BoundSingleQuery inner = BindSingle(*f.body, false, true);
        for (auto& c : inner.clauses) body->clauses.push_back(std::move(c));
        bc.body.push_back(std::move(body));
        scope_ = std::move(saved);
        break;
      }
      case ClauseKind::kCallSubquery: {
        BindCallSubquery(static_cast<const ParsedCallSubquery&>(clause), &bc);
        break;
      }
      case ClauseKind::kCall: {
        auto& c = static_cast<const ParsedCall&>(clause);
        bool standalone = only_clause_query && sq.clauses.size() == 1;
        BindCall(c, standalone, &bc);
        if (standalone) {
          for (auto& y : bc.yields) {
            out.columns.push_back(y.name);
            out.output_slots.push_back(y.slot);
          }
        }
        break;
      }
    }
    out.clauses.push_back(std::move(bc));
  }
  return out;
}

}  // namespace

BoundQuery BindQuery(const ParsedQuery& query, const Value::Map& params, const ProcedureRegistry* procedures) {
  BoundQuery out;
  out.mode = query.mode;
  out.union_all = query.union_all;
  Binder binder(&out, params, procedures);
  for (size_t i = 0; i < query.parts.size(); ++i) {
    out.parts.push_back(binder.BindSingle(query.parts[i], query.parts.size() == 1));
  }
  if (out.parts.size() == 1) {
    out.columns = out.parts[0].columns;
    out.output_slots = out.parts[0].output_slots;
  } else {
    out.columns = out.parts[0].columns;
    for (size_t i = 1; i < out.parts.size(); ++i) {
      if (out.parts[i].columns != out.columns) {
        Fail("DifferentColumnsInUnion", "All sub queries in a UNION must have the same return column names",
             query.parts[i].position);
      }
    }
    for (auto& c : out.columns) {
      out.symbols.push_back(Symbol{c, SymbolKind::kAny, false});
      out.output_slots.push_back(static_cast<int>(out.symbols.size() - 1));
    }
  }
  return out;
}

bool ParsedQueryHasUpdates(const ParsedQuery& query, const ProcedureRegistry* procedures) {
  for (auto& part : query.parts) {
    for (auto& c : part.clauses) {
      if (IsUpdateClause(c->kind) || c->kind == ClauseKind::kForeach) return true;
      if (c->kind == ClauseKind::kCallSubquery &&
          ParsedQueryHasUpdates(*static_cast<const ParsedCallSubquery&>(*c).query, procedures))
        return true;
      if (c->kind == ClauseKind::kCall && procedures) {
        auto* p = procedures->Find(static_cast<const ParsedCall&>(*c).procedure);
        if (p && p->first.writes) return true;
      }
    }
  }
  return false;
}

}  // namespace trendgraph::query

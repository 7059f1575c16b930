// The expression evaluator: computes a BoundExpr over one row (the frame of
// slots) with Cypher semantics (value_ops.h) and the function library.
//
// EvalContext carries what evaluation may touch: the query's reader (a
// Snapshot, or the WriteTxn for queries with updates: read-your-own-writes),
// the graph's token dictionaries plus the tokens this query created, the
// deadline/cancel checks, and a hook that runs pattern subqueries (pattern
// predicates, EXISTS, pattern comprehensions) which the executor implements.
//
// Errors: throws ExecutorException (kTypeError, kArgumentError,
// kEntityNotFound, kStorageError, kTimeout, kCancelled).
// Thread-safety: one EvalContext per query execution, one thread.
#pragma once

#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "query/binder/bound_query.h"
#include "query/function/functions.h"
#include "storage/graph_store.h"
#include "storage/value.h"

namespace trendgraph::query {

using Frame = std::vector<Value>;

class SubqueryRunner {
 public:
  virtual ~SubqueryRunner() = default;
  // kExists: Value(bool); kComprehension: the list of projections.
  virtual Value Run(const BoundSubquery& subquery, Frame& frame) = 0;
};

// The graph as this query sees it: token lookups also find the tokens
// created by the query's own transaction (they reach the graph's committed
// dictionary only at commit). Everything else delegates to the graph. Passed
// to functions (labels(), keys(), type() ...) in place of the graph.
class TokenResolver : public storage::Graph {
 public:
  TokenResolver(storage::Graph* graph, storage::WriteTxn* txn) : graph_(graph), txn_(txn) {}
  const std::string& name() const override { return graph_->name(); }
  std::unique_ptr<storage::Snapshot> NewSnapshot() override { return graph_->NewSnapshot(); }
  std::unique_ptr<storage::WriteTxn> BeginWrite() override { return graph_->BeginWrite(); }
  std::optional<storage::LabelId> FindLabel(std::string_view name) const override;
  std::optional<storage::TypeId> FindType(std::string_view name) const override;
  std::optional<storage::PropKeyId> FindPropKey(std::string_view name) const override;
  std::string LabelName(storage::LabelId id) const override;
  std::string TypeName(storage::TypeId id) const override;
  std::string PropKeyName(storage::PropKeyId id) const override;
  std::vector<std::string> Labels() const override;
  std::vector<std::string> Types() const override;
  std::vector<std::string> PropKeys() const override;
  Status CreateUniqueIndex(std::string_view label, std::string_view key) override {
    return graph_->CreateUniqueIndex(label, key);
  }
  Status CreatePropertyIndex(std::string_view label, std::string_view key) override {
    return graph_->CreatePropertyIndex(label, key);
  }
  Status DropIndex(std::string_view label, std::string_view key) override { return graph_->DropIndex(label, key); }
  std::vector<storage::IndexInfo> Indexes() const override { return graph_->Indexes(); }
  std::optional<storage::IndexInfo> FindIndex(storage::LabelId label, storage::PropKeyId key) const override {
    return graph_->FindIndex(label, key);
  }
  storage::GraphCounts Counts() const override { return graph_->Counts(); }

  // Creating lookups: only valid with a transaction.
  storage::LabelId GetOrCreateLabel(std::string_view name);
  storage::TypeId GetOrCreateType(std::string_view name);
  storage::PropKeyId GetOrCreatePropKey(std::string_view name);

 private:
  storage::Graph* graph_;
  storage::WriteTxn* txn_;
  std::unordered_map<std::string, uint32_t> labels_, types_, keys_;
  std::unordered_map<uint32_t, std::string> label_names_, type_names_, key_names_;
};

struct EvalContext {
  storage::Graph* graph = nullptr;
  storage::GraphReader* reader = nullptr;
  storage::WriteTxn* txn = nullptr;  // non-null for queries with updates
  TokenResolver* tokens = nullptr;
  FunctionContext fn_ctx;
  SubqueryRunner* subqueries = nullptr;
  // Limits.
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  const std::atomic<bool>* cancel = nullptr;
  uint32_t ticks = 0;
  // Nodes and relationships deleted by this query (reads of them fail with
  // EntityNotFound; the result view still renders them).
  std::unordered_map<uint64_t, std::pair<std::vector<std::string>, Value::Map>> deleted_nodes;
  std::unordered_map<uint64_t, std::pair<std::string, Value::Map>> deleted_rels;

  // Cheap limit check: call once per row or expansion step.
  void Tick() {
    if ((++ticks & 1023u) == 0) CheckLimits();
  }
  void CheckLimits();
};

Value Evaluate(const BoundExpr& e, Frame& frame, EvalContext& ctx);
// WHERE semantics: true only if the predicate evaluates to true.
bool EvaluatePredicate(const BoundExpr& e, Frame& frame, EvalContext& ctx);

// Entity access used by the evaluator and the executor.
Value NodeProperty(uint64_t node, const std::string& key, EvalContext& ctx, int64_t* cached_key = nullptr);
Value RelProperty(uint64_t rel, const std::string& key, EvalContext& ctx, int64_t* cached_key = nullptr);
Value::Map NodeProperties(uint64_t node, EvalContext& ctx);
Value::Map RelProperties(uint64_t rel, EvalContext& ctx);
std::vector<storage::LabelId> NodeLabelIds(uint64_t node, EvalContext& ctx);
// Throws ExecutorException for a non-OK storage status (NotFound ->
// kEntityNotFound, others -> kStorageError).
void ThrowIfError(const Status& s, const char* what);

}  // namespace trendgraph::query

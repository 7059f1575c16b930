// ExecuteQuery: text -> parse -> bind -> plan -> physical operators -> sink.
// The one place where the query layer's exceptions are caught.
#include <new>
#include <sstream>

#include "query/binder/binder.h"
#include "query/executor/physical_operator.h"
#include "query/expression/evaluator.h"
#include "query/parser/ast.h"
#include "query/planner/planner.h"
#include "query/query_api.h"
#include "query/query_exception.h"

namespace trendgraph::query {

namespace {

// Resolves node/relationship values for the sink, through the query's own
// reader (so a write query's results show its writes) and the record of
// entities the query deleted.
class ReaderEntityView : public EntityView {
 public:
  explicit ReaderEntityView(EvalContext& ctx) : ctx_(ctx) {}

  Status GetNode(storage::NodeId id, std::vector<std::string>* labels, Value::Map* props) override {
    auto d = ctx_.deleted_nodes.find(id);
    if (d != ctx_.deleted_nodes.end()) {
      *labels = d->second.first;
      *props = d->second.second;
      return Status::OK();
    }
    storage::NodeRecord rec;
    TG_RETURN_IF_ERROR(ctx_.reader->GetNode(id, &rec));
    labels->clear();
    props->clear();
    for (auto l : rec.labels) labels->push_back(ctx_.tokens->LabelName(l));
    for (auto& [k, v] : rec.props) props->emplace(ctx_.tokens->PropKeyName(k), std::move(v));
    return Status::OK();
  }

  Status GetRel(storage::RelId id, std::string* type, Value::Map* props) override {
    auto d = ctx_.deleted_rels.find(id);
    if (d != ctx_.deleted_rels.end()) {
      *type = d->second.first;
      *props = d->second.second;
      return Status::OK();
    }
    storage::RelRecord rec;
    TG_RETURN_IF_ERROR(ctx_.reader->GetRel(id, &rec));
    *type = ctx_.tokens->TypeName(rec.type);
    props->clear();
    for (auto& [k, v] : rec.props) props->emplace(ctx_.tokens->PropKeyName(k), std::move(v));
    return Status::OK();
  }

 private:
  EvalContext& ctx_;
};

QueryError Error(ErrorCode code, std::string message, std::string detail = {}) {
  return MakeError(code, std::move(message), {}, std::move(detail));
}

class RowLimitExceeded {};

void Run(storage::Graph& graph, const ParsedQuery& parsed, const Value::Map& params, const QueryOptions& options,
         const ProcedureRegistry* procedures, ResultSink* sink, QueryOutcome* outcome) {
  BoundQuery bound = BindQuery(parsed, params, procedures);
  bool is_write = bound.has_updates || bound.has_writing_procedure;
  outcome->is_write = is_write;
  if (is_write && options.read_only) {
    outcome->ok = false;
    outcome->error = Error(ErrorCode::kSemanticError, "Write queries are not allowed in read-only mode", "ReadOnly");
    return;
  }

  std::unique_ptr<storage::Snapshot> snapshot;
  std::unique_ptr<storage::WriteTxn> txn;
  storage::GraphReader* reader;
  if (is_write && bound.mode != QueryMode::kExplain) {
    txn = graph.BeginWrite();
    reader = txn.get();
  } else {
    snapshot = graph.NewSnapshot();
    reader = snapshot.get();
  }

  LogicalPlan plan = PlanQuery(bound, graph, *reader);
  if (bound.mode == QueryMode::kExplain) {
    outcome->plan = ExplainPlan(plan, bound);
    if (sink) {
      sink->OnColumns({"plan"});
      TokenResolver tokens(&graph, nullptr);
      EvalContext ctx;
      ctx.graph = &graph;
      ctx.reader = reader;
      ctx.tokens = &tokens;
      ReaderEntityView view(ctx);
      std::istringstream lines(outcome->plan);
      std::string line;
      while (std::getline(lines, line)) {
        if (!sink->OnRow({Value(line)}, view)) break;
      }
    }
    return;
  }

  TokenResolver tokens(&graph, txn.get());
  ExecState state;
  state.profile = bound.mode == QueryMode::kProfile;
  EvalContext& ctx = state.eval;
  ctx.graph = &graph;
  ctx.reader = reader;
  ctx.txn = txn.get();
  ctx.tokens = &tokens;
  ctx.fn_ctx.graph = &tokens;
  ctx.fn_ctx.reader = reader;
  ctx.fn_ctx.statement_time_nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count();
  ctx.cancel = options.cancel;
  auto start = std::chrono::steady_clock::now();
  if (options.timeout.count() > 0) ctx.deadline = start + options.timeout;
  PhysicalSubqueryRunner subqueries(state);
  ctx.subqueries = &subqueries;

  auto root = BuildPhysical(*plan.root, state);
  if (sink) sink->OnColumns(plan.columns);
  ReaderEntityView view(ctx);
  Frame frame(plan.num_slots);
  std::vector<Value> row;
  uint64_t rows = 0;
  // A write query's rows are held until all its writes succeeded, so that a
  // failing query produces an error and no partial answer.
  std::vector<std::vector<Value>> held;
  bool stopped = false;
  while (root->Pull(frame)) {
    if (plan.output_slots.empty()) continue;
    ++rows;
    if (options.max_rows && rows > options.max_rows) {
      outcome->ok = false;
      outcome->error = Error(ErrorCode::kResourceLimit,
                             "The query returned more than the maximum of " + std::to_string(options.max_rows) + " rows");
      return;  // nothing is committed
    }
    row.clear();
    for (int s : plan.output_slots) row.push_back(frame[s]);
    if (is_write) {
      held.push_back(row);
    } else if (sink && !sink->OnRow(row, view)) {
      stopped = true;
      break;
    }
  }
  if (is_write && sink) {
    for (auto& r : held) {
      if (!sink->OnRow(r, view)) break;
    }
  }
  if (state.profile) {
    std::ostringstream out;
    out << ProfileText(*root, bound, plan.columns);
    out << "Total: " << rows << " rows in "
        << std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count()
        << "us\n";
    outcome->plan = out.str();
  }
  if (txn) {
    Status s = txn->Commit();
    if (!s.ok()) {
      outcome->ok = false;
      outcome->error = s.IsConstraintViolation()
                           ? Error(ErrorCode::kConstraintVerificationFailed, s.message())
                           : Error(ErrorCode::kStorageError, "Commit failed: " + s.ToString());
      return;
    }
  }
  outcome->stats = state.stats;
  if (stopped && !is_write) {
    outcome->ok = false;
    outcome->error = Error(ErrorCode::kCancelled, "The result consumer stopped the query");
  }
}

}  // namespace

QueryOutcome ExecuteQuery(storage::Graph& graph, std::string_view text, const Value::Map& params,
                          const QueryOptions& options, const ProcedureRegistry* procedures, ResultSink* sink) {
  QueryOutcome outcome;
  try {
    ParsedQuery parsed = ParseQuery(text);
    Run(graph, parsed, params, options, procedures, sink, &outcome);
  } catch (const QueryException& e) {
    outcome.ok = false;
    outcome.error = e.error();
    outcome.stats = QueryStats();
  } catch (const std::bad_alloc&) {
    outcome.ok = false;
    outcome.error = Error(ErrorCode::kResourceLimit, "The query ran out of memory");
    outcome.stats = QueryStats();
  } catch (const std::exception& e) {
    outcome.ok = false;
    outcome.error = Error(ErrorCode::kStorageError, std::string("Internal error: ") + e.what());
    outcome.stats = QueryStats();
  }
  return outcome;
}

bool IsReadOnlyQuery(std::string_view text, const ProcedureRegistry* procedures) {
  try {
    ParsedQuery parsed = ParseQuery(text);
    return !ParsedQueryHasUpdates(parsed, procedures);
  } catch (const std::exception&) {
    return true;
  }
}

void RegisterBuiltinProcedures(ProcedureRegistry* registry) {
  auto list_proc = [registry](const char* name, const char* output, const char* description,
                              std::vector<std::string> (storage::Graph::*list)() const) {
    ProcedureSignature sig;
    sig.name = name;
    sig.outputs.push_back(ProcedureParam{output, "STRING", std::nullopt});
    sig.description = description;
    Status s = registry->Register(std::move(sig), [list](const std::vector<Value>&, ProcedureContext& ctx,
                                                          const ProcedureEmit& emit) -> std::optional<ProcedureFailure> {
      if (!ctx.graph) return ProcedureFailure{ErrorCode::kProcedureError, "no graph"};
      for (auto& n : ((*ctx.graph).*list)())
        if (!emit({Value(n)})) break;
      return std::nullopt;
    });
    (void)s;  // AlreadyExists when registered twice: harmless
  };
  list_proc("db.labels", "label", "The node labels of the graph", &storage::Graph::Labels);
  list_proc("db.relationshipTypes", "relationshipType", "The relationship types of the graph",
            &storage::Graph::Types);
  list_proc("db.propertyKeys", "propertyKey", "The property keys of the graph", &storage::Graph::PropKeys);

  ProcedureSignature idx;
  idx.name = "db.indexes";
  idx.description = "The indexes of the graph: label, property and kind (UNIQUE or PROPERTY)";
  idx.outputs = {ProcedureParam{"label", "STRING", std::nullopt}, ProcedureParam{"property", "STRING", std::nullopt},
                 ProcedureParam{"type", "STRING", std::nullopt}};
  Status s = registry->Register(std::move(idx), [](const std::vector<Value>&, ProcedureContext& ctx,
                                                   const ProcedureEmit& emit) -> std::optional<ProcedureFailure> {
    if (!ctx.graph) return ProcedureFailure{ErrorCode::kProcedureError, "no graph"};
    for (auto& i : ctx.graph->Indexes()) {
      if (!emit({Value(ctx.graph->LabelName(i.label)), Value(ctx.graph->PropKeyName(i.key)),
                 Value(i.kind == storage::IndexInfo::Kind::kUnique ? "UNIQUE" : "PROPERTY")}))
        break;
    }
    return std::nullopt;
  });
  (void)s;
}

}  // namespace trendgraph::query

// Physical operators: pull-based (Volcano) iterators over one shared frame.
//
// Each operator produces rows by writing its output slots into the frame
// that flows through the pipeline and returning true from Next(); false
// means exhausted. Materialising operators (Sort, Aggregate, Distinct, Eager)
// keep copies of what they need. Branch operators (Optional, Merge,
// subqueries) run a child pipeline whose leaf (Argument) yields the current
// frame once per Reset(). See docs/query-engine.md for why rows rather than
// column vectors.
//
// Thread-safety: one query execution, one thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include "query/expression/evaluator.h"
#include "query/planner/logical_plan.h"
#include "query/query_api.h"

namespace trendgraph::query {

struct ExecState {
  EvalContext eval;
  QueryStats stats;
  bool profile = false;
};

class PhysicalOperator {
 public:
  PhysicalOperator(const LogicalOperator& op, ExecState& state) : op_(op), state_(state) {}
  virtual ~PhysicalOperator() = default;

  // The next row into `frame`; false when exhausted.
  bool Pull(Frame& frame) {
    if (!state_.profile) return Next(frame);
    auto t0 = std::chrono::steady_clock::now();
    bool ok = Next(frame);
    nanos_ += std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0).count();
    if (ok) ++rows_;
    return ok;
  }
  // Rewinds the operator (and its inputs) for a new argument row.
  virtual void Reset() {
    for (auto& c : children_) c->Reset();
  }

  const LogicalOperator& logical() const { return op_; }
  const std::vector<std::unique_ptr<PhysicalOperator>>& children() const { return children_; }
  uint64_t rows() const { return rows_; }
  int64_t nanos() const { return nanos_; }
  void AddChild(std::unique_ptr<PhysicalOperator> c) { children_.push_back(std::move(c)); }

 protected:
  virtual bool Next(Frame& frame) = 0;
  PhysicalOperator& input() { return *children_[0]; }

  const LogicalOperator& op_;
  ExecState& state_;
  std::vector<std::unique_ptr<PhysicalOperator>> children_;

 private:
  uint64_t rows_ = 0;
  int64_t nanos_ = 0;
};

// Builds the physical tree for a logical one (children included).
std::unique_ptr<PhysicalOperator> BuildPhysical(const LogicalOperator& op, ExecState& state);

// Runs pattern subqueries (pattern predicates, EXISTS, comprehensions),
// building their physical pipelines on first use.
class PhysicalSubqueryRunner : public SubqueryRunner {
 public:
  explicit PhysicalSubqueryRunner(ExecState& state) : state_(state) {}
  Value Run(const BoundSubquery& subquery, Frame& frame) override;

 private:
  ExecState& state_;
  std::vector<std::pair<const LogicalOperator*, std::unique_ptr<PhysicalOperator>>> built_;
};

// PROFILE text: the plan with rows and time per operator.
std::string ProfileText(const PhysicalOperator& root, const BoundQuery& query,
                        const std::vector<std::string>& columns);

}  // namespace trendgraph::query

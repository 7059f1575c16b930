// Aggregate functions. Each Aggregator holds one group's state; nulls of the
// aggregated expression are skipped. The DISTINCT forms filter the first
// argument through a set keyed by Cypher equivalence (1 ~ 1.0, NaN ~ NaN).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <unordered_set>
#include <vector>

#include "query/expression/temporal_ops.h"
#include "query/function/function_util.h"

namespace trendgraph::query::internal {

namespace {

// A set of node ids: open addressing over one flat array (count(DISTINCT n)
// over tens of thousands of nodes allocates nothing per node).
class NodeIdSet {
 public:
  // True when `id` was not in the set yet.
  bool Insert(uint64_t id) {
    if ((size_ + 1) * 4 > slots_.size() * 3) Grow();
    size_t mask = slots_.size() - 1;
    for (size_t i = Mix(id) & mask;; i = (i + 1) & mask) {
      if (slots_[i] == kEmpty) {
        slots_[i] = id;
        ++size_;
        return true;
      }
      if (slots_[i] == id) return false;
    }
  }

 private:
  static constexpr uint64_t kEmpty = UINT64_MAX;  // never a node id
  static size_t Mix(uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    return static_cast<size_t>(x);
  }
  void Grow() {
    std::vector<uint64_t> old = std::move(slots_);
    slots_.assign(old.empty() ? 16 : old.size() * 2, kEmpty);
    size_t mask = slots_.size() - 1;
    for (uint64_t id : old) {
      if (id == kEmpty) continue;
      size_t i = Mix(id) & mask;
      while (slots_[i] != kEmpty) i = (i + 1) & mask;
      slots_[i] = id;
    }
  }
  std::vector<uint64_t> slots_;
  size_t size_ = 0;
};

// Remembers values already seen by a DISTINCT aggregate. Nodes are never
// equivalent to anything but the same node, so they go to a set of ids.
class DistinctFilter {
 public:
  explicit DistinctFilter(bool enabled) : enabled_(enabled) {}
  // True when v should be aggregated (first of its equivalence class).
  bool Admit(const Value& v) {
    if (!enabled_) return true;
    if (v.is_node() && v.as_node().id != UINT64_MAX) return nodes_.Insert(v.as_node().id);
    return seen_.insert(v).second;
  }

 private:
  bool enabled_;
  NodeIdSet nodes_;
  std::unordered_set<Value, EquivalenceHasher, EquivalenceEqual> seen_;
};

class CountAgg final : public Aggregator {
 public:
  explicit CountAgg(bool distinct) : filter_(distinct) {}
  void Add(const Value* a, size_t) override {
    if (a[0].is_null() || !filter_.Admit(a[0])) return;
    ++count_;
  }
  Value Finish() override { return Value(count_); }

 private:
  DistinctFilter filter_;
  int64_t count_ = 0;
};

class SumAgg final : public Aggregator {
 public:
  explicit SumAgg(bool distinct) : filter_(distinct) {}
  void Add(const Value* a, size_t) override {
    const Value& v = a[0];
    if (v.is_null()) return;
    if (v.is_duration() || has_duration_) {
      // sum() of durations is a duration; numbers and durations do not mix.
      if (!v.is_duration() || (!has_duration_ && has_number_))
        ThrowArgType("sum", 0, has_duration_ ? "a Duration (the others were)" : "a number (the others were)", v);
      if (!filter_.Admit(v)) return;
      dsum_ = has_duration_ ? AddDurations(dsum_, v.as_duration()) : v.as_duration();
      has_duration_ = true;
      return;
    }
    if (!v.is_number()) ThrowArgType("sum", 0, "a number or a Duration", v);
    has_number_ = true;
    if (!filter_.Admit(v)) return;
    if (v.is_int() && !is_float_) {
      int64_t r;
      if (!__builtin_add_overflow(isum_, v.as_int(), &r)) {
        isum_ = r;
        return;
      }
      ThrowArgValue("sum", "integer overflow");
    }
    if (!is_float_) {
      is_float_ = true;
      fsum_ = static_cast<double>(isum_);
    }
    fsum_ += v.as_number();
  }
  Value Finish() override {
    if (has_duration_) return Value(dsum_);
    return is_float_ ? Value(fsum_) : Value(isum_);
  }

 private:
  DistinctFilter filter_;
  bool has_number_ = false;
  bool has_duration_ = false;
  Duration dsum_;
  bool is_float_ = false;
  int64_t isum_ = 0;
  double fsum_ = 0;
};

class AvgAgg final : public Aggregator {
 public:
  explicit AvgAgg(bool distinct) : filter_(distinct) {}
  void Add(const Value* a, size_t) override {
    const Value& v = a[0];
    if (v.is_null()) return;
    if (v.is_duration() || has_duration_) {
      // avg() of durations: their sum divided by the count (fractions
      // cascade down: months to days, days to seconds).
      if (!v.is_duration() || (!has_duration_ && count_ > 0))
        ThrowArgType("avg", 0, has_duration_ ? "a Duration (the others were)" : "a number (the others were)", v);
      if (!filter_.Admit(v)) return;
      dsum_ = has_duration_ ? AddDurations(dsum_, v.as_duration()) : v.as_duration();
      has_duration_ = true;
      ++dcount_;
      return;
    }
    if (!v.is_number()) ThrowArgType("avg", 0, "a number or a Duration", v);
    if (!filter_.Admit(v)) return;
    // Incremental mean: no overflow for large integer sums.
    ++count_;
    mean_ += (static_cast<long double>(v.as_number()) - mean_) / static_cast<long double>(count_);
  }
  Value Finish() override {
    if (has_duration_) return Value(ScaleDuration(dsum_, static_cast<double>(dcount_), /*divide=*/true));
    return count_ == 0 ? Value() : Value(static_cast<double>(mean_));
  }

 private:
  DistinctFilter filter_;
  bool has_duration_ = false;
  Duration dsum_;
  int64_t dcount_ = 0;
  int64_t count_ = 0;
  long double mean_ = 0;
};

// min/max over the orderability order, so mixed kinds have an answer (max of
// [1, 'a'] is 1, min of [[1], 'a'] is [1]).
template <bool kMax>
class ExtremumAgg final : public Aggregator {
 public:
  explicit ExtremumAgg(bool) {}  // DISTINCT does not change min/max
  void Add(const Value* a, size_t) override {
    const Value& v = a[0];
    if (v.is_null()) return;
    if (!has_) {
      best_ = v;
      has_ = true;
      return;
    }
    int c = OrderCompare(v, best_);
    if (kMax ? c > 0 : c < 0) best_ = v;
  }
  Value Finish() override { return has_ ? best_ : Value(); }

 private:
  bool has_ = false;
  Value best_;
};

class CollectAgg final : public Aggregator {
 public:
  explicit CollectAgg(bool distinct) : filter_(distinct) {}
  void Add(const Value* a, size_t) override {
    if (a[0].is_null() || !filter_.Admit(a[0])) return;
    out_.push_back(a[0]);
  }
  Value Finish() override { return Value(std::move(out_)); }

 private:
  DistinctFilter filter_;
  Value::List out_;
};

class PercentileAgg final : public Aggregator {
 public:
  PercentileAgg(bool distinct, bool continuous) : filter_(distinct), continuous_(continuous) {}
  void Add(const Value* a, size_t n) override {
    const char* name = continuous_ ? "percentileCont" : "percentileDisc";
    if (n < 2 || a[1].is_null()) ThrowArgValue(name, "the percentile must not be null");
    double p = NumberArg(name, a, 1);
    if (!(p >= 0.0 && p <= 1.0)) ThrowArgValue(name, "the percentile must be in [0, 1], got " + ToCypherString(a[1]));
    percentile_ = p;
    const Value& v = a[0];
    if (v.is_null()) return;
    if (!v.is_number()) ThrowArgType(name, 0, "a number", v);
    if (!filter_.Admit(v)) return;
    values_.push_back(v);
  }
  Value Finish() override {
    if (values_.empty()) return Value();
    // Sort positions rather than Values: cheaper swaps.
    std::vector<uint32_t> order(values_.size());
    for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(),
              [this](uint32_t x, uint32_t y) { return OrderCompare(values_[x], values_[y]) < 0; });
    size_t n = order.size();
    if (continuous_) {
      double pos = percentile_ * static_cast<double>(n - 1);
      size_t lo = static_cast<size_t>(std::floor(pos));
      size_t hi = static_cast<size_t>(std::ceil(pos));
      double lv = values_[order[lo]].as_number(), hv = values_[order[hi]].as_number();
      return Value(lv + (hv - lv) * (pos - static_cast<double>(lo)));
    }
    // Nearest rank: the smallest value with at least p of the values <= it.
    double rank = std::ceil(percentile_ * static_cast<double>(n));
    size_t idx = rank <= 0 ? 0 : static_cast<size_t>(rank) - 1;
    return values_[order[std::min(idx, n - 1)]];
  }

 private:
  DistinctFilter filter_;
  bool continuous_;
  double percentile_ = 0;
  Value::List values_;
};

// Welford's online variance.
template <bool kSample>
class StDevAgg final : public Aggregator {
 public:
  explicit StDevAgg(bool distinct) : filter_(distinct) {}
  void Add(const Value* a, size_t) override {
    const Value& v = a[0];
    if (v.is_null()) return;
    if (!v.is_number()) ThrowArgType(kSample ? "stDev" : "stDevP", 0, "a number", v);
    if (!filter_.Admit(v)) return;
    double x = v.as_number();
    ++n_;
    double delta = x - mean_;
    mean_ += delta / static_cast<double>(n_);
    m2_ += delta * (x - mean_);
  }
  Value Finish() override {
    // Like Neo4j: 0.0 when there are too few values for a deviation.
    int64_t denom = kSample ? n_ - 1 : n_;
    if (denom <= 0) return Value(0.0);
    return Value(std::sqrt(m2_ / static_cast<double>(denom)));
  }

 private:
  DistinctFilter filter_;
  int64_t n_ = 0;
  double mean_ = 0;
  double m2_ = 0;
};

template <typename T>
std::unique_ptr<Aggregator> Make(bool distinct) {
  return std::make_unique<T>(distinct);
}
std::unique_ptr<Aggregator> MakePercentileCont(bool distinct) {
  return std::make_unique<PercentileAgg>(distinct, true);
}
std::unique_ptr<Aggregator> MakePercentileDisc(bool distinct) {
  return std::make_unique<PercentileAgg>(distinct, false);
}

constexpr AggregateFunctionDef kDefs[] = {
    {"count", 1, 1, Make<CountAgg>},
    {"sum", 1, 1, Make<SumAgg>},
    {"avg", 1, 1, Make<AvgAgg>},
    {"min", 1, 1, Make<ExtremumAgg<false>>},
    {"max", 1, 1, Make<ExtremumAgg<true>>},
    {"collect", 1, 1, Make<CollectAgg>},
    {"percentileCont", 2, 2, MakePercentileCont},
    {"percentileDisc", 2, 2, MakePercentileDisc},
    {"stDev", 1, 1, Make<StDevAgg<true>>},
    {"stDevP", 1, 1, Make<StDevAgg<false>>},
};

}  // namespace

std::span<const AggregateFunctionDef> AggregateFunctions() { return kDefs; }

}  // namespace trendgraph::query::internal

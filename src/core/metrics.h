// The process's metrics: one registry that every room records into (HTTP, the group committer, the gate, the
// dispatcher, the transports, SMS pacing, mail feedback and opt-outs) and that GET /metrics reads
// (api/metrics_handlers.cc; the names and labels are listed in docs/OPERATIONS.md).
//
// In core, below every room that records, so none of them includes upward. prometheus-cpp gives the data
// model and the text format (its serializer); the cells are our own because prometheus-cpp's
// Histogram::Observe takes a mutex per observation and Family::Add takes the family's mutex and hashes the
// labels on every call. Here every cell is atomic, and each thread keeps its own map from a family's label
// values to the cell, so recording on a hot path (one request, one recipient) takes no shared lock once a
// thread has seen that label set. Thread-safe throughout.
//
// Labels never name a supporter: routes are patterns (app/http_routes.h), organizations are ids, senders are
// the organization's own numbers, reasons are the gate's codes. A family stops growing at kMaxCells label
// sets (further ones are counted under the label value "other"), so no outside input can blow the scrape up.
#pragma once

#include <prometheus/metric_family.h>

#include <atomic>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace tocsin::metrics {

// A monotonic count.
class Counter {
 public:
  void inc(uint64_t by = 1) { v_.fetch_add(by, std::memory_order_relaxed); }
  uint64_t value() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> v_{0};
};

// A value that goes up and down.
class Gauge {
 public:
  void set(int64_t v) { v_.store(v, std::memory_order_relaxed); }
  void add(int64_t by) { v_.fetch_add(by, std::memory_order_relaxed); }
  int64_t value() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> v_{0};
};

// Observations counted into fixed buckets (upper bounds, ascending; +Inf is implied).
class Histogram {
 public:
  explicit Histogram(const std::vector<double>& bounds);
  void observe(double v);
  // Cumulative counts per bound, then the total count (the +Inf bucket); and the sum of observations.
  std::vector<uint64_t> cumulative() const;
  double sum() const { return sum_.load(std::memory_order_relaxed); }
  const std::vector<double>& bounds() const { return bounds_; }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;  // bounds_.size() + 1 (the last: above every bound)
  std::atomic<double> sum_{0};
};

inline constexpr size_t kMaxCells = 2000;

// Cells of one metric by label values. at() returns the cell for these values (as many as label names, in
// their order), made on first use; the reference stays valid for the process's life.
class FamilyBase {
 public:
  FamilyBase(std::string name, std::string help, std::vector<std::string> labels)
      : name_(std::move(name)), help_(std::move(help)), labels_(std::move(labels)) {}
  virtual ~FamilyBase() = default;
  virtual prometheus::MetricFamily collect() const = 0;
  const std::string& name() const { return name_; }

 protected:
  void* find(std::initializer_list<std::string_view> values);  // the thread's cache, then make()
  virtual void* make_locked(const std::vector<std::string>& values) = 0;
  prometheus::MetricFamily family(prometheus::MetricType type) const;
  prometheus::ClientMetric labelled(const std::vector<std::string>& values) const;

  std::string name_, help_;
  std::vector<std::string> labels_;
  mutable std::mutex mu_;  // taken on a label set's first use per thread, and by collect()
};

template <class Cell>
class Family final : public FamilyBase {
 public:
  Family(std::string name, std::string help, std::vector<std::string> labels, std::vector<double> bounds = {})
      : FamilyBase(std::move(name), std::move(help), std::move(labels)), bounds_(std::move(bounds)) {}
  Cell& at(std::initializer_list<std::string_view> values) { return *static_cast<Cell*>(find(values)); }
  prometheus::MetricFamily collect() const override;

 private:
  void* make_locked(const std::vector<std::string>& values) override {
    auto it = cells_.find(values);
    if (it != cells_.end()) return it->second.get();
    // Past the bound, a new label set is counted under "other" in every label.
    auto& cell =
        cells_[cells_.size() < kMaxCells ? values : std::vector<std::string>(values.size(), "other")];
    if (!cell) {
      if constexpr (std::is_same_v<Cell, Histogram>)
        cell = std::make_unique<Cell>(bounds_);
      else
        cell = std::make_unique<Cell>();
    }
    return cell.get();
  }

  std::vector<double> bounds_;
  std::map<std::vector<std::string>, std::unique_ptr<Cell>> cells_;
};

template <>
prometheus::MetricFamily Family<Counter>::collect() const;
template <>
prometheus::MetricFamily Family<Gauge>::collect() const;
template <>
prometheus::MetricFamily Family<Histogram>::collect() const;

// Bucket bounds in seconds, from 100 µs to 10 s.
const std::vector<double>& latency_buckets();

// Every metric of the process. One instance (process()); tests may read it.
struct Metrics {
  Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // HTTP, every face (API, hosted pages, console), by route pattern.
  Family<Counter> http_requests;   // method, route, status
  Family<Histogram> http_seconds;  // method, route: from the request read to the answer handed back
  // The group committer.
  Family<Histogram> group_commit_jobs;     // jobs in one group (the writes that shared one commit)
  Family<Histogram> group_commit_seconds;  // the store's commit of one group
  Family<Gauge> committer_queue;           // jobs waiting for the committer when it took its last group
  // The gate: every verdict, at planning and at dispatch.
  Family<Counter> gate_verdicts;  // stage (plan|dispatch), verdict (send|suppress|defer_until|block), reason
  // Delivery state changes the dispatcher, receipts and mail feedback record.
  Family<Counter> deliveries;  // channel, state
  // Hand-overs to the next hop: from the last look to the transport's answer.
  Family<Histogram> handover_seconds;  // transport, outcome
  // SMS pacing: texts holding a slot of the sender's schedule and waiting for it.
  Family<Gauge> pacing_backlog;  // sender
  // Mail feedback and opt-outs per organization.
  Family<Counter> bounces;     // org, channel, kind (hard|soft)
  Family<Counter> complaints;  // org
  Family<Counter> opt_outs;    // org, channel

  // Every family in the text format's data model (prometheus::TextSerializer writes it).
  std::vector<prometheus::MetricFamily> collect() const;

 private:
  std::vector<const FamilyBase*> all_;
};

Metrics& process();

// Seconds since `start` on the steady clock (what the histograms observe).
double seconds_since(int64_t steady_start_ns);
int64_t steady_now_ns();

}  // namespace tocsin::metrics

#include "core/metrics.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <unordered_map>

namespace tocsin::metrics {

Histogram::Histogram(const std::vector<double>& bounds)
    : bounds_(bounds), counts_(std::make_unique<std::atomic<uint64_t>[]>(bounds.size() + 1)) {}

void Histogram::observe(double v) {
  size_t i = static_cast<size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), v) - bounds_.begin());
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
}

std::vector<uint64_t> Histogram::cumulative() const {
  std::vector<uint64_t> out(bounds_.size() + 1);
  uint64_t total = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) out[i] = total += counts_[i].load(std::memory_order_relaxed);
  return out;
}

namespace {

struct KeyHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

}  // namespace

void* FamilyBase::find(std::initializer_list<std::string_view> values) {
  // The key: this family's address, then the values separated by a byte no label value holds. Families live
  // as long as the process (members of the one Metrics), so an address is never reused for another.
  thread_local std::unordered_map<std::string, void*, KeyHash, std::equal_to<>> cache;
  thread_local std::string key;
  const FamilyBase* self = this;
  key.assign(reinterpret_cast<const char*>(&self), sizeof self);
  for (std::string_view v : values) {
    key += '\x1f';
    key += v;
  }
  if (auto it = cache.find(std::string_view(key)); it != cache.end()) return it->second;
  std::vector<std::string> owned(values.begin(), values.end());
  owned.resize(labels_.size());
  void* cell;
  {
    std::lock_guard lock(mu_);
    cell = make_locked(owned);
  }
  cache.emplace(key, cell);
  return cell;
}

prometheus::MetricFamily FamilyBase::family(prometheus::MetricType type) const {
  prometheus::MetricFamily f;
  f.name = name_;
  f.help = help_;
  f.type = type;
  return f;
}

prometheus::ClientMetric FamilyBase::labelled(const std::vector<std::string>& values) const {
  prometheus::ClientMetric m;
  for (size_t i = 0; i < labels_.size(); ++i) m.label.push_back({labels_[i], values[i]});
  return m;
}

template <>
prometheus::MetricFamily Family<Counter>::collect() const {
  auto f = family(prometheus::MetricType::Counter);
  std::lock_guard lock(mu_);
  for (const auto& [values, cell] : cells_) {
    auto m = labelled(values);
    m.counter.value = static_cast<double>(cell->value());
    f.metric.push_back(std::move(m));
  }
  return f;
}

template <>
prometheus::MetricFamily Family<Gauge>::collect() const {
  auto f = family(prometheus::MetricType::Gauge);
  std::lock_guard lock(mu_);
  for (const auto& [values, cell] : cells_) {
    auto m = labelled(values);
    m.gauge.value = static_cast<double>(cell->value());
    f.metric.push_back(std::move(m));
  }
  return f;
}

template <>
prometheus::MetricFamily Family<Histogram>::collect() const {
  auto f = family(prometheus::MetricType::Histogram);
  std::lock_guard lock(mu_);
  for (const auto& [values, cell] : cells_) {
    auto m = labelled(values);
    auto counts = cell->cumulative();
    for (size_t i = 0; i < counts.size(); ++i)
      m.histogram.bucket.push_back({counts[i], i < cell->bounds().size()
                                                   ? cell->bounds()[i]
                                                   : std::numeric_limits<double>::infinity()});
    m.histogram.sample_count = counts.back();
    m.histogram.sample_sum = cell->sum();
    f.metric.push_back(std::move(m));
  }
  return f;
}

const std::vector<double>& latency_buckets() {
  static const std::vector<double> b{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                     0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,    10};
  return b;
}

namespace {

const std::vector<double>& group_size_buckets() {
  static const std::vector<double> b{1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048};
  return b;
}

}  // namespace

Metrics::Metrics()
    : http_requests("tocsin_http_requests_total", "HTTP requests answered, by route pattern and status",
                    {"method", "route", "status"}),
      http_seconds("tocsin_http_request_seconds",
                   "Time from a request read to its answer handed to the connection, by route pattern",
                   {"method", "route"}, latency_buckets()),
      group_commit_jobs("tocsin_group_commit_size",
                        "Jobs (writes of requests and workers) in one group commit", {},
                        group_size_buckets()),
      group_commit_seconds("tocsin_group_commit_seconds", "Time the store took to commit one group", {},
                           latency_buckets()),
      committer_queue("tocsin_committer_queue_depth",
                      "Jobs left waiting for the group committer when it took its last group", {}),
      gate_verdicts("tocsin_gate_verdicts_total", "The gate's verdicts, at planning and at dispatch",
                    {"stage", "verdict", "reason"}),
      deliveries("tocsin_deliveries_total",
                 "Delivery state changes recorded, by channel and the state reached", {"channel", "state"}),
      handover_seconds("tocsin_handover_seconds",
                       "Hand-overs to the next hop, from the last look to the transport's answer",
                       {"transport", "outcome"}, latency_buckets()),
      pacing_backlog("tocsin_sms_pacing_backlog",
                     "Texts holding a slot in the sender's pacing schedule and waiting for it", {"sender"}),
      bounces("tocsin_bounces_total", "Bounces recorded (hard: the address is bouncing; soft: counted)",
              {"org", "channel", "kind"}),
      complaints("tocsin_complaints_total", "Spam complaints (feedback reports) about deliveries", {"org"}),
      opt_outs("tocsin_opt_outs_total", "Contact points that changed to unsubscribed in the ledger",
               {"org", "channel"}),
      all_{&http_requests,   &http_seconds,  &group_commit_jobs, &group_commit_seconds,
           &committer_queue, &gate_verdicts, &deliveries,        &handover_seconds,
           &pacing_backlog,  &bounces,       &complaints,        &opt_outs} {}

std::vector<prometheus::MetricFamily> Metrics::collect() const {
  std::vector<prometheus::MetricFamily> out;
  out.reserve(all_.size());
  for (const FamilyBase* f : all_) out.push_back(f->collect());
  return out;
}

Metrics& process() {
  static Metrics m;
  return m;
}

int64_t steady_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

double seconds_since(int64_t steady_start_ns) {
  return static_cast<double>(steady_now_ns() - steady_start_ns) / 1e9;
}

}  // namespace tocsin::metrics

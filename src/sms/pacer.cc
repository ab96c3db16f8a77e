#include "sms/pacer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <thread>

#include "core/metrics.h"

namespace tocsin::sms {
namespace {

int64_t utc_day(Micros t) {
  return t >= 0 ? t / kUtcDay : (t - kUtcDay + 1) / kUtcDay;
}

}  // namespace

Micros next_utc_day(Micros t) {
  return (utc_day(t) + 1) * kUtcDay;
}

void Pacer::default_sleep(Micros d) {
  if (d > 0) std::this_thread::sleep_for(std::chrono::microseconds(d));
}

void Pacer::configure(const std::string& sender, SenderLimits limits) {
  limits.per_second = std::max(limits.per_second, 1e-6);
  limits.burst = std::max(limits.burst, 1);
  std::lock_guard lock(mu_);
  State& s = senders_[sender];
  s.limits = limits;
  s.gcra.set_rate(limits.per_second, limits.burst);
}

Pacer::Grant Pacer::reserve(const std::string& sender) {
  Micros now = clock_();
  std::lock_guard lock(mu_);
  auto it = senders_.find(sender);
  if (it == senders_.end()) return {Grant::Kind::kUnknownSender, now};
  State& s = it->second;
  double slot = s.gcra.next_slot(static_cast<double>(now));
  Micros at = static_cast<Micros>(std::ceil(slot));
  int64_t day = utc_day(at);
  if (day != s.day) {
    s.day = day;
    s.count = 0;
  }
  if (s.limits.daily_cap > 0 && s.count >= s.limits.daily_cap)
    return {Grant::Kind::kDailyCap, next_utc_day(at)};
  ++s.count;
  s.gcra.book(slot);
  return {Grant::Kind::kGo, at};
}

Pacer::Grant Pacer::acquire(const std::string& sender) {
  Grant g = reserve(sender);
  if (g.kind == Grant::Kind::kGo) {
    Micros wait = g.at - clock_();
    if (wait > 0) {
      // The sender's backlog on GET /metrics: texts holding a slot and waiting for it.
      auto& backlog = metrics::process().pacing_backlog.at({sender});
      backlog.add(1);
      sleep_(wait);
      backlog.add(-1);
    }
  }
  return g;
}

void Pacer::refund(const std::string& sender, Micros slot) {
  std::lock_guard lock(mu_);
  auto it = senders_.find(sender);
  if (it == senders_.end()) return;
  State& s = it->second;
  if (s.day == utc_day(slot) && s.count > 0) --s.count;
}

void Pacer::hold(const std::string& sender, Micros until) {
  std::lock_guard lock(mu_);
  auto it = senders_.find(sender);
  if (it == senders_.end()) return;
  it->second.gcra.hold(static_cast<double>(until));
}

int64_t Pacer::sent_today(const std::string& sender) const {
  Micros now = clock_();
  std::lock_guard lock(mu_);
  auto it = senders_.find(sender);
  if (it == senders_.end() || it->second.day != utc_day(now)) return 0;
  return it->second.count;
}

}  // namespace tocsin::sms

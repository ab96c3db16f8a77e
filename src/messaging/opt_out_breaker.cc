#include "messaging/opt_out_breaker.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace tocsin::messaging {
namespace {

constexpr Micros kMinute = int64_t{60} * 1'000'000;

}  // namespace

void OptOutMeter::configure(const OptOutBreakerSettings& s) {
  std::lock_guard lock(mu_);
  settings_ = s;
}

OptOutBreakerSettings OptOutMeter::settings() const {
  std::lock_guard lock(mu_);
  return settings_;
}

// Callers hold mu_. Buckets older than the window are dropped as new ones come, so a series holds at most
// one window of minutes.
OptOutMeter::Counts& OptOutMeter::bucket(const std::string& org_id, const std::string& sender, Micros at) {
  auto& m = series_[{org_id, sender}].minutes;
  int64_t minute = at / kMinute;
  m.erase(m.begin(), m.lower_bound(minute - settings_.window / kMinute));
  return m[minute];
}

void OptOutMeter::restart(const std::string& org_id, const std::string& sender, Micros at) {
  std::lock_guard lock(mu_);
  Series& s = series_[{org_id, sender}];
  if (at <= s.restarted) return;
  s.restarted = at;
  s.minutes.erase(s.minutes.begin(), s.minutes.upper_bound(at / kMinute));
}

void OptOutMeter::record_text(const std::string& org_id, const std::string& sender, Micros at) {
  std::lock_guard lock(mu_);
  ++bucket(org_id, sender, at).texts;
}

void OptOutMeter::record_opt_out(const std::string& org_id, const std::string& sender, Micros at) {
  std::lock_guard lock(mu_);
  ++bucket(org_id, sender, at).opt_outs;
}

OptOutMeter::Figures OptOutMeter::figures(const std::string& org_id, const std::string& sender,
                                          Micros now) const {
  std::lock_guard lock(mu_);
  Figures f;
  auto it = series_.find({org_id, sender});
  if (it == series_.end()) return f;
  const auto& m = it->second.minutes;
  for (auto b = m.lower_bound((now - settings_.window) / kMinute); b != m.end(); ++b) {
    f.texts += b->second.texts;
    f.opt_outs += b->second.opt_outs;
  }
  return f;
}

std::optional<std::string> opt_out_rate_exceeded(const OptOutBreakerSettings& s,
                                                 const OptOutMeter::Figures& f) {
  if (s.percent <= 0 || f.texts < s.min_texts || f.texts <= 0) return std::nullopt;
  double rate = 100.0 * static_cast<double>(f.opt_outs) / static_cast<double>(f.texts);
  if (rate <= s.percent) return std::nullopt;
  return fmt::format(
      "opt-out rate {:.1f}% ({} opt-outs of {} texts handed over in the last {} h) passed {:.1f}%", rate,
      f.opt_outs, f.texts, s.window / (60 * kMinute), s.percent);
}

std::optional<std::string> count_opt_out(OptOutMeter& meter, people::OrgState& org,
                                         store::WriteBatch::OrgWrites& w, const std::string& sender,
                                         Micros now) {
  auto it = org.messaging.senders().find(sender);
  if (it != org.messaging.senders().end())
    meter.restart(org.org.id, sender, it->second.opt_outs_counted_from);
  meter.record_opt_out(org.org.id, sender, now);
  if (it == org.messaging.senders().end() || !it->second.blasts_paused_reason.empty()) return std::nullopt;
  auto why = opt_out_rate_exceeded(meter.settings(), meter.figures(org.org.id, sender, now));
  if (!why) return std::nullopt;
  SmsSender s = it->second;
  s.blasts_paused_reason = *why;
  s.blasts_paused_at = now;
  org.messaging.put_sender(w, std::move(s));
  spdlog::warn("organization {}: blasts from {} paused: {}", org.org.id, sender, *why);
  return why;
}

}  // namespace tocsin::messaging

#include "core/pacer.h"

#include <algorithm>
#include <thread>

namespace tocsin {

Pacer::Pacer(double per_second, double burst) {
  if (per_second <= 0) return;
  interval_ = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / per_second));
  tolerance_ = std::chrono::duration_cast<Clock::duration>(interval_ * (std::max(burst, 1.0) - 1));
}

Pacer::Clock::time_point Pacer::reserve(Clock::time_point now) {
  if (interval_ == Clock::duration::zero()) return now;
  std::lock_guard lock(mu_);
  Clock::time_point proceed = std::max(now, tat_ - tolerance_);
  tat_ = std::max(tat_, proceed) + interval_;
  return proceed;
}

void Pacer::acquire() {
  auto now = Clock::now();
  auto at = reserve(now);
  if (at > now) std::this_thread::sleep_until(at);
}

}  // namespace tocsin

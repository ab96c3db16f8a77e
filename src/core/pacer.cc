#include "core/pacer.h"

#include <cmath>
#include <thread>

namespace tocsin {

Pacer::Pacer(double per_second, double burst) : gcra_(per_second, burst) {}

Pacer::Clock::time_point Pacer::reserve(Clock::time_point now) {
  if (!gcra_.paced()) return now;
  double t = std::chrono::duration<double, std::micro>(now.time_since_epoch()).count();
  double slot;
  {
    std::lock_guard lock(mu_);
    slot = gcra_.next_slot(t);
    gcra_.book(slot);
  }
  if (slot <= t) return now;
  return now + std::chrono::microseconds(static_cast<int64_t>(std::ceil(slot - t)));
}

void Pacer::acquire() {
  auto now = Clock::now();
  auto at = reserve(now);
  if (at > now) std::this_thread::sleep_until(at);
}

}  // namespace tocsin

// Gcra: the arithmetic of a token bucket in its "virtual scheduling" form (GCRA, ITU-T I.371): one
// theoretical arrival time instead of a token count. A request at `now` gets the slot
// max(now, tat - (burst - 1) * interval), and booking it moves tat on by one interval. With a burst of 1 the
// slots are exactly 1/rate apart, so the count in any window of length W is W * rate rounded up: no start-up
// burst (a bucket that starts full would let `burst` extra events through in the first second).
//
// Times are microseconds on any one clock, as doubles so that rates that do not divide a second do not
// drift. A value type without locking: core/pacer.h (relay hand-overs) and sms/pacer.h (per-sender texts
// with daily caps) own one each under their own mutex.
#pragma once

#include <algorithm>

namespace tocsin {

class Gcra {
 public:
  Gcra() = default;  // unpaced: every slot is now
  Gcra(double per_second, double burst) { set_rate(per_second, burst); }

  // Changes the rate and keeps the schedule (tat); per_second <= 0 makes it unpaced.
  void set_rate(double per_second, double burst) {
    interval_ = per_second > 0 ? 1e6 / per_second : 0;
    tolerance_ = interval_ * (std::max(burst, 1.0) - 1);
  }
  bool paced() const { return interval_ > 0; }

  // The slot a request at `now` would get (>= now), without booking it.
  double next_slot(double now) const { return paced() ? std::max(now, tat_ - tolerance_) : now; }
  // Books a slot returned by next_slot().
  void book(double slot) {
    if (paced()) tat_ = std::max(tat_, slot) + interval_;
  }
  // No slot before `until` (a gateway asked us to back off).
  void hold(double until) { tat_ = std::max(tat_, until + tolerance_); }

 private:
  double interval_ = 0;   // microseconds between slots; 0 when unpaced
  double tolerance_ = 0;  // (burst - 1) intervals: how far ahead of the schedule a request may run
  double tat_ = 0;        // theoretical arrival time of the next request
};

}  // namespace tocsin

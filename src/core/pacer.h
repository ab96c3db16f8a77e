// Pacer: spaces events to at most `per_second` on average with bursts of up to `burst` (core/gcra.h on the
// steady clock). Used to pace hand-overs to a relay.
//
// Contract: reserve(now) books the next slot and returns the instant the caller may proceed (<= now when it
// may go at once); acquire() books and sleeps until then. per_second <= 0 means unpaced: every slot is now.
// Thread-safe; callers are served in the order they reserve.
#pragma once

#include <chrono>
#include <mutex>

#include "core/gcra.h"

namespace tocsin {

class Pacer {
 public:
  using Clock = std::chrono::steady_clock;

  explicit Pacer(double per_second, double burst = 1);

  Clock::time_point reserve(Clock::time_point now);
  void acquire();

 private:
  std::mutex mu_;
  Gcra gcra_;  // microseconds since the steady clock's epoch
};

}  // namespace tocsin

// Pacer: spaces events to at most `per_second` on average with bursts of up to `burst` (a token bucket in
// its GCRA form: one "theoretical arrival time" instead of a token count). Used to pace hand-overs to a
// relay.
//
// Contract: reserve(now) books the next slot and returns the instant the caller may proceed (<= now when it
// may go at once); acquire() books and sleeps until then. per_second <= 0 means unpaced: every slot is now.
// Thread-safe; callers are served in the order they reserve.
#pragma once

#include <chrono>
#include <mutex>

namespace tocsin {

class Pacer {
 public:
  using Clock = std::chrono::steady_clock;

  explicit Pacer(double per_second, double burst = 1);

  Clock::time_point reserve(Clock::time_point now);
  void acquire();

 private:
  std::mutex mu_;
  Clock::duration interval_{};   // zero when unpaced
  Clock::duration tolerance_{};  // (burst - 1) intervals: how far ahead of the schedule a caller may run
  Clock::time_point tat_{};      // theoretical arrival time of the next event
};

}  // namespace tocsin

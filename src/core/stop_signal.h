#pragma once
// A stop request that a background loop sleeps on. A loop that paused with sleep_for() kept shutdown waiting
// for the rest of its period (a second, for the serving refresher); wait_for() returns at once on stop().

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace tocsin {

class StopSignal {
 public:
  // Wakes every waiter; later waits return at once until reset().
  void stop() {
    {
      std::lock_guard lock(mu_);
      stopped_ = true;
    }
    cv_.notify_all();
  }

  void reset() {
    std::lock_guard lock(mu_);
    stopped_ = false;
  }

  bool stopped() const {
    std::lock_guard lock(mu_);
    return stopped_;
  }

  // Sleeps for up to `period`; true when the loop should go on, false once stop() was called.
  template <class Rep, class Period>
  bool wait_for(std::chrono::duration<Rep, Period> period) {
    std::unique_lock lock(mu_);
    return !cv_.wait_for(lock, period, [this] { return stopped_; });
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopped_ = false;
};

}  // namespace tocsin

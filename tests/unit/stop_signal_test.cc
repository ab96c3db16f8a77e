// core/stop_signal: a waiting loop wakes on stop() rather than at the end of its period. A wait that did not
// wake would hold the test for an hour and fail by ctest's timeout, not by a timing assertion.
#include "core/stop_signal.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>

namespace tocsin {
namespace {

TEST(StopSignal, AWaitEndsWithTrueWhileNotStopped) {
  StopSignal s;
  EXPECT_TRUE(s.wait_for(std::chrono::milliseconds(1)));
  EXPECT_FALSE(s.stopped());
}

TEST(StopSignal, StopWakesAWaiterBeforeItsPeriod) {
  StopSignal s;
  std::promise<void> waiting;
  auto waiter = std::async(std::launch::async, [&] {
    waiting.set_value();
    return s.wait_for(std::chrono::hours(1));
  });
  waiting.get_future().wait();
  s.stop();
  EXPECT_FALSE(waiter.get());
}

TEST(StopSignal, WaitsAfterStopReturnAtOnceUntilReset) {
  StopSignal s;
  s.stop();
  EXPECT_TRUE(s.stopped());
  EXPECT_FALSE(s.wait_for(std::chrono::hours(1)));
  s.reset();
  EXPECT_TRUE(s.wait_for(std::chrono::milliseconds(1)));
}

}  // namespace
}  // namespace tocsin

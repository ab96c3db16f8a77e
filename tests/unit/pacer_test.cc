// core/pacer: the schedule it books, checked against explicit instants (no sleeping, no timing).
#include "core/pacer.h"

#include <gtest/gtest.h>

namespace tocsin {
namespace {

using std::chrono::milliseconds;

TEST(Pacer, SpacesEventsEvenlyAtTheRate) {
  Pacer p(10);  // one per 100 ms
  Pacer::Clock::time_point t0{std::chrono::hours(1)};
  EXPECT_EQ(p.reserve(t0), t0);
  EXPECT_EQ(p.reserve(t0), t0 + milliseconds(100));
  EXPECT_EQ(p.reserve(t0 + milliseconds(10)), t0 + milliseconds(200));
  // a caller arriving after its slot goes at once, and the schedule restarts from it
  EXPECT_EQ(p.reserve(t0 + milliseconds(950)), t0 + milliseconds(950));
  EXPECT_EQ(p.reserve(t0 + milliseconds(950)), t0 + milliseconds(1050));
}

TEST(Pacer, BurstLetsThatManyGoAtOnceThenPaces) {
  Pacer p(10, 3);
  Pacer::Clock::time_point t0{std::chrono::hours(1)};
  EXPECT_EQ(p.reserve(t0), t0);
  EXPECT_EQ(p.reserve(t0), t0);
  EXPECT_EQ(p.reserve(t0), t0);
  EXPECT_EQ(p.reserve(t0), t0 + milliseconds(100));
  // idle long enough to refill: a full burst again
  Pacer::Clock::time_point t1 = t0 + std::chrono::seconds(5);
  EXPECT_EQ(p.reserve(t1), t1);
  EXPECT_EQ(p.reserve(t1), t1);
  EXPECT_EQ(p.reserve(t1), t1);
  EXPECT_GT(p.reserve(t1), t1);
}

TEST(Pacer, ZeroRateIsUnpaced) {
  Pacer p(0);
  Pacer::Clock::time_point t0{std::chrono::hours(1)};
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(p.reserve(t0), t0);
}

}  // namespace
}  // namespace tocsin

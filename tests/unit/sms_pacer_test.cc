// sms::Pacer with an injectable clock: the count in a window at 10 and 100 MPS (within 2 % over 10 s),
// bursts, daily caps per UTC day, refunds, holds, and concurrent acquirers sharing one schedule.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "sms/pacer.h"

namespace tocsin::sms {
namespace {

constexpr Micros kSecond = 1'000'000;
constexpr Micros kDay = 86'400 * kSecond;
constexpr Micros kStart = 20'000 * kDay + 3600 * kSecond;  // 01:00 UTC on some day

// A clock that acquire() advances by sleeping: the pacer's waits become simulated time.
struct SimClock {
  std::mutex mu;
  Micros now = kStart;
  Micros read() {
    std::lock_guard l(mu);
    return now;
  }
  void sleep(Micros d) {
    std::lock_guard l(mu);
    now += d;
  }
};

// Texts a sender gets through in `window` when it acquires as fast as it can.
int count_in_window(double mps, Micros window) {
  SimClock clock;
  Pacer p([&] { return clock.read(); }, [&](Micros d) { clock.sleep(d); });
  p.configure("+12025550100", SenderLimits{mps, 0, 1});
  int n = 0;
  while (true) {
    auto g = p.acquire("+12025550100");
    EXPECT_EQ(g.kind, Pacer::Grant::Kind::kGo);
    if (g.at >= kStart + window) break;
    EXPECT_GE(clock.read(), g.at);  // acquire returned no earlier than its slot
    ++n;
  }
  return n;
}

TEST(PacerTest, TenPerSecondOverTenSecondsIsWithinTwoPercent) {
  int n = count_in_window(10, 10 * kSecond);
  EXPECT_GE(n, 98);
  EXPECT_LE(n, 102);
}

TEST(PacerTest, HundredPerSecondOverTenSecondsIsWithinTwoPercent) {
  int n = count_in_window(100, 10 * kSecond);
  EXPECT_GE(n, 980);
  EXPECT_LE(n, 1020);
}

TEST(PacerTest, FractionalRatesDoNotDrift) {
  // 3 MPS has a non-integral interval (333333.3 us); rounding each slot must not accumulate.
  int n = count_in_window(3, 100 * kSecond);
  EXPECT_GE(n, 299);
  EXPECT_LE(n, 301);
}

TEST(PacerTest, SlotsAreSpacedByTheInterval) {
  Micros now = kStart;
  Pacer p([&] { return now; });
  p.configure("s", SenderLimits{4, 0, 1});
  EXPECT_EQ(p.reserve("s").at, kStart);
  EXPECT_EQ(p.reserve("s").at, kStart + 250'000);
  EXPECT_EQ(p.reserve("s").at, kStart + 500'000);
  now = kStart + 10 * kSecond;  // idle: no debt carried, no burst banked beyond burst = 1
  EXPECT_EQ(p.reserve("s").at, now);
  EXPECT_EQ(p.reserve("s").at, now + 250'000);
}

TEST(PacerTest, BurstAllowsThatManySlotsAtOnceAfterIdle) {
  Micros now = kStart;
  Pacer p([&] { return now; });
  p.configure("s", SenderLimits{10, 0, 3});
  EXPECT_EQ(p.reserve("s").at, kStart);
  EXPECT_EQ(p.reserve("s").at, kStart);
  EXPECT_EQ(p.reserve("s").at, kStart);
  EXPECT_EQ(p.reserve("s").at, kStart + 100'000);
}

TEST(PacerTest, UnknownSenderIsNotPaced) {
  Pacer p([] { return kStart; });
  EXPECT_EQ(p.reserve("nobody").kind, Pacer::Grant::Kind::kUnknownSender);
}

TEST(PacerTest, DailyCapCountsPerUtcDayAndResetsAtMidnight) {
  Micros now = kStart;
  Pacer p([&] { return now; });
  p.configure("s", SenderLimits{1000, 3, 1});
  for (int i = 0; i < 3; ++i) EXPECT_EQ(p.reserve("s").kind, Pacer::Grant::Kind::kGo);
  auto g = p.reserve("s");
  EXPECT_EQ(g.kind, Pacer::Grant::Kind::kDailyCap);
  EXPECT_EQ(g.at, kStart - 3600 * kSecond + kDay);  // next UTC midnight
  EXPECT_EQ(p.sent_today("s"), 3);
  now = g.at;
  EXPECT_EQ(p.reserve("s").kind, Pacer::Grant::Kind::kGo);
  EXPECT_EQ(p.sent_today("s"), 1);
}

TEST(PacerTest, RefundGivesTheDailyCountBack) {
  Micros now = kStart;
  Pacer p([&] { return now; });
  p.configure("s", SenderLimits{1000, 1, 1});
  auto g = p.reserve("s");
  EXPECT_EQ(p.reserve("s").kind, Pacer::Grant::Kind::kDailyCap);
  p.refund("s", g.at);
  EXPECT_EQ(p.reserve("s").kind, Pacer::Grant::Kind::kGo);
}

TEST(PacerTest, HoldDelaysTheNextSlot) {
  Micros now = kStart;
  Pacer p([&] { return now; });
  p.configure("s", SenderLimits{10, 0, 2});
  p.hold("s", kStart + 5 * kSecond);
  EXPECT_EQ(p.reserve("s").at, kStart + 5 * kSecond);
  EXPECT_EQ(p.reserve("s").at, kStart + 5 * kSecond + 100'000);
}

TEST(PacerTest, ConcurrentReservationsShareOneSchedule) {
  Pacer p([] { return kStart; });
  p.configure("s", SenderLimits{100, 0, 1});
  std::vector<Micros> slots(800);
  std::atomic<int> next{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      for (int i = next++; i < 800; i = next++) slots[i] = p.reserve("s").at;
    });
  for (auto& t : threads) t.join();
  std::sort(slots.begin(), slots.end());
  for (size_t i = 0; i < slots.size(); ++i) EXPECT_EQ(slots[i], kStart + static_cast<Micros>(i) * 10'000);
}

}  // namespace
}  // namespace tocsin::sms

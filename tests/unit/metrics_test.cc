// core/metrics.h (cells, families, the bound on label sets, what the text serializer writes),
// app/http_routes.h (the route pattern of a path), app/progress.h (the status line), and the recording
// points: the gate's verdicts, the pacer's backlog, an opt-out in the ledger.
#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>

#include <atomic>
#include <cmath>
#include <thread>
#include <vector>

#include "app/http_routes.h"
#include "app/progress.h"
#include "core/metrics.h"
#include "sms/pacer.h"

namespace tocsin {
namespace {

TEST(Metrics, CountsFromManyThreadsAddUpInOneCellPerLabelSet) {
  metrics::Family<metrics::Counter> f("test_things_total", "things", {"kind"});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) f.at({i % 2 ? "odd" : "even"}).inc();
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(f.at({"odd"}).value(), 20000u);
  EXPECT_EQ(f.at({"even"}).value(), 20000u);
  EXPECT_EQ(&f.at({"odd"}), &f.at({"odd"}));
  auto family = f.collect();
  ASSERT_EQ(family.metric.size(), 2u);
  EXPECT_EQ(family.metric[0].label[0].name, "kind");
}

TEST(Metrics, HistogramBucketsAreCumulativeWithInfinityLast) {
  metrics::Family<metrics::Histogram> f("test_seconds", "latency", {}, {0.1, 1});
  for (double v : {0.05, 0.1, 0.5, 2.0, 3.0}) f.at({}).observe(v);
  auto family = f.collect();
  ASSERT_EQ(family.metric.size(), 1u);
  const auto& h = family.metric[0].histogram;
  ASSERT_EQ(h.bucket.size(), 3u);
  EXPECT_EQ(h.bucket[0].cumulative_count, 2u);  // 0.05 and 0.1 (le is inclusive)
  EXPECT_EQ(h.bucket[1].cumulative_count, 3u);
  EXPECT_EQ(h.bucket[2].cumulative_count, 5u);
  EXPECT_TRUE(std::isinf(h.bucket[2].upper_bound));
  EXPECT_EQ(h.sample_count, 5u);
  EXPECT_DOUBLE_EQ(h.sample_sum, 5.65);
  std::string text = prometheus::TextSerializer().Serialize({family});
  EXPECT_NE(text.find("test_seconds_bucket{le=\"+Inf\"} 5"), std::string::npos) << text;
  EXPECT_NE(text.find("test_seconds_count 5"), std::string::npos) << text;
}

TEST(Metrics, ALabelSetPastTheBoundIsCountedAsOther) {
  metrics::Family<metrics::Counter> f("test_bounded_total", "bounded", {"a", "b"});
  for (size_t i = 0; i < metrics::kMaxCells + 10; ++i) f.at({std::to_string(i), "x"}).inc();
  EXPECT_EQ(f.collect().metric.size(), metrics::kMaxCells + 1);
  EXPECT_EQ(f.at({"other", "other"}).value(), 10u);
  EXPECT_EQ(f.at({"0", "x"}).value(), 1u);  // the first ones keep their own
}

TEST(HttpRoutes, APathIsLabelledByItsPatternNeverByItsIds) {
  EXPECT_EQ(app::route_pattern("/api/v2/people/0190a1b2-aaaa?page=2"), "/api/v2/people/{id}");
  EXPECT_EQ(app::route_pattern("/api/v2/people/"), "/api/v2/people");
  EXPECT_EQ(app::route_pattern("/api/v2/messages/m1/send"), "/api/v2/messages/{id}/send");
  EXPECT_EQ(app::route_pattern("/api/v2/messages/m1"), "/api/v2/messages/{id}");
  EXPECT_EQ(app::route_pattern("/api/v2/petitions/p1/signatures"), "/api/v2/petitions/{id}/signatures");
  EXPECT_EQ(app::route_pattern("/api/v2/people/x/signatures/y"), "/api/v2/people/{id}/signatures/{id}");
  EXPECT_EQ(app::route_pattern("/api/v2/event_campaigns/c/events/e/attendances"),
            "/api/v2/event_campaigns/{id}/events/{id}/attendances");
  EXPECT_EQ(app::route_pattern("/unsubscribe/SECRETTOKEN"), "/unsubscribe/{token}");
  EXPECT_EQ(app::route_pattern("/embed/abc.js"), "/embed/{id}.js");
  EXPECT_EQ(app::route_pattern("/embed/abc/frame"), "/embed/{id}/frame");
  EXPECT_EQ(app::route_pattern("/o/acme/petitions/save-the-park/thanks"), "/o/{org}/{kind}/{page}/thanks");
  EXPECT_EQ(app::route_pattern("/admin/people/p1/verify"), "/admin/people/{id}/verify");
  EXPECT_EQ(app::route_pattern("/metrics"), "/metrics");
  EXPECT_EQ(app::route_pattern("/"), "/");
  // Anything else is one label, however many paths clients make up.
  EXPECT_EQ(app::route_pattern("/api/v2/no-such/x/y/z/w"), "other");
  EXPECT_EQ(app::route_pattern("/wp-login.php"), "other");
  EXPECT_EQ(app::route_pattern("/api/v2/people/p1/no-such"), "other");
}

TEST(Progress, TheLineShowsBarPercentageCountAndTimeLeft) {
  // Half done in 10 s: 10 s left.
  EXPECT_EQ(Progress::line("importing x.csv", "rows", 50, 100, -1, 10.0),
            "importing x.csv [############------------]  50%  50/100 rows  ETA 0:10");
  // Measured in bytes, counted in rows.
  EXPECT_EQ(Progress::line("importing", "rows", 1 << 20, 4 << 20, 25000, 90.0),
            "importing [######------------------]  25%  25,000 rows  ETA 4:30");
  EXPECT_EQ(Progress::line("x", "rows", 0, 10, -1, 1.0),
            "x [------------------------]   0%  0/10 rows  ETA ?");
  EXPECT_EQ(Progress::line("x", "rows", 10, 10, -1, 3700.0),
            "x [########################] 100%  10/10 rows  ETA 0:00");
  // No total: the count and the rate.
  EXPECT_EQ(Progress::line("sealing", "rows", 3000, 0, -1, 2.0), "sealing 3,000 rows  1,500 rows/s  2.0 s");
}

TEST(Progress, DrawsNothingOffATerminal) {
  testing::internal::CaptureStderr();
  {
    Progress p("x", "rows", false);
    p.update(5, 10);
    p.finish();
  }
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
}

TEST(Progress, OnATerminalTheLastDrawSaysWhereItEnded) {
  testing::internal::CaptureStderr();
  {
    Progress p("x", "rows", true);
    p.update(1, 4);
    p.update(4, 4);  // within 100 ms of the first draw: drawn by finish()
  }
  std::string err = testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("\r\033[Kx [######------------------]  25%"), std::string::npos) << err;
  EXPECT_NE(err.find("100%  4/4 rows  ETA 0:00\n"), std::string::npos) << err;
}

TEST(Metrics, ThePacerCountsTextsWaitingForTheirSlot) {
  Micros now = 1'000'000;
  std::atomic<int> seen_waiting{-1};
  auto& backlog = metrics::process().pacing_backlog.at({"+15550001111"});
  sms::Pacer pacer([&] { return now; },
                   [&](Micros d) {
                     seen_waiting = static_cast<int>(backlog.value());
                     now += d;
                   });
  pacer.configure("+15550001111", {1.0, 0, 1});
  pacer.acquire("+15550001111");  // the first slot is now: no wait
  EXPECT_EQ(seen_waiting.load(), -1);
  pacer.acquire("+15550001111");  // one second later: waits, counted while it does
  EXPECT_EQ(seen_waiting.load(), 1);
  EXPECT_EQ(backlog.value(), 0);
}

}  // namespace
}  // namespace tocsin

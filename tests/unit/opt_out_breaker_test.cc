// The SMS opt-out-rate breaker (messaging/opt_out_breaker.h): the meter's window and buckets, the verdict's
// threshold and minimum, and the pause a tripping opt-out writes (with its figures) into the sender, which
// the gate's view then carries.
#include <gtest/gtest.h>

#include "messaging/opt_out_breaker.h"
#include "people/directory.h"

namespace tocsin::messaging {
namespace {

constexpr Micros kMinute = int64_t{60} * 1'000'000;
constexpr Micros kHour = 60 * kMinute;
constexpr Micros kT0 = int64_t{1'760'000'000} * 1'000'000;
constexpr const char* kSender = "+12025550100";

OptOutBreakerSettings settings(double percent = 5.0, int64_t min_texts = 200) {
  return {percent, min_texts, 24 * kHour};
}

TEST(OptOutMeter, CountsPerOrganizationAndSenderWithinTheWindow) {
  OptOutMeter m;
  m.configure(settings());
  for (int i = 0; i < 10; ++i) m.record_text("org-1", kSender, kT0 + i * kMinute);
  m.record_text("org-1", "12345", kT0);
  m.record_text("org-2", kSender, kT0);
  m.record_opt_out("org-1", kSender, kT0 + 30 * kMinute);
  auto f = m.figures("org-1", kSender, kT0 + kHour);
  EXPECT_EQ(f.texts, 10);
  EXPECT_EQ(f.opt_outs, 1);
  EXPECT_EQ(m.figures("org-2", kSender, kT0 + kHour).texts, 1);
  EXPECT_EQ(m.figures("org-1", "12345", kT0 + kHour).opt_outs, 0);
  // A day later the first texts have left the window; the opt-out (30 minutes in) has not.
  f = m.figures("org-1", kSender, kT0 + 24 * kHour + 5 * kMinute);
  EXPECT_EQ(f.texts, 5);
  EXPECT_EQ(f.opt_outs, 1);
  // A restart (a lifted pause) drops everything up to its minute, once.
  m.restart("org-1", kSender, kT0 + 7 * kMinute + 1);
  f = m.figures("org-1", kSender, kT0 + kHour);
  EXPECT_EQ(f.texts, 2);
  EXPECT_EQ(f.opt_outs, 1);
  m.record_text("org-1", kSender, kT0 + 2 * kMinute);  // late: an older instant
  m.restart("org-1", kSender, kT0 + 7 * kMinute + 1);
  EXPECT_EQ(m.figures("org-1", kSender, kT0 + kHour).texts, 3) << "the same restart again changes nothing";
}

TEST(OptOutMeter, OldBucketsAreDroppedAsNewOnesCome) {
  OptOutMeter m;
  m.configure(settings());
  m.record_text("org-1", kSender, kT0);
  m.record_text("org-1", kSender, kT0 + 48 * kHour);
  EXPECT_EQ(m.figures("org-1", kSender, kT0 + 48 * kHour).texts, 1);
  EXPECT_EQ(m.figures("org-1", kSender, kT0).texts, 1) << "only the newer bucket is left";
}

TEST(OptOutBreaker, TripsOverThePercentageOnceTheMinimumWasHandedOver) {
  auto s = settings(5.0, 200);
  EXPECT_FALSE(opt_out_rate_exceeded(s, {50, 199})) << "under the minimum the rate does not count";
  EXPECT_FALSE(opt_out_rate_exceeded(s, {10, 200})) << "exactly 5 % is not over it";
  auto why = opt_out_rate_exceeded(s, {11, 200});
  ASSERT_TRUE(why);
  EXPECT_EQ(*why, "opt-out rate 5.5% (11 opt-outs of 200 texts handed over in the last 24 h) passed 5.0%");
  EXPECT_FALSE(opt_out_rate_exceeded(settings(0, 1), {100, 100})) << "0 % turns the breaker off";
}

TEST(OptOutBreaker, ATrippingOptOutPausesThatSendersBlastsOnly) {
  ContactHasher hasher(std::array<unsigned char, 32>{1});
  people::OrgState org(Org{"org-1", "Test", "US"}, hasher);
  store::WriteBatch batch;
  auto w = batch.for_org("org-1");
  for (const char* number : {kSender, "12345"}) {
    SmsSender s;
    s.number = number;
    s.type = policy::SenderType::kTenDlc;
    s.registered = true;
    org.messaging.put_sender(w, s);
  }
  OptOutMeter meter;
  meter.configure(settings(20.0, 5));
  for (int i = 0; i < 6; ++i) meter.record_text("org-1", kSender, kT0);
  EXPECT_FALSE(count_opt_out(meter, org, w, kSender, kT0 + kMinute)) << "1 of 6 is under 20 %";
  auto why = count_opt_out(meter, org, w, kSender, kT0 + 2 * kMinute);
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("2 opt-outs of 6 texts"), std::string::npos) << *why;
  const SmsSender& paused = org.messaging.senders().at(kSender);
  EXPECT_EQ(paused.blasts_paused_reason, *why);
  EXPECT_EQ(paused.blasts_paused_at, kT0 + 2 * kMinute);
  EXPECT_EQ(org.messaging.gate_view()->sms_senders.at(kSender).blasts_paused_reason, *why);
  EXPECT_TRUE(org.messaging.senders().at("12345").blasts_paused_reason.empty());
  // Already paused: a further opt-out keeps the first figures.
  EXPECT_FALSE(count_opt_out(meter, org, w, kSender, kT0 + 3 * kMinute));
  EXPECT_EQ(org.messaging.senders().at(kSender).blasts_paused_reason, *why);
}

TEST(OptOutBreaker, OptOutsBeforeTheSendersCountStartAreNotCounted) {
  ContactHasher hasher(std::array<unsigned char, 32>{1});
  people::OrgState org(Org{"org-1", "Test", "US"}, hasher);
  store::WriteBatch batch;
  auto w = batch.for_org("org-1");
  SmsSender s;
  s.number = kSender;
  s.opt_outs_counted_from = kT0 + kHour;  // `sender enable` lifted a pause then
  org.messaging.put_sender(w, s);
  OptOutMeter meter;
  meter.configure(settings(20.0, 5));
  for (int i = 0; i < 6; ++i) meter.record_text("org-1", kSender, kT0);
  for (int i = 0; i < 3; ++i) meter.record_opt_out("org-1", kSender, kT0 + kMinute);
  for (int i = 0; i < 5; ++i) meter.record_text("org-1", kSender, kT0 + 2 * kHour);
  EXPECT_FALSE(count_opt_out(meter, org, w, kSender, kT0 + 2 * kHour)) << "1 of 5 since the lift";
  EXPECT_TRUE(count_opt_out(meter, org, w, kSender, kT0 + 2 * kHour));
}

}  // namespace
}  // namespace tocsin::messaging

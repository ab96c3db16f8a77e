// The planner: an audience large enough to be planned on several threads gives the same plan as one thread
// would — every recipient in audience order with the gate's verdict and reason — and counts that add up.
#include "messaging/planner.h"

#include "messaging/settings.h"
#include "policy/sms_segments.h"

#include "policy_gate_fixture.h"

namespace tocsin::messaging {
namespace {

using S = store::DeliveryState;

class PlannerTest : public policy::testing::GateTest {
 protected:
  PlannerTest() {
    audience_.org_id = "org-1";
    audience_.brand = "Tocsin Action";
    audience_.hasher = &hasher_;
    message_.id = "m1";
    message_.from_address = "team@news.example.org";
  }

  // Recipient i: no address when i % 7 == 0, unsubscribed when i % 5 == 0, else subscribed.
  void make_audience(size_t n) {
    for (size_t i = 0; i < n; ++i) {
      std::string address = "p" + std::to_string(i) + "@example.net";
      std::optional<std::string> email;
      if (i % 7 != 0) {
        email = address;
        recipient(Channel::kEmail, address,
                  i % 5 == 0 ? consent::Status::kUnsubscribed : consent::Status::kSubscribed);
      }
      audience_.add("person-" + std::to_string(i), email, std::nullopt, {});
    }
  }

  Audience audience_;
  Message message_;
};

TEST_F(PlannerTest, AParallelPlanKeepsAudienceOrderAndEveryVerdict) {
  constexpr size_t kN = 45'000;  // over two threads' worth
  make_audience(kN);
  Plan plan = plan_message(audience_, message_, gate_, now_, true);
  ASSERT_EQ(plan.entries.size(), kN);
  int64_t none = 0, unsubscribed = 0, sendable = 0;
  for (size_t i = 0; i < kN; ++i) {
    auto e = plan.entries[i];
    ASSERT_EQ(e.person_id, "person-" + std::to_string(i));
    if (i % 7 == 0) {
      ASSERT_EQ(e.state, S::kSuppressed) << i;
      ASSERT_EQ(e.reason, kNoEmailAddress) << i;
      ++none;
    } else if (i % 5 == 0) {
      ASSERT_EQ(e.state, S::kSuppressed) << i;
      ASSERT_EQ(e.reason, "not_subscribed") << i;
      ++unsubscribed;
    } else {
      ASSERT_EQ(e.state, S::kQueued) << i;
      ASSERT_EQ(e.reason, "") << i;
      ASSERT_EQ(e.next_at, now_) << i;
      ++sendable;
    }
  }
  const auto& s = plan.summary;
  EXPECT_EQ(s.targeted, static_cast<int64_t>(kN));
  EXPECT_EQ(s.sendable, sendable);
  EXPECT_EQ(s.deferred, 0);
  EXPECT_EQ(s.excluded.at(std::string(kNoEmailAddress)), none);
  EXPECT_EQ(s.excluded.at("not_subscribed"), unsubscribed);
  EXPECT_EQ(s.excluded.size(), 2u);
  EXPECT_TRUE(s.blocked_reason.empty());
}

TEST_F(PlannerTest, APreflightCountsWithoutKeepingEntries) {
  make_audience(100);
  Plan plan = plan_message(audience_, message_, gate_, now_, false);
  EXPECT_TRUE(plan.entries.empty());
  EXPECT_EQ(plan.summary.targeted, 100);
  EXPECT_EQ(plan.summary.sendable + plan.summary.excluded.at("not_subscribed") +
                plan.summary.excluded.at(std::string(kNoEmailAddress)),
            100);
}

TEST_F(PlannerTest, AMessageLevelRefusalIsTheFirstRecipientsAndSaysWhy) {
  message_.from_address = "team@unverified.example";
  make_audience(45'000);
  Plan plan = plan_message(audience_, message_, gate_, now_, true);
  EXPECT_EQ(plan.summary.blocked_reason, "sender_domain_unverified");
  EXPECT_EQ(plan.entries[1].state, S::kBlocked);
  EXPECT_EQ(plan.entries[1].reason, "sender_domain_unverified");
  EXPECT_EQ(plan.summary.sendable, 0);
}

// Texts: 130 characters as written fit one segment; with the brand in front and the opt-out line of a first
// text they are 168 and go as two.
class SmsPlannerTest : public PlannerTest {
 protected:
  SmsPlannerTest() {
    message_.channel = Channel::kSms;
    message_.sms_sender = "+12025550100";
    message_.body = std::string(130, 'a');
  }
  void make_texters(size_t n) {
    for (size_t i = 0; i < n; ++i) {
      std::string phone = "+1212555" + std::to_string(1000 + i);
      recipient(Channel::kSms, phone, consent::Status::kSubscribed);
      audience_.add("person-" + std::to_string(i), phone, std::nullopt, {});
    }
  }
};

TEST_F(SmsPlannerTest, SegmentsAreCountedOnTheTextAsSent) {
  make_texters(3);
  Plan plan = plan_message(audience_, message_, gate_, now_, false);
  ASSERT_EQ(policy::count_segments(message_.body).segments, 1);
  std::string sent = render_sms(message_.body, audience_.brand, true, {});
  ASSERT_EQ(sent.size(), 168u);
  EXPECT_EQ(plan.summary.sms_segments, 2);
  EXPECT_EQ(plan.summary.sms_encoding, "GSM-7");
  EXPECT_EQ(plan.summary.sendable, 3);
}

TEST_F(SmsPlannerTest, AMergeValueThatNeedsUcs2MakesThePreflightSayUcs2) {
  message_.body = "Hi {{given_name}}, rally at noon.";
  make_texters(2);
  recipient(Channel::kSms, "+12125559999", consent::Status::kSubscribed);
  audience_.add("person-c", std::string("+12125559999"), std::nullopt,
                MergeValues{{{"given_name", "François"}}});
  Plan plan = plan_message(audience_, message_, gate_, now_, false);
  EXPECT_EQ(plan.summary.sms_encoding, "UCS-2");
  EXPECT_EQ(plan.summary.sms_segments, 1);
}

TEST_F(SmsPlannerTest, ATextOverTheSegmentLimitRefusesTheMessageNotEachRecipient) {
  edit_settings([](policy::OrgMessaging& m) { m.max_segments = 1; });
  make_texters(3);
  Plan plan = plan_message(audience_, message_, gate_, now_, true);
  EXPECT_EQ(plan.summary.blocked_reason, "too_many_segments");
  EXPECT_NE(plan.summary.blocked_sentence.find("It needs 2 segments; the limit is 1."), std::string::npos)
      << plan.summary.blocked_sentence;
  EXPECT_EQ(plan.summary.sendable, 0);
  EXPECT_EQ(plan.summary.sms_segments, 2);
}

TEST(SenderDailyCap, OnlyWhatTheCapLeavesTodayGoesNowTheRestWaitsForTheNextDays) {
  constexpr Micros kDay = int64_t{86'400} * 1'000'000;
  Micros now = 20'000 * kDay + 18 * kDay / 24;  // 18:00 UTC
  PlanSummary sum;
  sum.sendable = 25;
  sum.deferred = 1;
  sum.waiting["quiet_hours"] = 1;
  apply_sender_daily_cap(sum, 10, 4, now);
  EXPECT_EQ(sum.sendable, 6);
  EXPECT_EQ(sum.deferred, 20);
  EXPECT_EQ(sum.waiting.at(std::string(kSenderDailyCap)), 19);
  EXPECT_EQ(sum.deferred_until_latest, 20'002 * kDay);  // 10 tomorrow, the last 9 the day after

  PlanSummary spent;
  spent.sendable = 5;
  apply_sender_daily_cap(spent, 3, 3, now);
  EXPECT_EQ(spent.sendable, 0);
  EXPECT_EQ(spent.deferred_until_latest, 20'002 * kDay);

  PlanSummary fits;
  fits.sendable = 5;
  apply_sender_daily_cap(fits, 10, 5, now);
  EXPECT_EQ(fits.sendable, 5);
  EXPECT_EQ(fits.deferred, 0);
  EXPECT_TRUE(fits.waiting.empty());
}

// The send endpoint's 422 and the preflight's `blocked` are the plan's blocked sentence: a suspension's
// reason, set by `tocsin org suspend --reason` in the organization's settings, reaches it.
TEST_F(PlannerTest, ASuspendedOrganizationsRefusalNamesTheReason) {
  Settings org;
  org.suspended = true;
  org.suspended_reason = "AUP review: purchased list";
  settings_.put("org-1", to_policy(org, {}, {}));
  make_audience(10);
  Plan plan = plan_message(audience_, message_, gate_, now_, false);
  EXPECT_EQ(plan.summary.blocked_reason, "org_suspended");
  EXPECT_NE(plan.summary.blocked_sentence.find("AUP review: purchased list"), std::string::npos)
      << plan.summary.blocked_sentence;
}

TEST(Audience, KeepsEachPersonsFieldsApart) {
  Audience a;
  a.add("id-1", std::string("a@example.org"), std::string("02108"), {});
  a.add("id-2", std::nullopt, std::nullopt, {});
  a.add("", std::string(""), std::nullopt, MergeValues{{{"given_name", "Ann"}}});
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a.person_id(0), "id-1");
  EXPECT_EQ(a.address(0), "a@example.org");
  EXPECT_EQ(a.zip(0), "02108");
  EXPECT_EQ(a.address(1), std::nullopt);
  EXPECT_EQ(a.zip(1), std::nullopt);
  EXPECT_TRUE(a.values(1).fields.empty());
  EXPECT_EQ(a.person_id(2), "");
  EXPECT_EQ(a.address(2), "");  // present but empty is not absent
  EXPECT_EQ(a.values(2).fields.at("given_name"), "Ann");
}

}  // namespace
}  // namespace tocsin::messaging

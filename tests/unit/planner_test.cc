// The planner: an audience large enough to be planned on several threads gives the same plan as one thread
// would — every recipient in audience order with the gate's verdict and reason — and counts that add up.
#include "messaging/planner.h"

#include "messaging/settings.h"

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

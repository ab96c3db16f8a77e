// The in-memory fact sources behind the gate: suppressions, the send log, org settings and the consent
// projection.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "policy/consent_projection.h"
#include "policy/org_settings.h"
#include "policy/send_log.h"
#include "policy/suppression_list.h"

namespace tocsin::policy {
namespace {

constexpr Micros kHour = int64_t{3600} * 1'000'000;

ContactHash hash_of(unsigned char b) {
  ContactHash h{};
  h.fill(b);
  return h;
}

TEST(SuppressionList, ScopesInOrderPlatformErasedOrg) {
  SuppressionList s;
  ContactHash a = hash_of(1);
  EXPECT_FALSE(s.find("org-1", a));
  s.add_org("org-1", a, 10);
  EXPECT_EQ(s.find("org-1", a)->scope, SuppressionScope::kOrg);
  EXPECT_FALSE(s.find("org-2", a)) << "an opt-out belongs to one organization";
  s.add_erased(a, 20);
  EXPECT_EQ(s.find("org-1", a)->scope, SuppressionScope::kErased);
  EXPECT_EQ(s.find("org-2", a)->scope, SuppressionScope::kErased) << "erasure stubs apply everywhere";
  s.add_platform(a, 30);
  EXPECT_EQ(s.find("org-2", a)->scope, SuppressionScope::kPlatform);
  EXPECT_EQ(s.find("org-2", a)->since, 30);
}

TEST(SuppressionList, RepeatedOptOutKeepsTheFirstTimeAndResubscribeLiftsIt) {
  SuppressionList s;
  ContactHash a = hash_of(2);
  s.add_org("org-1", a, 100);
  s.add_org("org-1", a, 200);
  EXPECT_EQ(s.find("org-1", a)->since, 100);
  s.remove_org("org-1", a);
  EXPECT_FALSE(s.find("org-1", a));
}

TEST(SuppressionList, ConfirmationIsClaimedOncePerOptOut) {
  SuppressionList s;
  ContactHash a = hash_of(3);
  EXPECT_FALSE(s.claim_confirmation("org-1", a)) << "no opt-out, nothing to confirm";
  s.add_org("org-1", a, 100);
  EXPECT_FALSE(s.confirmation_claimed("org-1", a));
  EXPECT_TRUE(s.claim_confirmation("org-1", a));
  EXPECT_TRUE(s.confirmation_claimed("org-1", a));
  EXPECT_FALSE(s.claim_confirmation("org-1", a));
  // A new opt-out after re-subscribing earns a new confirmation.
  s.remove_org("org-1", a);
  s.add_org("org-1", a, 500);
  EXPECT_TRUE(s.claim_confirmation("org-1", a));
}

TEST(SuppressionList, ConcurrentClaimsYieldExactlyOne) {
  SuppressionList s;
  ContactHash a = hash_of(4);
  s.add_org("org-1", a, 1);
  std::atomic<int> wins{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&] {
      for (int k = 0; k < 100; ++k) wins += s.claim_confirmation("org-1", a);
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(wins.load(), 1);
}

TEST(SendLog, RollingWindowCap) {
  SendLog log;
  ContactHash a = hash_of(5);
  FrequencyCap cap{3, 24 * kHour};
  EXPECT_FALSE(log.ever_sent("org-1", Channel::kSms, a));
  EXPECT_EQ(log.try_record("org-1", Channel::kSms, a, cap, 1 * kHour), std::nullopt);
  EXPECT_EQ(log.try_record("org-1", Channel::kSms, a, cap, 2 * kHour), std::nullopt);
  EXPECT_EQ(log.try_record("org-1", Channel::kSms, a, cap, 3 * kHour), std::nullopt);
  EXPECT_TRUE(log.ever_sent("org-1", Channel::kSms, a));
  // The 4th waits until the first leaves the window; nothing is recorded meanwhile.
  EXPECT_EQ(log.try_record("org-1", Channel::kSms, a, cap, 4 * kHour), 25 * kHour);
  EXPECT_EQ(log.would_exceed("org-1", Channel::kSms, a, cap, 25 * kHour - 1), 25 * kHour);
  EXPECT_EQ(log.would_exceed("org-1", Channel::kSms, a, cap, 25 * kHour), std::nullopt);
  EXPECT_EQ(log.try_record("org-1", Channel::kSms, a, cap, 25 * kHour), std::nullopt);
  EXPECT_EQ(log.try_record("org-1", Channel::kSms, a, cap, 25 * kHour + 1), 26 * kHour);
}

TEST(SendLog, KeysAreSeparateAndNoCapMeansNoLimit) {
  SendLog log;
  ContactHash a = hash_of(6), b = hash_of(7);
  FrequencyCap one{1, 24 * kHour};
  EXPECT_EQ(log.try_record("org-1", Channel::kSms, a, one, 10), std::nullopt);
  EXPECT_NE(log.try_record("org-1", Channel::kSms, a, one, 11), std::nullopt);
  EXPECT_EQ(log.try_record("org-1", Channel::kEmail, a, one, 11), std::nullopt);
  EXPECT_EQ(log.try_record("org-2", Channel::kSms, a, one, 11), std::nullopt);
  EXPECT_EQ(log.try_record("org-1", Channel::kSms, b, one, 11), std::nullopt);
  for (int i = 0; i < 50; ++i)
    EXPECT_EQ(log.try_record("org-1", Channel::kSms, b, FrequencyCap{}, 20 + i), std::nullopt);
}

TEST(SendLog, ConcurrentDispatchersCannotShareTheLastSlot) {
  SendLog log;
  ContactHash a = hash_of(8);
  FrequencyCap cap{3, 24 * kHour};
  std::atomic<int> recorded{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&, i] {
      for (int k = 0; k < 50; ++k)
        recorded += !log.try_record("org-1", Channel::kSms, a, cap, 1000 + i * 50 + k);
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(recorded.load(), 3);
}

TEST(OrgSettings, PublishAndSuspend) {
  OrgSettings s;
  EXPECT_EQ(s.messaging("org-1"), nullptr);
  OrgMessaging m;
  m.brand_name = "Tocsin";
  s.put("org-1", m);
  auto before = s.messaging("org-1");
  s.set_suspended("org-1", true);
  EXPECT_FALSE(before->suspended) << "a published view never changes";
  EXPECT_TRUE(s.messaging("org-1")->suspended);
  EXPECT_EQ(s.messaging("org-1")->brand_name, "Tocsin");
}

TEST(ProjectionConsent, ReadsTheOrgStateProjection) {
  ContactHasher hasher(std::array<unsigned char, 32>{9});
  people::OrgState org(Org{"org-1", "Test", "US"}, hasher);
  ContactHash a = hasher.hash(Channel::kSms, "+12125551234");
  org.status[a] = consent::Status::kSubscribed;
  ProjectionConsent consent([&](const std::string& id) { return id == "org-1" ? &org : nullptr; });
  EXPECT_EQ(consent.status("org-1", a), consent::Status::kSubscribed);
  EXPECT_EQ(consent.status("org-1", hasher.hash(Channel::kSms, "+12125559999")), consent::Status::kNone);
  EXPECT_EQ(consent.status("org-2", a), consent::Status::kNone);
  org.status[a] = consent::Status::kUnsubscribed;
  EXPECT_EQ(consent.status("org-1", a), consent::Status::kUnsubscribed);
}

}  // namespace
}  // namespace tocsin::policy

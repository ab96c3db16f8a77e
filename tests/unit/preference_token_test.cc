// Preference tokens (/my/{token}): round trip, binding to the contact point, expiry, purpose, tampering,
// key rotation.
#include "email/preference_token.h"

#include <gtest/gtest.h>

#include "core/ids.h"
#include "email/unsubscribe_token.h"

namespace tocsin::email {
namespace {

constexpr Micros kNow = int64_t{1'800'000'000} * 1'000'000;

PreferenceClaim claim(Channel c = Channel::kEmail) {
  return {new_uuid(), new_uuid(), c, kNow + kPreferenceLinkLifetime};
}

PreferenceTokens::AddressOf holding(std::string address) {
  return [address](const PreferenceClaim&) { return std::optional<std::string>(address); };
}

TEST(PreferenceToken, RoundTripsInAShortUrlSafeToken) {
  PreferenceTokens tokens({TokenKey::generate(1)});
  auto c = claim();
  auto t = tokens.issue(c, "Ada@Example.org");
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->size(), 75u);
  EXPECT_EQ(t->find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
  EXPECT_EQ(t->find("ada"), std::string::npos);
  // The address is compared in its canonical form: a case variant is the same mailbox.
  auto back = tokens.verify(*t, kNow, holding("ada@example.org"));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->org_id, c.org_id);
  EXPECT_EQ(back->person_id, c.person_id);
  EXPECT_EQ(back->channel, Channel::kEmail);
  EXPECT_EQ(back->expires, c.expires);
}

TEST(PreferenceToken, IsBoundToTheContactPointItWasSentTo) {
  PreferenceTokens tokens({TokenKey::generate(1)});
  auto t = tokens.issue(claim(Channel::kSms), "+12025550100").value();
  EXPECT_TRUE(tokens.verify(t, kNow, holding("+12025550100")).ok());
  // The person's number changed since: the link no longer opens their page.
  auto other = tokens.verify(t, kNow, holding("+12025550199"));
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().http_status, 404);
  EXPECT_FALSE(tokens.verify(t, kNow, [](const PreferenceClaim&) { return std::nullopt; }).ok());
}

TEST(PreferenceToken, ExpiresAndIsRefusedAlike) {
  PreferenceTokens tokens({TokenKey::generate(1)});
  auto c = claim();
  auto t = tokens.issue(c, "a@example.org").value();
  EXPECT_TRUE(tokens.verify(t, c.expires - 1'000'000, holding("a@example.org")).ok());
  auto late = tokens.verify(t, c.expires, holding("a@example.org"));
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().http_status, 404);
}

TEST(PreferenceToken, EveryFlippedCharacterIsRejected) {
  PreferenceTokens tokens({TokenKey::generate(3)});
  auto t = tokens.issue(claim(), "a@example.org").value();
  for (size_t i = 0; i < t.size(); ++i) {
    std::string bad = t;
    bad[i] = bad[i] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(tokens.verify(bad, kNow, holding("a@example.org")).ok()) << i;
  }
  EXPECT_FALSE(tokens.verify(t.substr(0, 74), kNow, holding("a@example.org")).ok());
  EXPECT_FALSE(tokens.verify(t + "A", kNow, holding("a@example.org")).ok());
  EXPECT_FALSE(tokens.verify("", kNow, holding("a@example.org")).ok());
}

TEST(PreferenceToken, OtherPurposesNeverOpenThePageAndKeysRotate) {
  auto k1 = TokenKey::generate(1);
  auto k2 = TokenKey::generate(2);
  UnsubscribeTokens unsubscribe({k1});
  PreferenceTokens old_ring({k1});
  PreferenceTokens ring({k1, k2});
  auto u = unsubscribe.issue({new_uuid(), new_uuid(), new_uuid()}).value();
  EXPECT_FALSE(ring.verify(u, kNow, holding("a@example.org")).ok());
  auto c = claim();
  auto before = old_ring.issue(c, "a@example.org").value();
  EXPECT_TRUE(ring.verify(before, kNow, holding("a@example.org")).ok());  // key 1 still live
  k1.retired = true;
  PreferenceTokens retired({k1, k2});
  EXPECT_FALSE(retired.verify(before, kNow, holding("a@example.org")).ok());
  EXPECT_FALSE(ring.issue({"not-a-uuid", new_uuid(), Channel::kEmail, 0}, "a@example.org").ok());
  EXPECT_EQ(preference_url("https://x.org/", "T"), "https://x.org/my/T");
}

}  // namespace
}  // namespace tocsin::email

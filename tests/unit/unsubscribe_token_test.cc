// Unsubscribe tokens: round trip, forgery and tamper resistance, key rotation.
#include "email/unsubscribe_token.h"

#include <gtest/gtest.h>

#include <set>

#include "core/ids.h"

namespace tocsin::email {
namespace {

UnsubscribeClaim claim() {
  return {new_uuid(), new_uuid(), new_uuid()};
}

TEST(UnsubscribeToken, RoundTripsTheClaimInAUrlSafeToken) {
  UnsubscribeTokens tokens({TokenKey::generate(1)});
  auto c = claim();
  auto t = tokens.issue(c);
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->size(), 90u);
  EXPECT_EQ(t->find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
  auto back = tokens.verify(*t);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->org_id, c.org_id);
  EXPECT_EQ(back->person_id, c.person_id);
  EXPECT_EQ(back->message_id, c.message_id);
}

TEST(UnsubscribeToken, DifferentRecipientsGetDifferentTokens) {
  UnsubscribeTokens tokens({TokenKey::generate(1)});
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) seen.insert(tokens.issue(claim()).value());
  EXPECT_EQ(seen.size(), 200u);
}

TEST(UnsubscribeToken, EveryFlippedCharacterIsRejected) {
  UnsubscribeTokens tokens({TokenKey::generate(7)});
  std::string t = tokens.issue(claim()).value();
  for (size_t i = 0; i < t.size(); ++i) {
    std::string bad = t;
    bad[i] = bad[i] == 'A' ? 'B' : 'A';
    auto r = tokens.verify(bad);
    EXPECT_FALSE(r.ok()) << "position " << i;
    if (!r.ok()) {
      EXPECT_EQ(r.error().http_status, 404);
    }
  }
}

TEST(UnsubscribeToken, TruncatedExtendedAndGarbageTokensAreRejected) {
  UnsubscribeTokens tokens({TokenKey::generate(1)});
  std::string t = tokens.issue(claim()).value();
  EXPECT_FALSE(tokens.verify(t.substr(0, t.size() - 1)).ok());
  EXPECT_FALSE(tokens.verify(t + "A").ok());
  EXPECT_FALSE(tokens.verify("").ok());
  EXPECT_FALSE(tokens.verify("not a token at all!").ok());
  EXPECT_FALSE(tokens.verify(std::string(4096, 'A')).ok());
}

TEST(UnsubscribeToken, ATokenFromAnotherInstallationsKeyIsRejected) {
  UnsubscribeTokens ours({TokenKey::generate(1)}), theirs({TokenKey::generate(1)});
  EXPECT_FALSE(ours.verify(theirs.issue(claim()).value()).ok());
}

TEST(UnsubscribeToken, RotationNewestKeySignsOlderKeysStillVerifyUntilRetired) {
  TokenKey k1 = TokenKey::generate(1), k2 = TokenKey::generate(2);
  UnsubscribeTokens before({k1});
  std::string old_link = before.issue(claim()).value();

  UnsubscribeTokens rotated({k1, k2});
  std::string new_link = rotated.issue(claim()).value();
  EXPECT_TRUE(rotated.verify(old_link).ok()) << "mail already sent keeps working after rotation";
  EXPECT_TRUE(rotated.verify(new_link).ok());
  EXPECT_FALSE(before.verify(new_link).ok()) << "the new link is signed with the new key";

  k1.retired = true;
  UnsubscribeTokens retired({k1, k2});
  EXPECT_FALSE(retired.verify(old_link).ok());
  EXPECT_TRUE(retired.verify(new_link).ok());
}

TEST(UnsubscribeToken, IssuingNeedsALiveKeyAndUuidIds) {
  TokenKey k = TokenKey::generate(1);
  k.retired = true;
  EXPECT_FALSE(UnsubscribeTokens({k}).issue(claim()).ok());
  UnsubscribeTokens tokens({TokenKey::generate(1)});
  auto c = claim();
  c.person_id = "not-a-uuid";
  EXPECT_FALSE(tokens.issue(c).ok());
}

TEST(UnsubscribeToken, CopiesKeepWorking) {
  UnsubscribeTokens original({TokenKey::generate(3), TokenKey::generate(4)});
  UnsubscribeTokens copy = original;
  std::string t = copy.issue(claim()).value();
  EXPECT_TRUE(original.verify(t).ok());
}

TEST(UnsubscribeToken, APurposeNeverVerifiesForAnother) {
  auto key = TokenKey::generate(3);
  UnsubscribeTokens unsubscribe({key});
  UnsubscribeTokens confirm({key}, LinkPurpose::kResubscribeConfirmation);
  auto c = claim();
  auto u = unsubscribe.issue(c).value();
  auto r = confirm.issue(c).value();
  EXPECT_NE(u, r);
  EXPECT_TRUE(confirm.verify(r).ok());
  EXPECT_FALSE(confirm.verify(u).ok()) << "an unsubscribe link must not confirm a re-subscription";
  EXPECT_FALSE(unsubscribe.verify(r).ok());
}

}  // namespace
}  // namespace tocsin::email

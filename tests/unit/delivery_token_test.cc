// Delivery tokens and the addresses built from them: VERP bounce address, unsubscribe mailto and URL,
// X-Tocsin-Delivery, Message-ID (email/delivery_token.h, email/bounce_address.h, email/unsubscribe_links.h).
#include "email/delivery_token.h"

#include <gtest/gtest.h>

#include <set>

#include "core/ids.h"
#include "core/text.h"
#include "email/bounce_address.h"
#include "email/unsubscribe_links.h"

namespace tocsin::email {
namespace {

DeliveryRef ref(int64_t seq = 7) {
  return {new_uuid(), seq};
}

TEST(Base32, RoundTripsEveryLengthAndMatchesRfc4648Vectors) {
  // RFC 4648 §10 test vectors, lower-cased and without padding.
  const std::pair<std::string, std::string> vectors[] = {{"", ""},
                                                         {"f", "my"},
                                                         {"fo", "mzxq"},
                                                         {"foo", "mzxw6"},
                                                         {"foob", "mzxw6yq"},
                                                         {"fooba", "mzxw6ytb"},
                                                         {"foobar", "mzxw6ytboi"}};
  for (const auto& [plain, enc] : vectors) {
    EXPECT_EQ(base32_encode(reinterpret_cast<const unsigned char*>(plain.data()), plain.size()), enc);
    std::vector<unsigned char> out;
    ASSERT_TRUE(base32_decode(enc, out)) << enc;
    EXPECT_EQ(std::string(out.begin(), out.end()), plain);
    std::string upper = enc;
    for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    ASSERT_TRUE(base32_decode(upper, out)) << "base32 is case-insensitive";
  }
  std::vector<unsigned char> out;
  EXPECT_FALSE(base32_decode("mzxw1", out)) << "1 is not in the alphabet";
  EXPECT_FALSE(base32_decode("m", out)) << "no encoder produces 1 character";
  EXPECT_FALSE(base32_decode("mz", out)) << "leftover bits must be zero";
}

TEST(DeliveryToken, RoundTripsAndFitsALocalPart) {
  DeliveryTokens tokens({TokenKey::generate(1)});
  auto r = ref(4'000'000'000);
  auto t = tokens.issue(TokenPurpose::kBounce, r);
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->size(), 50u);
  EXPECT_EQ(t->find_first_not_of("abcdefghijklmnopqrstuvwxyz234567"), std::string::npos);
  EXPECT_LE(std::string("unsubscribe+").size() + t->size(), 64u) << "RFC 5321 local-part limit";
  auto back = tokens.verify(TokenPurpose::kBounce, *t);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back.value(), r);
  // MTAs may fold the case of local parts.
  EXPECT_TRUE(tokens
                  .verify(TokenPurpose::kBounce,
                          [&] {
                            std::string u = *t;
                            for (auto& c : u)
                              c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
                            return u;
                          }())
                  .ok());
}

TEST(DeliveryToken, PurposesDoNotCross) {
  DeliveryTokens tokens({TokenKey::generate(1)});
  auto r = ref();
  auto bounce = tokens.issue(TokenPurpose::kBounce, r).value();
  auto unsub = tokens.issue(TokenPurpose::kUnsubscribe, r).value();
  EXPECT_NE(bounce, unsub);
  EXPECT_EQ(tokens.verify(TokenPurpose::kUnsubscribe, bounce).error().http_status, 404);
  EXPECT_EQ(tokens.verify(TokenPurpose::kBounce, unsub).error().http_status, 404);
}

TEST(DeliveryToken, EveryAlteredCharacterIsRejected) {
  DeliveryTokens tokens({TokenKey::generate(3)});
  auto t = tokens.issue(TokenPurpose::kBounce, ref()).value();
  for (size_t i = 0; i < t.size(); ++i) {
    std::string bad = t;
    bad[i] = bad[i] == 'a' ? 'b' : 'a';
    EXPECT_FALSE(tokens.verify(TokenPurpose::kBounce, bad).ok()) << "position " << i;
  }
  EXPECT_FALSE(tokens.verify(TokenPurpose::kBounce, t.substr(0, 48)).ok());
  EXPECT_FALSE(tokens.verify(TokenPurpose::kBounce, "").ok());
  DeliveryTokens other({TokenKey::generate(3)});
  EXPECT_FALSE(other.verify(TokenPurpose::kBounce, t).ok()) << "another installation's key";
}

TEST(DeliveryToken, RotationKeepsOldTokensUntilTheKeyIsRetired) {
  auto k1 = TokenKey::generate(1), k2 = TokenKey::generate(2);
  auto r = ref();
  auto old_token = DeliveryTokens({k1}).issue(TokenPurpose::kBounce, r).value();
  DeliveryTokens rotated({k1, k2});
  EXPECT_TRUE(rotated.verify(TokenPurpose::kBounce, old_token).ok());
  EXPECT_NE(rotated.issue(TokenPurpose::kBounce, r).value(), old_token) << "the newest key signs";
  k1.retired = true;
  EXPECT_FALSE(DeliveryTokens({k1, k2}).verify(TokenPurpose::kBounce, old_token).ok());
}

TEST(DeliveryToken, RefusesWhatItCannotEncode) {
  DeliveryTokens tokens({TokenKey::generate(1)});
  EXPECT_EQ(tokens.issue(TokenPurpose::kBounce, {"not-a-uuid", 1}).error().http_status, 400);
  EXPECT_EQ(tokens.issue(TokenPurpose::kBounce, {new_uuid(), -1}).error().http_status, 400);
  EXPECT_EQ(tokens.issue(TokenPurpose::kBounce, {new_uuid(), int64_t{1} << 32}).error().http_status, 400);
  auto retired = TokenKey::generate(1);
  retired.retired = true;
  EXPECT_FALSE(DeliveryTokens({retired}).issue(TokenPurpose::kBounce, ref()).ok());
}

TEST(BounceAddress, IsFoundBackInEveryShapeReportsUse) {
  DeliveryTokens tokens({TokenKey::generate(1)});
  auto r = ref(12);
  auto addr = bounce_address(tokens, "mail.example.org", r).value();
  EXPECT_EQ(addr.rfind("bounce+", 0), 0u);
  EXPECT_EQ(addr.substr(addr.size() - 17), "@mail.example.org");
  auto header = delivery_header_value(tokens, r).value();
  auto msgid = delivery_message_id(tokens, "mail.example.org", r).value();
  EXPECT_EQ(msgid.find_first_of("<> "), std::string::npos) << "the builder adds the brackets";
  for (const std::string& shape :
       {addr, "<" + msgid + ">", "<" + addr + ">", "rfc822; " + addr,
        "\"Bounces\" <" + lower_ascii(addr) + ">", header, msgid, "<" + addr + ">, other@example.net"}) {
    auto found = parse_delivery_reference(tokens, shape);
    ASSERT_TRUE(found) << shape;
    EXPECT_EQ(found->purpose, TokenPurpose::kBounce);
    EXPECT_EQ(found->ref, r);
  }
  EXPECT_FALSE(parse_delivery_reference(tokens, "someone@example.net"));
  EXPECT_FALSE(parse_delivery_reference(tokens, ""));
  std::string forged = addr;
  forged[10] = forged[10] == 'a' ? 'b' : 'a';
  EXPECT_FALSE(parse_delivery_reference(tokens, forged));
}

TEST(UnsubscribeLinks, MailtoAndUrl) {
  DeliveryTokens tokens({TokenKey::generate(1)});
  auto r = ref(3);
  auto mailto = unsubscribe_mailto(tokens, "mail.example.org", r).value();
  EXPECT_EQ(mailto.rfind("mailto:unsubscribe+", 0), 0u);
  EXPECT_NE(mailto.find("@mail.example.org?subject=unsubscribe"), std::string::npos);
  auto found = parse_delivery_reference(tokens, mailto);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->purpose, TokenPurpose::kUnsubscribe);
  EXPECT_EQ(found->ref, r);
  // The local part alone, as Postfix hands it over (recipient delimiter kept).
  auto local = mailto.substr(7, mailto.find('?') - 7);
  EXPECT_EQ(parse_delivery_reference(tokens, local)->purpose, TokenPurpose::kUnsubscribe);

  auto url = unsubscribe_url("https://act.example.org/", "TOKEN");
  EXPECT_EQ(url, "https://act.example.org/unsubscribe/TOKEN");
}

}  // namespace
}  // namespace tocsin::email

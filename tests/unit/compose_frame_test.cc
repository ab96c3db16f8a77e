// messaging/compose.h ComposeFrame: a blast's messages made from its frame are byte for byte those
// compose_email (GMime per message) makes for the same input, signature included; recipients whose rendered
// bodies are the same share one body and one DKIM body hash, and every message still verifies on its own
// (dkimpy on the raw bytes, libopendkim) with its own recipient's headers.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "dkim_verifiers.h"
#include "email/delivery_token.h"
#include "email/dkim_key.h"
#include "email/dkim_signer.h"
#include "email/preference_token.h"
#include "email/token_keys.h"
#include "email/unsubscribe_token.h"
#include "messaging/compose.h"

namespace tocsin::messaging {
namespace {

constexpr Micros kNow = 1'790'000'000'000'000;
const std::string kMessage = "6f1c2a3b-1111-4222-8333-944455556666";
const std::string kOrg = "0a1b2c3d-1111-4222-8333-944455556666";

std::string person(int i) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "7e000000-0000-4000-8000-%012d", i);
  return buf;
}

MailContent content(bool tracking) {
  MailContent c;
  c.subject = "Rally on Saturday \xe2\x80\x94 bring a friend";
  c.body_html =
      "<p>Join us on <b>Saturday</b> at the town hall.</p><p><a "
      "href=\"https://example.org/rsvp\">RSVP</a></p>";
  c.from_address = "team@example.org";
  c.from_name = "Campaign Team";
  c.reply_to = "replies@example.org";
  c.wrapper_header = "<div>";
  c.wrapper_footer = "</div>";
  c.postal_address = "1 Main St, Springfield, IL 62701";
  c.tracking = tracking;
  return c;
}

MergeValues values(const std::string& given) {
  MergeValues v;
  v.fields["given_name"] = given;
  return v;
}

class ComposeFrameTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    key_ = new email::DkimKeyPair(email::generate_dkim_rsa_key().value());
    signer_ = new email::DkimSigner(email::DkimSigner::make("example.org", "s1", key_->private_pem).value());
  }
  static void TearDownTestSuite() {
    delete signer_;
    delete key_;
  }
  static email::DkimKeyPair* key_;
  static email::DkimSigner* signer_;

  email::UnsubscribeTokens tokens_{{email::TokenKey::generate(1)}};
  email::DeliveryTokens delivery_{{email::TokenKey::generate(2)}};
  email::PreferenceTokens preferences_{{email::TokenKey::generate(3)}};
  MailLinks with_tokens() {
    return {&tokens_, &delivery_, "https://act.example.org", "mail.example.org", &preferences_};
  }
  MailLinks without_tokens() {
    return {nullptr, nullptr, "https://act.example.org", "mail.example.org", nullptr};
  }
};
email::DkimKeyPair* ComposeFrameTest::key_ = nullptr;
email::DkimSigner* ComposeFrameTest::signer_ = nullptr;

// The frame's output against compose_email's, byte for byte: real token keys (per-recipient links in the
// body and headers), tracking on and off, a merge field in the subject and body (ASCII and not), signed.
TEST_F(ComposeFrameTest, SameBytesAsComposeEmail) {
  MailLinks links = with_tokens();
  for (bool tracking : {false, true}) {
    MailContent c = content(tracking);
    c.subject = "Hello {{given_name}}{{^given_name}}friend{{/given_name}}";
    c.body_html = "<p>Dear {{given_name}},</p>" + c.body_html;
    ComposeFrame frame(links, c, signer_, kMessage);
    EXPECT_FALSE(frame.bodies_may_repeat());
    int i = 0;
    for (std::string name : {"Ada", "", "Jos\xc3\xa9", "Bob", "Ada"}) {
      std::string to = "p" + std::to_string(i) + "@example.net";
      auto want = compose_email(links, c, signer_, kOrg, person(i), to, {kMessage, i}, values(name), kNow);
      auto got = frame.compose(kOrg, person(i), to, {kMessage, i}, values(name), kNow);
      ASSERT_TRUE(want.ok() && got.ok());
      EXPECT_EQ(got->data, want->data) << "recipient " << i << " tracking " << tracking;
      EXPECT_EQ(got->envelope_from, want->envelope_from);
      ++i;
    }
    EXPECT_EQ(frame.counts().bodies_shared, 0u);
  }
}

// Recipients whose bodies are the same (no per-recipient link, no merge field in the body) share one body
// and one bh=; each message is still signed over its own headers and verifies on its own.
TEST_F(ComposeFrameTest, SharedBodyEveryMessageVerifiesWithItsOwnHeaders) {
  MailLinks links = without_tokens();
  MailContent c = content(false);
  c.subject = "Hello {{given_name}}";  // varies per recipient: a header, not the body
  ComposeFrame frame(links, c, signer_, kMessage);
  ASSERT_TRUE(frame.bodies_may_repeat());
  std::vector<std::string> raw;
  std::set<std::string> body_hashes, signatures, tos;
  const int n = 40;
  for (int i = 0; i < n; ++i) {
    std::string to = "p" + std::to_string(i) + "@example.net";
    auto got = frame.compose(kOrg, person(i), to, {kMessage, i}, values("P" + std::to_string(i)), kNow);
    ASSERT_TRUE(got.ok());
    const std::string& m = got->data;
    EXPECT_NE(m.find("\r\nTo: " + to + "\r\n"), std::string::npos);
    EXPECT_NE(m.find("\r\nSubject: Hello P" + std::to_string(i) + "\r\n"), std::string::npos);
    EXPECT_NE(m.find("X-Tocsin-Delivery: " + kMessage + ":" + std::to_string(i) + "\r\n"), std::string::npos);
    EXPECT_NE(m.find("Message-Id: <" + kMessage + "." + std::to_string(i) + "@mail.example.org>"),
              std::string::npos);
    // And the same bytes GMime's path gives.
    EXPECT_EQ(m, compose_email(links, c, signer_, kOrg, person(i), to, {kMessage, i},
                               values("P" + std::to_string(i)), kNow)
                     ->data);
    size_t bh = m.find("bh="), b = m.find("b=", bh + 3);
    body_hashes.insert(m.substr(bh, m.find(';', bh) - bh));
    signatures.insert(m.substr(b, m.find("\r\n\r\n") - b));
    tos.insert(to);
    raw.push_back(m);
  }
  EXPECT_EQ(frame.counts().bodies_made, 1u);
  EXPECT_EQ(frame.counts().bodies_shared, static_cast<uint64_t>(n - 1));
  EXPECT_EQ(body_hashes.size(), 1u);
  EXPECT_EQ(signatures.size(), static_cast<size_t>(n));
  std::string txt = email::dkim_txt_record(*key_);
  auto verdicts = email::independent_verify_all(raw, "s1", "example.org", txt);
  ASSERT_EQ(verdicts.size(), raw.size());
  for (int i = 0; i < n; ++i) {
    EXPECT_EQ(verdicts[i], "pass") << "message " << i;
    EXPECT_EQ(email::opendkim_verify(raw[i], txt), "pass") << "message " << i;
  }
  // A message whose To was swapped for another recipient's fails: the signature is per recipient.
  std::string swapped = raw[0];
  swapped.replace(swapped.find("To: p0@"), 7, "To: p1@");
  EXPECT_EQ(email::opendkim_verify(swapped, txt), "fail");
}

// Merge fields in the body: one body per distinct rendering, the cache bounded.
TEST_F(ComposeFrameTest, BodiesAreSharedPerDistinctRendering) {
  MailLinks links = without_tokens();
  MailContent c = content(false);
  c.body_html = "<p>Dear {{given_name}},</p>" + c.body_html;
  ComposeFrame frame(links, c, signer_, kMessage);
  for (int i = 0; i < 30; ++i) {
    std::string to = "p" + std::to_string(i) + "@example.net";
    ASSERT_TRUE(frame.compose(kOrg, person(i), to, {kMessage, i}, values(i % 3 ? "Ada" : "Bob"), kNow).ok());
  }
  EXPECT_EQ(frame.counts().bodies_made, 2u);
  EXPECT_EQ(frame.counts().bodies_shared, 28u);
  // 100 distinct names: more than the cache holds, every body made once and correct.
  for (int i = 0; i < 100; ++i) {
    std::string to = "q" + std::to_string(i) + "@example.net";
    auto got = frame.compose(kOrg, person(i), to, {kMessage, i}, values("N" + std::to_string(i)), kNow);
    ASSERT_TRUE(got.ok());
    EXPECT_NE(got->data.find("Dear N" + std::to_string(i) + ","), std::string::npos);
  }
  EXPECT_EQ(frame.counts().bodies_made, 102u);
}

// With token keys (every real server) each body carries the recipient's own unsubscribe link: the body hash
// is per recipient, and the cache is not consulted.
TEST_F(ComposeFrameTest, WithTokensEachBodyIsTheRecipientsOwn) {
  MailLinks links = with_tokens();
  ComposeFrame frame(links, content(false), signer_, kMessage);
  std::set<std::string> body_hashes;
  for (int i = 0; i < 5; ++i) {
    std::string to = "p" + std::to_string(i) + "@example.net";
    auto got = frame.compose(kOrg, person(i), to, {kMessage, i}, values("Ada"), kNow);
    ASSERT_TRUE(got.ok());
    size_t bh = got->data.find("bh=");
    body_hashes.insert(got->data.substr(bh, got->data.find(';', bh) - bh));
  }
  EXPECT_EQ(body_hashes.size(), 5u);
  EXPECT_EQ(frame.counts().bodies_made, 5u);
  EXPECT_EQ(frame.counts().bodies_shared, 0u);
}

}  // namespace
}  // namespace tocsin::messaging

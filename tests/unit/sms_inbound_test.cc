// Gateway callbacks to tocsin: Kannel MO and DLR (shared secret), Twilio inbound and StatusCallback
// (X-Twilio-Signature). Good input parses to the exact values; bad input is a clear 400/403, never a crash.
#include <gtest/gtest.h>

#include "sms/kannel_inbound.h"
#include "sms/twilio_inbound.h"

namespace tocsin::sms {
namespace {

constexpr const char* kSecret = "kannel-shared-secret";

FormParams mo(std::string query) {
  return parse_form(query);
}

TEST(FormTest, DecodesPlusAndPercentAndKeepsOrder) {
  FormParams p = parse_form("a=1&text=Stop+please%21&empty=&flag&a=2&&x=%zz");
  ASSERT_EQ(p.size(), 6u);
  EXPECT_EQ(*form_value(p, "text"), "Stop please!");
  EXPECT_EQ(*form_value(p, "a"), "1");  // first value wins
  EXPECT_EQ(*form_value(p, "empty"), "");
  EXPECT_EQ(*form_value(p, "flag"), "");
  EXPECT_EQ(*form_value(p, "x"), "%zz");
  EXPECT_EQ(form_value(p, "missing"), nullptr);
}

// The query smsbox 1.4.5 sends for an MO through kannel_get_url (captured from a real run).
TEST(KannelMoTest, ParsesWhatSmsboxSends) {
  auto t = parse_kannel_mo(
      mo("secret=kannel-shared-secret&from=%2B12125550123&to=%2B12025550100&text=Stop+please&charset=UTF-8"
         "&coding=0&smsc=fake&id=474c3524-6191-4abe-a03b-0118f266b99c&ts=1795501513"),
      kSecret);
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->from, "+12125550123");
  EXPECT_EQ(t->to, "+12025550100");
  EXPECT_EQ(t->text, "Stop please");
  EXPECT_EQ(t->gateway_message_id, "474c3524-6191-4abe-a03b-0118f266b99c");
  EXPECT_EQ(t->received_at, int64_t{1795501513} * 1'000'000);
}

TEST(KannelMoTest, ConvertsUcs2AndLatin1ToUtf8) {
  // "Пр" in UTF-16BE, as smsbox hands it over without mo-recode.
  auto ucs2 = parse_kannel_mo(
      mo("secret=kannel-shared-secret&from=1&to=2&text=%04%1F%04%40&charset=UTF-16BE"), kSecret);
  ASSERT_TRUE(ucs2) << ucs2.error().message;
  EXPECT_EQ(ucs2->text, "Пр");
  auto latin =
      parse_kannel_mo(mo("secret=kannel-shared-secret&from=1&to=2&text=ARR%CAT&charset=ISO-8859-1"), kSecret);
  ASSERT_TRUE(latin);
  EXPECT_EQ(latin->text, "ARRÊT");
  auto gsm = parse_kannel_mo(mo("secret=kannel-shared-secret&from=1&to=2&text=%C3%A9&charset=gsm"), kSecret);
  ASSERT_TRUE(gsm);
  EXPECT_EQ(gsm->text, "é");
}

TEST(KannelMoTest, BadInputIsAClearError) {
  struct Case {
    const char* query;
    int status;
    const char* message;
  } cases[] = {
      {"from=1&to=2&text=STOP", 403, "missing or wrong callback secret"},
      {"secret=wrong&from=1&to=2&text=STOP", 403, "missing or wrong callback secret"},
      {"secret=kannel-shared-secret&to=2&text=STOP", 400, "the callback has no 'from'"},
      {"secret=kannel-shared-secret&from=1&text=STOP", 400, "the callback has no 'to'"},
      {"secret=kannel-shared-secret&from=1&to=2&text=%FF%FE", 400, "the text is not valid UTF-8"},
      {"secret=kannel-shared-secret&from=1&to=2&text=%D8%00&charset=UTF-16BE", 400,
       "the text is not valid UTF-16BE"},
      {"secret=kannel-shared-secret&from=1&to=2&text=x&charset=EBCDIC-NOPE", 400,
       "unsupported charset: EBCDIC-NOPE"},
      {"secret=kannel-shared-secret&from=1&to=2&text=x&ts=yesterday", 400,
       "'ts' is not a unix time: yesterday"},
  };
  for (const auto& c : cases) {
    auto r = parse_kannel_mo(mo(c.query), kSecret);
    ASSERT_FALSE(r) << c.query;
    EXPECT_EQ(r.error().http_status, c.status) << c.query;
    EXPECT_EQ(r.error().message, c.message) << c.query;
  }
  // An unconfigured secret accepts nothing, not even an empty one.
  EXPECT_FALSE(parse_kannel_mo(mo("secret=&from=1&to=2&text=STOP"), ""));
}

TEST(KannelDlrTest, EachTypeMapsToAStatus) {
  struct Case {
    const char* type;
    ReceiptStatus status;
    bool final;
  } cases[] = {{"1", ReceiptStatus::kDelivered, true},
               {"2", ReceiptStatus::kUndelivered, true},
               {"4", ReceiptStatus::kBuffered, false},
               {"8", ReceiptStatus::kGatewayAccepted, false},
               {"16", ReceiptStatus::kGatewayRejected, true}};
  for (const auto& c : cases) {
    auto r = parse_kannel_dlr(mo(std::string("delivery=d-1&secret=kannel-shared-secret&type=") + c.type +
                                 "&answer=ACK%2F&ts=1795501511"),
                              kSecret);
    ASSERT_TRUE(r) << c.type;
    EXPECT_EQ(r->delivery_id, "d-1");
    EXPECT_EQ(r->status, c.status);
    EXPECT_EQ(receipt_is_final(r->status), c.final);
    EXPECT_EQ(r->detail, "ACK/");
    EXPECT_EQ(r->reported_at, int64_t{1795501511} * 1'000'000);
  }
}

TEST(KannelDlrTest, BadInputIsAClearError) {
  auto no_id = parse_kannel_dlr(mo("secret=kannel-shared-secret&type=1"), kSecret);
  ASSERT_FALSE(no_id);
  EXPECT_EQ(no_id.error().message, "the callback has no 'delivery'");
  auto bad_type = parse_kannel_dlr(mo("secret=kannel-shared-secret&delivery=d&type=3"), kSecret);
  ASSERT_FALSE(bad_type);
  EXPECT_EQ(bad_type.error().message, "unknown DLR type: 3");
  auto unescaped = parse_kannel_dlr(mo("secret=kannel-shared-secret&delivery=d&type=%d"), kSecret);
  EXPECT_FALSE(unescaped);
  EXPECT_EQ(parse_kannel_dlr(mo("delivery=d&type=1"), kSecret).error().http_status, 403);
}

TEST(KannelGetUrlTest, NamesTheFieldsTheParserReads) {
  EXPECT_EQ(kannel_get_url("http://127.0.0.1:8080/sms/kannel/mo", "a b&c"),
            "http://127.0.0.1:8080/sms/kannel/mo?secret=a%20b%26c&from=%p&to=%P&text=%b&charset=%C&coding=%c"
            "&smsc=%i&id=%I&ts=%T");
}

// Webhooks signed with the helper (its known-answer test against Twilio's example is
// twilio_signature_test.cc).
constexpr const char* kToken = "12345";

TwilioWebhook signed_hook(std::string url, FormParams params) {
  TwilioWebhook h{std::move(url), std::move(params), ""};
  h.signature = twilio_signature(kToken, h.url, h.params);
  return h;
}

TEST(TwilioInboundTest, ParsesASignedInboundMessage) {
  auto h = signed_hook("https://tocsin.example/sms/twilio/inbound", {{"From", "+12125550123"},
                                                                     {"To", "+12025550100"},
                                                                     {"Body", "STOP"},
                                                                     {"MessageSid", "SM1"},
                                                                     {"AccountSid", "AC1"},
                                                                     {"NumMedia", "0"}});
  auto t = parse_twilio_inbound(h, kToken);
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->from, "+12125550123");
  EXPECT_EQ(t->to, "+12025550100");
  EXPECT_EQ(t->text, "STOP");
  EXPECT_EQ(t->gateway_message_id, "SM1");
}

TEST(TwilioInboundTest, RejectsBadSignaturesBeforeReading) {
  auto h = signed_hook(
      "https://tocsin.example/sms/twilio/inbound",
      {{"From", "+12125550123"}, {"To", "+12025550100"}, {"Body", "START"}, {"MessageSid", "SM1"}});
  TwilioWebhook tampered = h;
  tampered.params[2].second = "STOP";
  auto r = parse_twilio_inbound(tampered, kToken);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().http_status, 403);
  EXPECT_EQ(r.error().message, "X-Twilio-Signature does not match");
  TwilioWebhook other_url = h;
  other_url.url = "https://tocsin.example/sms/twilio/inbound?x=1";
  EXPECT_EQ(parse_twilio_inbound(other_url, kToken).error().http_status, 403);
  TwilioWebhook unsigned_hook = h;
  unsigned_hook.signature.clear();
  EXPECT_EQ(parse_twilio_inbound(unsigned_hook, kToken).error().message, "missing X-Twilio-Signature");
  EXPECT_EQ(parse_twilio_inbound(h, "another-token").error().http_status, 403);
}

TEST(TwilioInboundTest, MissingFieldsAndBadEncodingAre400) {
  auto no_from =
      parse_twilio_inbound(signed_hook("https://t/in", {{"To", "+1"}, {"MessageSid", "SM1"}}), kToken);
  ASSERT_FALSE(no_from);
  EXPECT_EQ(no_from.error().http_status, 400);
  EXPECT_EQ(no_from.error().message, "the webhook has no 'From'");
  auto bad_utf8 = parse_twilio_inbound(
      signed_hook("https://t/in",
                  {{"From", "+1"}, {"To", "+2"}, {"MessageSid", "SM1"}, {"Body", "\xC3\x28"}}),
      kToken);
  ASSERT_FALSE(bad_utf8);
  EXPECT_EQ(bad_utf8.error().message, "'Body' is not valid UTF-8");
  auto empty_body = parse_twilio_inbound(
      signed_hook("https://t/in", {{"From", "+1"}, {"To", "+2"}, {"MessageSid", "SM1"}}), kToken);
  EXPECT_FALSE(empty_body);  // Twilio always sends Body, even empty; its absence is malformed
}

TEST(TwilioStatusTest, ParsesStatusAndDeliveryIdFromTheCallbackUrl) {
  auto h = signed_hook("https://tocsin.example/sms/twilio/status?delivery=del%2042",
                       {{"MessageSid", "SM9"}, {"MessageStatus", "undelivered"}, {"ErrorCode", "30003"}});
  auto r = parse_twilio_status(h, kToken);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->delivery_id, "del 42");
  EXPECT_EQ(r->gateway_message_id, "SM9");
  EXPECT_EQ(r->status, ReceiptStatus::kUndelivered);
  EXPECT_EQ(r->detail, "error 30003");
  auto sent = parse_twilio_status(
      signed_hook("https://t/s?delivery=d", {{"MessageSid", "SM9"}, {"MessageStatus", "sent"}}), kToken);
  ASSERT_TRUE(sent);
  EXPECT_EQ(sent->status, ReceiptStatus::kGatewayAccepted);
  EXPECT_EQ(sent->detail, "");
}

TEST(TwilioStatusTest, BadInputIsAClearError) {
  auto unknown = parse_twilio_status(
      signed_hook("https://t/s?delivery=d", {{"MessageSid", "SM9"}, {"MessageStatus", "teleported"}}),
      kToken);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().message, "unknown MessageStatus: teleported");
  auto no_delivery = parse_twilio_status(
      signed_hook("https://t/s", {{"MessageSid", "SM9"}, {"MessageStatus", "sent"}}), kToken);
  ASSERT_FALSE(no_delivery);
  EXPECT_EQ(no_delivery.error().message, "the status callback URL has no 'delivery'");
}

}  // namespace
}  // namespace tocsin::sms

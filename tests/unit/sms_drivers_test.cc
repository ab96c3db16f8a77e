// The SMS drivers without a network: the exact request each builds for a cleared text, how each maps its
// gateway's answers to outcomes, and the outbox file. (The same drivers against real Kannel and a Twilio
// stand-in: tests/integration/test_sms_gateways.py.)
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <thread>

#include <simdjson.h>

#include "policy_gate_fixture.h"
#include "sms/inbound.h"
#include "sms/kannel_driver.h"
#include "sms/outbox_lines.h"
#include "sms/twilio_driver.h"

namespace tocsin::sms {
namespace {

using Outcome = SmsHandover::Outcome;

class SmsDriverTest : public policy::testing::GateTest {
 protected:
  policy::ClearedSms cleared(const std::string& body) {
    policy::OutboundSms m;
    m.org_id = "org-1";
    m.to = recipient(Channel::kSms, "+12125551234", consent::Status::kSubscribed);
    m.sender = "+12025550100";
    m.body = body;
    auto d = gate_.dispatch(m);
    EXPECT_TRUE(d.cleared) << d.decision.sentence;
    return std::move(*d.cleared);
  }
  static std::string query_of(const std::string& url) { return url.substr(url.find('?') + 1); }
};

TEST_F(SmsDriverTest, KannelRequestCarriesTheTextTheDlrUrlAndCredentials) {
  KannelDriver k(KannelConfig{"http://127.0.0.1:13013/cgi-bin/sendsms", "tocsin", "p&ss w0rd",
                              "http://127.0.0.1:8080/sms/kannel/dlr", "s3cr=t", 27, "", 1000});
  auto c = cleared("Tocsin Action: vote Tuesday & bring a friend. Reply STOP to opt out.");
  std::string url = k.request_url(c.message(), "del-42");
  ASSERT_EQ(url.rfind("http://127.0.0.1:13013/cgi-bin/sendsms?", 0), 0u);
  FormParams q = parse_form(query_of(url));
  EXPECT_EQ(*form_value(q, "username"), "tocsin");
  EXPECT_EQ(*form_value(q, "password"), "p&ss w0rd");
  EXPECT_EQ(*form_value(q, "from"), "+12025550100");
  EXPECT_EQ(*form_value(q, "to"), "+12125551234");
  EXPECT_EQ(*form_value(q, "text"), "Tocsin Action: vote Tuesday & bring a friend. Reply STOP to opt out.");
  EXPECT_EQ(*form_value(q, "charset"), "UTF-8");
  EXPECT_EQ(form_value(q, "coding"), nullptr);  // GSM-7 text: Kannel's default coding
  EXPECT_EQ(*form_value(q, "dlr-mask"), "27");
  // The dlr-url is one parameter; decoded once it is tocsin's URL with Kannel's escapes left literal.
  const std::string& dlr = *form_value(q, "dlr-url");
  ASSERT_EQ(dlr.rfind("http://127.0.0.1:8080/sms/kannel/dlr?", 0), 0u);
  FormParams dq = parse_form(query_of(dlr));
  EXPECT_EQ(*form_value(dq, "delivery"), "del-42");
  EXPECT_EQ(*form_value(dq, "secret"), "s3cr=t");
  EXPECT_NE(dlr.find("type=%d"), std::string::npos);
  EXPECT_NE(dlr.find("answer=%A"), std::string::npos);
}

TEST_F(SmsDriverTest, KannelSendsUcs2WhenOneCharacterIsOutsideGsm) {
  KannelDriver k(KannelConfig{"http://h/cgi-bin/sendsms", "u", "p", "", "", 31, "mt", 1000});
  auto c = cleared("Tocsin Action: марш в субботу. Reply STOP to opt out.");
  FormParams q = parse_form(query_of(k.request_url(c.message(), "d")));
  EXPECT_EQ(*form_value(q, "coding"), "2");
  EXPECT_EQ(*form_value(q, "text"), "Tocsin Action: марш в субботу. Reply STOP to opt out.");
  EXPECT_EQ(*form_value(q, "smsc"), "mt");
  EXPECT_EQ(form_value(q, "dlr-url"), nullptr);  // no DLR endpoint configured: no receipts asked
}

TEST(KannelInterpretTest, AnswersMapToOutcomes) {
  EXPECT_EQ(KannelDriver::interpret(202, "0: Accepted for delivery", "").outcome, Outcome::kAccepted);
  EXPECT_EQ(KannelDriver::interpret(202, "3: Queued for later delivery", "").outcome, Outcome::kAccepted);
  EXPECT_EQ(KannelDriver::interpret(503, "Temporal failure, try again later.", "").outcome,
            Outcome::kThrottled);
  EXPECT_EQ(KannelDriver::interpret(500, "", "").outcome, Outcome::kTemporary);
  EXPECT_EQ(KannelDriver::interpret(0, "", "Couldn't connect to server").outcome, Outcome::kTemporary);
  auto r = KannelDriver::interpret(403, "Authorization failed for sendsms", "");
  EXPECT_EQ(r.outcome, Outcome::kRejected);
  EXPECT_EQ(r.detail, "Kannel answered 403: Authorization failed for sendsms");
  EXPECT_EQ(KannelDriver::interpret(400, "Missing receiver number", "").outcome, Outcome::kRejected);
}

TEST_F(SmsDriverTest, KannelUnreachableIsTemporaryAndDoesNotLeakThePassword) {
  // A port nothing listens on (bound, then closed): connection refused.
  KannelDriver k(
      KannelConfig{"http://127.0.0.1:9/cgi-bin/sendsms", "u", "hunter2-secret", "", "", 31, "", 2000});
  auto h = k.send(cleared("Tocsin Action: hello. Reply STOP to opt out."), "d-1");
  EXPECT_EQ(h.outcome, Outcome::kTemporary);
  EXPECT_EQ(h.detail.find("hunter2-secret"), std::string::npos);
}

TEST_F(SmsDriverTest, TwilioFormFields) {
  TwilioDriver t(TwilioConfig{"http://127.0.0.1:1", "AC123", "tok", "",
                              "https://tocsin.example/sms/twilio/status", 1000});
  auto c = cleared("Tocsin Action: hello. Reply STOP to opt out.");
  auto f = t.form(c.message(), "del 7");
  ASSERT_EQ(f.size(), 4u);
  EXPECT_EQ(f[0], (std::pair<std::string, std::string>{"To", "+12125551234"}));
  EXPECT_EQ(f[1], (std::pair<std::string, std::string>{"From", "+12025550100"}));
  EXPECT_EQ(f[2],
            (std::pair<std::string, std::string>{"Body", "Tocsin Action: hello. Reply STOP to opt out."}));
  EXPECT_EQ(f[3], (std::pair<std::string, std::string>{
                      "StatusCallback", "https://tocsin.example/sms/twilio/status?delivery=del%207"}));
  TwilioDriver svc(TwilioConfig{"http://127.0.0.1:1", "AC123", "tok", "MG999", "", 1000});
  auto g = svc.form(c.message(), "d");
  ASSERT_EQ(g.size(), 3u);
  EXPECT_EQ(g[1], (std::pair<std::string, std::string>{"MessagingServiceSid", "MG999"}));
}

TEST(TwilioInterpretTest, AnswersMapToOutcomes) {
  auto ok = TwilioDriver::interpret(201, R"({"sid":"SM0123","status":"queued","error_code":null})", "");
  EXPECT_EQ(ok.outcome, Outcome::kAccepted);
  EXPECT_EQ(ok.gateway_id, "SM0123");
  EXPECT_EQ(ok.detail, "status queued");
  auto throttled =
      TwilioDriver::interpret(429, R"({"code":20429,"message":"Too Many Requests","status":429})", "");
  EXPECT_EQ(throttled.outcome, Outcome::kThrottled);
  EXPECT_EQ(throttled.detail, "HTTP 429, error 20429: Too Many Requests");
  auto bad = TwilioDriver::interpret(
      400, R"({"code":21211,"message":"The 'To' number is not a valid phone number.","status":400})", "");
  EXPECT_EQ(bad.outcome, Outcome::kRejected);
  EXPECT_EQ(bad.detail, "HTTP 400, error 21211: The 'To' number is not a valid phone number.");
  EXPECT_EQ(TwilioDriver::interpret(503, "<html>oops</html>", "").outcome, Outcome::kTemporary);
  EXPECT_EQ(TwilioDriver::interpret(201, "not json", "").outcome, Outcome::kTemporary);
  EXPECT_EQ(TwilioDriver::interpret(200, R"({"status":"queued"})", "").outcome, Outcome::kTemporary);
  EXPECT_EQ(TwilioDriver::interpret(0, "", "Timeout was reached").outcome, Outcome::kTemporary);
}

TEST_F(SmsDriverTest, OutboxWritesOneSyncedJsonLinePerTextFromManyThreads) {
  std::string path = ::testing::TempDir() + "/outbox-" + std::to_string(::getpid()) + ".jsonl";
  std::remove(path.c_str());
  auto box = OutboxLines::open(path, [] { return Micros{1'700'000'000'000'000}; });
  ASSERT_TRUE(box) << box.error().message;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        // Each thread clears its own texts; the gate's cap is per recipient, so give each its own number.
        policy::OutboundSms m;
        m.org_id = "org-1";
        std::string number = "+1212555" + std::to_string(1000 + t * 100 + i);
        m.to = policy::Recipient{number, hasher_.hash(Channel::kSms, number), std::nullopt};
        m.sender = "+12025550100";
        m.body = "Tocsin Action: \"quoted\" — é. Reply STOP to opt out.";
        {
          std::unique_lock lock(org_.mu);
          org_.status[m.to.contact] = consent::Status::kSubscribed;
        }
        auto d = gate_.dispatch(m);
        ASSERT_TRUE(d.cleared);
        auto h = (*box)->send(*d.cleared, "d-" + std::to_string(t) + "-" + std::to_string(i));
        EXPECT_EQ(h.outcome, Outcome::kAccepted);
      }
    });
  for (auto& th : threads) th.join();

  std::ifstream in(path);
  std::string line;
  std::set<std::string> ids;
  simdjson::dom::parser parser;
  while (std::getline(in, line)) {
    simdjson::dom::element e;
    ASSERT_EQ(parser.parse(line).get(e), simdjson::SUCCESS) << line;
    ids.insert(std::string(std::string_view(e["delivery_id"])));
    EXPECT_EQ(std::string_view(e["from"]), "+12025550100");
    EXPECT_EQ(std::string_view(e["body"]), "Tocsin Action: \"quoted\" — é. Reply STOP to opt out.");
    EXPECT_EQ(std::string_view(e["encoding"]), "UCS-2");  // the spelling preflight uses
    EXPECT_EQ(int64_t(e["segments"]), 1);
    EXPECT_EQ(std::string_view(e["written_at"]), "2023-11-14T22:13:20.000000Z");
  }
  EXPECT_EQ(ids.size(), 100u);
  std::remove(path.c_str());
}

TEST(OutboxLinesTest, UnwritablePathIsAClearError) {
  auto box = OutboxLines::open("/nonexistent-dir/outbox.jsonl");
  ASSERT_FALSE(box);
  EXPECT_NE(box.error().message.find("/nonexistent-dir/outbox.jsonl"), std::string::npos);
}

}  // namespace
}  // namespace tocsin::sms

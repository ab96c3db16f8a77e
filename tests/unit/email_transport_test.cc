// The email drivers' offline parts: the outbox folder writes whole, durable, idempotent files; SMTP results
// are classified into accepted / deferred / rejected. (The SMTP driver against a real server is tested in
// tests/integration/test_email_delivery.py with Postfix's smtp-sink.)
#include <curl/curl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "email/outbox_folder.h"
#include "email/smtp_relay.h"
#include "policy_gate_fixture.h"

namespace tocsin::email {
namespace {

namespace fs = std::filesystem;
using O = Handover::Outcome;

class OutboxFolderTest : public policy::testing::GateTest {
 protected:
  OutboxFolderTest() : dir_(fs::temp_directory_path() / ("tocsin-outbox-" + std::to_string(::getpid()))) {}
  ~OutboxFolderTest() override { fs::remove_all(dir_); }

  policy::ClearedEmail clear(const std::string& to) {
    policy::OutboundEmail m{"org-1", recipient(Channel::kEmail, to, consent::Status::kSubscribed),
                            policy::MessageKind::kBlast, "news.example.org"};
    auto d = gate_.dispatch(m);
    EXPECT_TRUE(d.cleared);
    return std::move(*d.cleared);
  }
  static std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (auto& e : fs::directory_iterator(dir_)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
  }

  fs::path dir_;
};

TEST_F(OutboxFolderTest, WritesTheMessageUnderItsMessageId) {
  auto outbox = OutboxFolder::make(dir_).value();
  std::string msg = "From: a@news.example.org\r\nMessage-ID:\r\n <m1.d7/x@news.example.org>\r\n\r\nHi\r\n";
  Handover h = outbox.send(clear("ada@example.com"), "bounces@news.example.org", msg);
  EXPECT_EQ(h.outcome, O::kAccepted) << h.detail;
  ASSERT_EQ(names(), std::vector<std::string>{"m1.d7_x@news.example.org.eml"});
  EXPECT_EQ(slurp(dir_ / "m1.d7_x@news.example.org.eml"), msg);
}

TEST_F(OutboxFolderTest, ASecondHandOverOfTheSameMessageReplacesTheFile) {
  auto outbox = OutboxFolder::make(dir_).value();
  std::string msg = "Message-Id: <same@x>\r\n\r\nv1\r\n";
  EXPECT_EQ(outbox.send(clear("ada@example.com"), "", msg).outcome, O::kAccepted);
  EXPECT_EQ(outbox.send(clear("ada@example.com"), "", msg).outcome, O::kAccepted);
  EXPECT_EQ(names(), std::vector<std::string>{"same@x.eml"});  // no temporary file left behind either
}

TEST_F(OutboxFolderTest, ConcurrentSendsEachLandWhole) {
  auto outbox = OutboxFolder::make(dir_).value();
  std::vector<policy::ClearedEmail> cleared;
  for (int i = 0; i < 40; ++i) cleared.push_back(clear("p" + std::to_string(i) + "@example.com"));
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; i < 40; i += 4) {
        std::string body(10000 + i, 'x');
        outbox.send(cleared[i], "", "Message-ID: <m" + std::to_string(i) + "@x>\r\n\r\n" + body + "\r\n");
      }
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_EQ(names().size(), 40u);
  for (int i = 0; i < 40; ++i) {
    EXPECT_EQ(slurp(dir_ / ("m" + std::to_string(i) + "@x.eml")).size(),
              std::string("Message-ID: <m@x>\r\n\r\n").size() + std::to_string(i).size() + 10000 + i + 2);
  }
}

TEST_F(OutboxFolderTest, NamesAreSafeAndAMissingIdFallsBackToAHash) {
  EXPECT_EQ(OutboxFolder::file_name_for("Message-ID: <../../etc/passwd>\r\n\r\n"),
            "_._.._etc_passwd.eml");  // no "/", no leading "."
  std::string a = OutboxFolder::file_name_for("Subject: a\r\n\r\nbody one\r\n");
  std::string b = OutboxFolder::file_name_for("Subject: a\r\n\r\nbody two\r\n");
  EXPECT_EQ(a.rfind("no-message-id-", 0), 0u);
  EXPECT_NE(a, b);
  // a Message-ID in the body is not the message's
  EXPECT_EQ(OutboxFolder::file_name_for("Subject: a\r\n\r\nMessage-ID: <x@y>\r\n").rfind("no-message-id-", 0),
            0u);
}

TEST_F(OutboxFolderTest, AnUnwritableFolderDefers) {
  auto outbox = OutboxFolder::make(dir_).value();
  fs::remove_all(dir_);
  Handover h = outbox.send(clear("ada@example.com"), "", "Message-ID: <m@x>\r\n\r\nx\r\n");
  EXPECT_EQ(h.outcome, O::kDeferred);
  EXPECT_NE(h.detail.find("cannot create"), std::string::npos) << h.detail;
}

TEST(SmtpClassification, RepliesDecideTheOutcome) {
  Handover ok = classify_smtp(CURLE_OK, 250, "250 2.0.0 Ok: queued as 4F", "");
  EXPECT_EQ(ok.outcome, O::kAccepted);
  EXPECT_EQ(ok.code, 250);

  Handover hard = classify_smtp(CURLE_SEND_ERROR, 550, "550 5.1.1 <x@y>: User unknown", "RCPT failed: 550");
  EXPECT_EQ(hard.outcome, O::kRejected);
  EXPECT_EQ(hard.code, 550);
  EXPECT_EQ(hard.detail, "550 5.1.1 <x@y>: User unknown");

  Handover soft = classify_smtp(CURLE_SEND_ERROR, 451, "451 4.7.1 Greylisted", "");
  EXPECT_EQ(soft.outcome, O::kDeferred);
  EXPECT_EQ(soft.detail, "451 4.7.1 Greylisted");

  Handover busy = classify_smtp(CURLE_WEIRD_SERVER_REPLY, 421, "421 4.3.2 Service shutting down", "");
  EXPECT_EQ(busy.outcome, O::kDeferred);
}

TEST(SmtpClassification, NoReplyAndOurOwnConfigurationDefer) {
  Handover refused = classify_smtp(CURLE_COULDNT_CONNECT, 0, "", "Failed to connect to 127.0.0.1 port 9");
  EXPECT_EQ(refused.outcome, O::kDeferred);
  EXPECT_EQ(refused.code, 0);
  EXPECT_EQ(refused.detail, "Failed to connect to 127.0.0.1 port 9");
  EXPECT_EQ(classify_smtp(CURLE_OPERATION_TIMEDOUT, 0, "", "").outcome, O::kDeferred);
  EXPECT_FALSE(classify_smtp(CURLE_OPERATION_TIMEDOUT, 0, "", "").detail.empty());

  Handover auth = classify_smtp(CURLE_LOGIN_DENIED, 535, "535 5.7.8 Authentication failed", "");
  EXPECT_EQ(auth.outcome, O::kDeferred) << "a wrong relay password is not the recipient's fault";
  EXPECT_NE(auth.detail.find("relay configuration"), std::string::npos);
  EXPECT_EQ(classify_smtp(CURLE_USE_SSL_FAILED, 0, "", "STARTTLS not supported.").outcome, O::kDeferred);
}

TEST(SmtpRelayConfig, ImpossibleConfigurationsAreRefused) {
  SmtpRelayConfig c;
  EXPECT_FALSE(SmtpRelay::make(c).ok());  // no host
  c.host = "127.0.0.1";
  c.port = 70000;
  EXPECT_FALSE(SmtpRelay::make(c).ok());
  c.port = 2525;
  c.connections = 0;
  EXPECT_FALSE(SmtpRelay::make(c).ok());
  c.connections = 2;
  c.helo_name = "bad/name";
  EXPECT_FALSE(SmtpRelay::make(c).ok());
  c.helo_name = "sender.example";
  EXPECT_TRUE(SmtpRelay::make(c).ok());
}

}  // namespace
}  // namespace tocsin::email

// The email drivers' offline parts: the outbox folder writes whole, durable, idempotent files; SMTP results
// are classified into accepted / deferred / rejected. (The SMTP driver against a real server is tested in
// tests/integration/test_email_delivery.py with Postfix's smtp-sink.)
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "email/outbox_folder.h"
#include "email/smtp_relay.h"
#include "email/smtp_reply.h"
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

SmtpReply reply(std::initializer_list<std::string_view> lines) {
  SmtpReply r;
  for (auto l : lines) add_reply_line(r, l);
  return r;
}

TEST(SmtpReplies, MultiLineRepliesEndAtTheLineWithoutADash) {
  SmtpReply r;
  EXPECT_FALSE(add_reply_line(r, "250-relay.test"));
  EXPECT_FALSE(add_reply_line(r, "250-PIPELINING"));
  EXPECT_FALSE(add_reply_line(r, "250-AUTH LOGIN PLAIN"));
  EXPECT_TRUE(add_reply_line(r, "250 STARTTLS"));
  EXPECT_EQ(r.code, 250);
  EXPECT_TRUE(ehlo_offers(r, "PIPELINING"));
  EXPECT_TRUE(ehlo_offers(r, "STARTTLS"));
  EXPECT_FALSE(ehlo_offers(r, "CHUNKING"));
  EXPECT_TRUE(ehlo_offers_auth(r, "PLAIN"));
  EXPECT_TRUE(ehlo_offers_auth(r, "LOGIN"));
  EXPECT_FALSE(ehlo_offers_auth(r, "CRAM-MD5"));
  EXPECT_FALSE(ehlo_offers(r, "RELAY.TEST")) << "the greeting line is no keyword";
  SmtpReply bad;
  EXPECT_TRUE(add_reply_line(bad, "garbage"));
  EXPECT_EQ(bad.code, 0);
}

TEST(SmtpClassification, RepliesDecideTheOutcome) {
  auto ok = classify_transaction({reply({"250 2.1.0 Ok"}), reply({"250 2.1.5 Ok"}), reply({"354 go"}),
                                  reply({"250 2.0.0 Ok: queued as 4F"})});
  EXPECT_EQ(ok.outcome, O::kAccepted);
  EXPECT_EQ(ok.code, 250);
  EXPECT_EQ(ok.detail, "250 2.0.0 Ok: queued as 4F");

  // Pipelined: RCPT refused, DATA then refused too; the RCPT reply is the one that says why.
  auto hard = classify_transaction({reply({"250 2.1.0 Ok"}), reply({"550 5.1.1 <x@y>: User unknown"}),
                                    reply({"554 5.5.1 Error: no valid recipients"})});
  EXPECT_EQ(hard.outcome, O::kRejected);
  EXPECT_EQ(hard.code, 550);
  EXPECT_EQ(hard.detail, "550 5.1.1 <x@y>: User unknown");

  auto soft = classify_transaction(
      {reply({"451 4.3.0 Try again later"}), reply({"503 5.5.1 need MAIL"}), reply({"503 5.5.1 need RCPT"})});
  EXPECT_EQ(soft.outcome, O::kDeferred);
  EXPECT_EQ(soft.code, 451);
  EXPECT_EQ(soft.detail, "451 4.3.0 Try again later");

  auto eod = classify_transaction({reply({"250 Ok"}), reply({"250 Ok"}), reply({"354 go"}),
                                   reply({"554 5.7.1 Message refused by policy"})});
  EXPECT_EQ(eod.outcome, O::kRejected);
  EXPECT_EQ(eod.detail, "554 5.7.1 Message refused by policy");

  // A multi-line refusal: its last line carries the code and the text the rest of tocsin reads.
  auto multi = classify_transaction({reply({"250 Ok"}), reply({"550-5.7.1 first", "550 5.7.1 second"})});
  EXPECT_EQ(multi.outcome, O::kRejected);
  EXPECT_EQ(multi.detail, "550 5.7.1 second");

  auto busy = classify_transaction({reply({"421 4.3.2 Service shutting down"})});
  EXPECT_EQ(busy.outcome, O::kDeferred);
  EXPECT_EQ(busy.code, 421);
}

TEST(SmtpClassification, NoReplyDefers) {
  SmtpReply lost;
  lost.lines = {"SMTP session lost: End of file"};
  auto h = classify_transaction({reply({"250 Ok"}), reply({"250 Ok"}), reply({"354 go"}), lost});
  EXPECT_EQ(h.outcome, O::kDeferred);
  EXPECT_EQ(h.code, 0);
  EXPECT_EQ(h.detail, "SMTP session lost: End of file");
  EXPECT_EQ(classify_transaction({reply({"250 Ok"}), reply({"250 Ok"}), reply({"354 go"})}).outcome,
            O::kDeferred);
}

TEST(SmtpData, DotStuffedWithTheEndOfDataLine) {
  std::string out;
  append_data(out, ".hidden\r\nline\r\n..two\r\n.\r\n");
  EXPECT_EQ(out, "..hidden\r\nline\r\n...two\r\n..\r\n.\r\n");
  out.clear();
  append_data(out, "no final line end");
  EXPECT_EQ(out, "no final line end\r\n.\r\n");
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
  c.pipeline_depth = 0;
  EXPECT_FALSE(SmtpRelay::make(c).ok());
  c.pipeline_depth = 3;
  c.password = "pw\r\nRSET";
  EXPECT_FALSE(SmtpRelay::make(c).ok()) << "a line break in a credential would inject a command";
  c.password = "pw";
  EXPECT_TRUE(SmtpRelay::make(c).ok());
}

}  // namespace
}  // namespace tocsin::email

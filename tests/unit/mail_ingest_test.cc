// Mail feedback against a real SQLite store and an organization's serving state: one-click/mailto
// unsubscribe, hard and soft bounces, sender-policy refusals, complaints and the complaint-rate pause
// (messaging/mail_ingest.h, messaging/unsubscribe.h), and that the gate sees an unsubscribe at once.
#include "messaging/mail_ingest.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/ids.h"
#include "email/bounce_address.h"
#include "email/unsubscribe_links.h"
#include "messaging/gate_wiring.h"
#include "messaging/unsubscribe.h"
#include "people/upsert.h"

namespace tocsin::messaging {
namespace {

namespace fs = std::filesystem;
constexpr Micros kHour = int64_t{3600} * 1'000'000;
constexpr Micros kT0 = int64_t{1'800'000'000} * 1'000'000;

std::string dsn(const std::string& to, const std::string& rcpt, const std::string& action,
                const std::string& status, const std::string& diagnostic) {
  return "From: MAILER-DAEMON@mx.example.net\r\nTo: " + to +
         "\r\nSubject: Undelivered Mail\r\nMIME-Version: 1.0\r\n"
         "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n"
         "--B\r\nContent-Type: text/plain\r\n\r\nSorry.\r\n"
         "--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.net\r\n\r\n"
         "Final-Recipient: rfc822; " +
         rcpt + "\r\nAction: " + action + "\r\nStatus: " + status + "\r\nDiagnostic-Code: smtp; " +
         diagnostic + "\r\n\r\n--B--\r\n";
}

std::string arf(const std::string& delivery_header, const std::string& type = "abuse") {
  return "From: feedback@fbl.example.net\r\nTo: fbl@mail.example.org\r\nSubject: complaint\r\nMIME-Version: "
         "1.0\r\n"
         "Content-Type: multipart/report; report-type=feedback-report; boundary=\"F\"\r\n\r\n"
         "--F\r\nContent-Type: text/plain\r\n\r\nA complaint.\r\n"
         "--F\r\nContent-Type: message/feedback-report\r\n\r\nFeedback-Type: " +
         type +
         "\r\nUser-Agent: ExampleFBL/1.0\r\nVersion: 1\r\n\r\n"
         "--F\r\nContent-Type: text/rfc822-headers\r\n\r\nFrom: team@example.org\r\nTo: "
         "redacted@example.net\r\n"
         "X-Tocsin-Delivery: " +
         delivery_header + "\r\n\r\n--F--\r\n";
}

class MailIngestTest : public ::testing::Test {
 protected:
  MailIngestTest() : dir_(fs::temp_directory_path() / ("tocsin-ingest-test-" + new_uuid())) {
    fs::create_directories(dir_);
    store_ = std::move(store::open_sqlite_store((dir_ / "t.db").string())).value();
    org_ = Org{new_uuid(), "Test Org", "US"};
    EXPECT_TRUE(store_->create_org(org_).ok());
    key_.fill(7);
    directory_ = std::make_unique<people::Directory>(ContactHasher(key_));
    EXPECT_TRUE(directory_->refresh(*store_).ok());
    state_ = directory_->find(org_.id);
    committer_ = std::make_unique<store::GroupCommitter>(*store_);
  }
  ~MailIngestTest() override {
    committer_->stop();
    fs::remove_all(dir_);
  }

  // Subscribed people, in one commit; their ids.
  std::vector<std::string> add_people(const std::vector<std::string>& emails) {
    std::vector<std::string> ids;
    committer_->run_sync([&](store::WriteBatch& b) {
      auto w = b.for_org(org_.id);
      std::unique_lock lock(state_->mu);
      for (const auto& email : emails) {
        people::PersonInput in;
        in.email.set(email);
        in.email_status = consent::Status::kSubscribed;
        consent::Evidence ev;
        ev.method = "test signup";
        ids.push_back(
            people::signup(*state_, in, {}, ev, people::WriteAuthority{}, w, kT0).value().person->id);
      }
      return std::function<void()>{};
    });
    return ids;
  }
  std::string add_person(const std::string& email) { return add_people({email}).front(); }

  std::string add_message() {
    Message m;
    m.id = new_uuid();
    m.status = MessageStatus::kSending;
    committer_->run_sync([&](store::WriteBatch& b) {
      auto w = b.for_org(org_.id);
      std::unique_lock lock(state_->mu);
      state_->messaging.put_message(w, m);
      return std::function<void()>{};
    });
    return m.id;
  }

  store::DeliveryRow delivery(const std::string& message_id, int64_t seq, const std::string& person_id,
                              const std::string& email) {
    store::DeliveryRow d;
    d.message_id = message_id;
    d.seq = seq;
    d.person_id = person_id;
    d.address = email;
    d.contact = ContactHasher(key_).hash(Channel::kEmail, email);
    d.state = store::DeliveryState::kHandedOver;
    d.handed_at = kT0;
    return d;
  }

  // A subscribed person and one message handed over to them (delivery seq `seq`).
  struct Sent {
    std::string pid, msg;
  };
  Sent sent_to(const std::string& email, int64_t seq = 0) {
    Sent s{add_person(email), add_message()};
    put({delivery(s.msg, seq, s.pid, email)});
    return s;
  }

  void put(const std::vector<store::DeliveryRow>& rows) { ASSERT_TRUE(scope().put_deliveries(rows).ok()); }
  store::OrgScope scope() { return store_->scope(org_.id); }
  store::DeliveryRow stored(const std::string& message_id, int64_t seq) {
    return scope().delivery(message_id, seq).value().value();
  }
  consent::Status status(const std::string& email) {
    std::shared_lock lock(state_->mu);
    return state_->status_of(Channel::kEmail, email);
  }
  int64_t ledger_seq() {
    std::shared_lock lock(state_->mu);
    return state_->ledger_seq;
  }
  std::string bounce_to(const std::string& message_id, int64_t seq) {
    return email::bounce_address(tokens_, "mail.example.org", {message_id, seq}).value();
  }

  IngestOutcome ingest(const std::string& raw, Micros now = kT0, const std::string& rcpt = "") {
    FeedbackContext ctx{*store_, *committer_, tokens_,
                        [this](const std::string& id) -> people::OrgState* {
                          std::shared_lock lock(state_->mu);
                          return state_->messaging.message(id) ? state_ : nullptr;
                        },
                        now};
    auto out = ingest_mail(ctx, raw, rcpt);
    EXPECT_TRUE(out.ok()) << out.error().message;
    return out.ok() ? out.value() : IngestOutcome{};
  }

  fs::path dir_;
  std::unique_ptr<store::Store> store_;
  Org org_;
  std::array<unsigned char, 32> key_{};
  std::unique_ptr<people::Directory> directory_;
  people::OrgState* state_ = nullptr;
  std::unique_ptr<store::GroupCommitter> committer_;
  email::DeliveryTokens tokens_{{email::TokenKey::generate(1)}};
};

TEST_F(MailIngestTest, HardBounceMakesTheAddressBouncingOnce) {
  auto [pid, msg] = sent_to("gone@example.net");
  auto out = ingest(dsn(bounce_to(msg, 0), "gone@example.net", "failed", "5.1.1", "550 5.1.1 user unknown"));
  EXPECT_EQ(out.kind, "hard_bounce");
  EXPECT_TRUE(out.status_changed);
  EXPECT_EQ(out.delivery, msg + ":0");
  EXPECT_EQ(status("gone@example.net"), consent::Status::kBouncing);
  auto d = stored(msg, 0);
  EXPECT_EQ(d.state, store::DeliveryState::kBounced);
  EXPECT_NE(d.reason.find("5.1.1"), std::string::npos) << d.reason;
  auto seq = ledger_seq();
  auto again =
      ingest(dsn(bounce_to(msg, 0), "gone@example.net", "failed", "5.1.1", "550 5.1.1 user unknown"));
  EXPECT_EQ(again.kind, "hard_bounce");
  EXPECT_FALSE(again.status_changed);
  EXPECT_EQ(ledger_seq(), seq) << "a repeated report writes nothing";
}

// Issue #10 item 7: MTAs that send no RFC 3464 report (qmail here, its QSBMF text) bounced without effect.
TEST_F(MailIngestTest, APlainTextQmailBounceMakesTheAddressBouncing) {
  auto [pid, msg] = sent_to("gone@example.net");
  std::string qmail = "Return-Path: <>\r\nFrom: MAILER-DAEMON@mx.example.net\r\nTo: " + bounce_to(msg, 0) +
                      "\r\nSubject: failure notice\r\n\r\n"
                      "Hi. This is the qmail-send program at mx.example.net.\r\n"
                      "I'm afraid I wasn't able to deliver your message to the following addresses.\r\n"
                      "This is a permanent error; I've given up. Sorry it didn't work out.\r\n\r\n"
                      "<gone@example.net>:\r\n"
                      "Sorry, no mailbox here by that name. (#5.1.1)\r\n\r\n"
                      "--- Below this line is a copy of the message.\r\n\r\nSubject: Rally\r\n\r\nHi\r\n";
  auto out = ingest(qmail);
  EXPECT_EQ(out.kind, "hard_bounce") << out.detail;
  EXPECT_TRUE(out.status_changed);
  EXPECT_EQ(status("gone@example.net"), consent::Status::kBouncing);
  EXPECT_EQ(stored(msg, 0).state, store::DeliveryState::kBounced);
}

// Found by the X-Tocsin-Delivery of the original an Exim delay warning quotes; a delay is a soft bounce
// that leaves the delivery as it was.
TEST_F(MailIngestTest, APlainTextDelayWarningIsASoftBounceFoundByTheQuotedOriginal) {
  auto [pid, msg] = sent_to("slow@example.net");
  std::string exim =
      "From: Mail Delivery System <Mailer-Daemon@mx.example.net>\r\nTo: someone@else.example\r\n"
      "Subject: Warning: message 1tEabb-000Xyy-1P delayed 24 hours\r\n"
      "Auto-Submitted: auto-replied\r\n\r\n"
      "A message that you sent has not yet been delivered to one or more of its\r\n"
      "recipients after more than 24 hours on the queue on mx.example.net.\r\n\r\n"
      "  slow@example.net\r\n    host mail.example.net [192.0.2.40]: Connection timed out\r\n\r\n"
      "No action is required on your part. Delivery attempts will continue for\r\nsome time.\r\n\r\n"
      "------ This is a copy of the message's headers. ------\r\n\r\n"
      "From: team@example.org\r\nX-Tocsin-Delivery: " +
      email::delivery_header_value(tokens_, {msg, 0}).value() + "\r\n";
  auto out = ingest(exim);
  EXPECT_EQ(out.kind, "soft_bounce") << out.detail;
  EXPECT_EQ(out.delivery, msg + ":0");
  EXPECT_EQ(stored(msg, 0).state, store::DeliveryState::kHandedOver) << "the relay still tries";
  EXPECT_EQ(status("slow@example.net"), consent::Status::kSubscribed);
}

TEST_F(MailIngestTest, SoftBouncesNeedThreeDeliveriesSpanningSeventyTwoHours) {
  auto pid = add_person("full@example.net");
  std::vector<std::string> msgs;
  for (int i = 0; i < 4; ++i) {
    msgs.push_back(add_message());
    put({delivery(msgs.back(), 0, pid, "full@example.net")});
  }
  auto soft = [&](int i, Micros at) {
    return ingest(dsn(bounce_to(msgs[i], 0), "full@example.net", "failed", "4.2.2", "452 4.2.2 mailbox full"),
                  at);
  };
  EXPECT_EQ(soft(0, kT0).kind, "soft_bounce");
  EXPECT_EQ(soft(0, kT0 + 80 * kHour).detail, "soft bounce 1 of 3 counted") << "one delivery counts once";
  soft(1, kT0 + 24 * kHour);
  auto third = soft(2, kT0 + 48 * kHour);
  EXPECT_FALSE(third.status_changed) << "three soft bounces within 48 h are not enough";
  EXPECT_EQ(status("full@example.net"), consent::Status::kSubscribed);
  EXPECT_EQ(stored(msgs[2], 0).state, store::DeliveryState::kBounced) << "a failed DSN: the relay gave up";
  auto fourth = soft(3, kT0 + 72 * kHour);
  EXPECT_TRUE(fourth.status_changed) << fourth.detail;
  EXPECT_EQ(status("full@example.net"), consent::Status::kBouncing);
  EXPECT_TRUE(scope().soft_bounces(Channel::kEmail, stored(msgs[3], 0).contact).value().empty())
      << "the spent history is cleared";
}

TEST_F(MailIngestTest, DelayedNoticeKeepsTheDeliveryState) {
  auto [pid, msg] = sent_to("slow@example.net");
  auto out = ingest(dsn(bounce_to(msg, 0), "slow@example.net", "delayed", "4.4.1", "connection timed out"));
  EXPECT_EQ(out.kind, "soft_bounce");
  auto d = stored(msg, 0);
  EXPECT_EQ(d.state, store::DeliveryState::kHandedOver);
  EXPECT_NE(d.reason.find("4.4.1"), std::string::npos);
}

TEST_F(MailIngestTest, SenderPolicyRefusalLeavesTheRecipientAlone) {
  auto [pid, msg] = sent_to("strict@example.net");
  auto seq = ledger_seq();
  auto out = ingest(dsn(bounce_to(msg, 0), "strict@example.net", "failed", "5.7.26",
                        "550 5.7.26 Unauthenticated email is not accepted (DMARC)"));
  EXPECT_EQ(out.kind, "sender_policy");
  EXPECT_EQ(status("strict@example.net"), consent::Status::kSubscribed);
  EXPECT_EQ(ledger_seq(), seq);
  EXPECT_NE(stored(msg, 0).reason.find("sending domain"), std::string::npos);
}

TEST_F(MailIngestTest, ComplaintIsRecordedAndCountedOnce) {
  auto [pid, msg] = sent_to("angry@example.net");
  auto header = email::delivery_header_value(tokens_, {msg, 0}).value();
  auto out = ingest(arf(header));
  EXPECT_EQ(out.kind, "complaint");
  EXPECT_TRUE(out.status_changed);
  EXPECT_EQ(status("angry@example.net"), consent::Status::kSpamComplaint);
  EXPECT_EQ(stored(msg, 0).state, store::DeliveryState::kComplained);
  EXPECT_FALSE(ingest(arf(header)).status_changed);
  EXPECT_EQ(scope().delivery_tally(msg).value().complained, 1);
  EXPECT_EQ(ingest(arf(header, "not-spam")).kind, "ignored");
}

TEST_F(MailIngestTest, ComplaintRatePausesBulkEmailAtThreePerMille) {
  constexpr int kRecipients = 1000;
  auto msg = add_message();
  std::vector<std::string> emails;
  for (int i = 0; i < kRecipients; ++i) emails.push_back("r" + std::to_string(i) + "@example.net");
  auto pids = add_people(emails);
  std::vector<store::DeliveryRow> rows;
  for (int i = 0; i < kRecipients; ++i) rows.push_back(delivery(msg, i, pids[i], emails[i]));
  put(rows);
  auto complain = [&](int i) { return ingest(arf(email::delivery_header_value(tokens_, {msg, i}).value())); };
  EXPECT_FALSE(complain(0).bulk_email_paused);
  EXPECT_FALSE(complain(1).bulk_email_paused) << "2 of 1000 is 0.2 %";
  auto third = complain(2);
  EXPECT_TRUE(third.bulk_email_paused) << "3 of 1000 is 0.3 %";
  std::shared_lock lock(state_->mu);
  const auto& s = state_->messaging.settings();
  EXPECT_TRUE(s.bulk_email_paused);
  EXPECT_NE(s.bulk_email_paused_reason.find(msg), std::string::npos) << s.bulk_email_paused_reason;
  EXPECT_NE(s.bulk_email_paused_reason.find("0.30%"), std::string::npos) << s.bulk_email_paused_reason;
  // Durable: the settings document is in the store.
  auto doc = store_->org_doc(org_.id, kSettingsKind, "settings").value();
  ASSERT_TRUE(doc);
  EXPECT_TRUE(decode_settings(doc->doc).value().bulk_email_paused);
}

TEST_F(MailIngestTest, OneComplaintOfASmallBlastIsNotARate) {
  auto msg = add_message();
  std::vector<store::DeliveryRow> rows;
  for (int i = 0; i < 10; ++i) {
    std::string email = "s" + std::to_string(i) + "@example.net";
    rows.push_back(delivery(msg, i, add_person(email), email));
  }
  put(rows);
  EXPECT_FALSE(ingest(arf(email::delivery_header_value(tokens_, {msg, 3}).value())).bulk_email_paused);
  std::shared_lock lock(state_->mu);
  EXPECT_FALSE(state_->messaging.settings().bulk_email_paused);
}

TEST_F(MailIngestTest, MailtoUnsubscribeUnsubscribesAndCountsTheEvent) {
  auto [pid, msg] = sent_to("bye@example.net", 5);
  auto mailto = email::unsubscribe_mailto(tokens_, "mail.example.org", {msg, 5}).value();
  std::string rcpt = mailto.substr(7, mailto.find('?') - 7);
  std::string raw =
      "From: bye@example.net\r\nTo: " + rcpt + "\r\nSubject: unsubscribe\r\n\r\nunsubscribe\r\n";
  auto out = ingest(raw, kT0, rcpt);
  EXPECT_EQ(out.kind, "unsubscribe");
  EXPECT_TRUE(out.status_changed);
  EXPECT_EQ(status("bye@example.net"), consent::Status::kUnsubscribed);
  EXPECT_TRUE(stored(msg, 5).events & store::DeliveryEvent::kUnsubscribed);
  EXPECT_FALSE(ingest(raw, kT0, rcpt).status_changed);
}

TEST_F(MailIngestTest, MalformedForgedOrForeignMailChangesNothing) {
  auto [pid, msg] = sent_to("safe@example.net");
  auto good = dsn(bounce_to(msg, 0), "safe@example.net", "failed", "5.1.1", "550 5.1.1 unknown");
  std::string forged = bounce_to(msg, 0);
  forged[9] = forged[9] == 'a' ? 'b' : 'a';
  auto other_msg = email::bounce_address(tokens_, "mail.example.org", {new_uuid(), 0}).value();
  const std::string inputs[] = {
      "",
      "\r\n\r\n",
      std::string(5000, '\0'),
      "garbage without headers",
      good.substr(0, good.find("Reporting-MTA")),  // cut before its status fields
      dsn(forged, "safe@example.net", "failed", "5.1.1", "550 5.1.1 unknown"),
      dsn(other_msg, "safe@example.net", "failed", "5.1.1", "550 5.1.1 unknown"),
      "From: a@b\r\nTo: " + bounce_to(msg, 0) + "\r\nSubject: Out of office\r\n\r\nI am away.\r\n",
      "Content-Type: multipart/report; report-type=delivery-status; boundary=\"X\"\r\nTo: " +
          bounce_to(msg, 0) + "\r\n\r\n--X\r\nContent-Type: message/delivery-status\r\n\r\n\r\n\r\n--X",
  };
  auto seq = ledger_seq();
  for (const auto& raw : inputs) EXPECT_EQ(ingest(raw).kind, "ignored") << raw.substr(0, 80);
  EXPECT_EQ(ledger_seq(), seq);
  EXPECT_EQ(status("safe@example.net"), consent::Status::kSubscribed);
  EXPECT_EQ(stored(msg, 0).state, store::DeliveryState::kHandedOver);
}

TEST_F(MailIngestTest, GateRefusesTheAddressAsSoonAsTheUnsubscribeReturns) {
  committer_->run_sync([&](store::WriteBatch& b) {
    auto w = b.for_org(org_.id);
    std::unique_lock lock(state_->mu);
    Settings s;
    s.postal_address = "1 Main St, Springfield";
    state_->messaging.put_settings(w, s);
    SendingDomain d;
    d.domain = "example.org";
    d.verified_at = kT0;
    d.dmarc_state = "enforced";  // the bulk-sender check passed (blasts need it, docs/MAIL.md)
    state_->messaging.put_domain(w, d);
    return std::function<void()>{};
  });
  auto [pid, msg] = sent_to("midblast@example.net");
  GateWiring wiring(*directory_);
  ASSERT_TRUE(wiring.load(*store_).ok());
  policy::OutboundEmail e;
  e.org_id = org_.id;
  e.to = {"midblast@example.net", ContactHasher(key_).hash(Channel::kEmail, "midblast@example.net"), {}};
  e.from_domain = "example.org";
  ASSERT_TRUE(wiring.gate().plan(e).sends()) << wiring.gate().plan(e).sentence;

  UnsubscribeRequest req{pid, msg, std::nullopt, {}};
  req.evidence.method = "one-click unsubscribe";
  auto changed = unsubscribe_recipient(*store_, *committer_, *state_, req, kT0);
  ASSERT_TRUE(changed.ok());
  EXPECT_TRUE(changed.value());
  auto after = wiring.gate().dispatch(e);
  EXPECT_FALSE(after.decision.sends());
  EXPECT_EQ(after.decision.reason, policy::Reason::kNotSubscribed);
  EXPECT_TRUE(stored(msg, 0).events & store::DeliveryEvent::kUnsubscribed) << "found by (message, person)";
  EXPECT_FALSE(unsubscribe_recipient(*store_, *committer_, *state_, req, kT0).value()) << "idempotent";
}

TEST_F(MailIngestTest, ErasedRecipientIsSuppressedByHash) {
  auto msg = add_message();
  auto d = delivery(msg, 0, new_uuid(), "");  // the person is gone; erasure blanked the address
  d.contact = ContactHasher(key_).hash(Channel::kEmail, "erased@example.net");
  put({d});
  UnsubscribeRequest req{d.person_id, msg, std::nullopt, {}};
  EXPECT_TRUE(unsubscribe_recipient(*store_, *committer_, *state_, req, kT0).value());
  EXPECT_TRUE(state_->messaging.suppressions().find(org_.id, d.contact));
  auto snap = scope().load().value();
  ASSERT_EQ(snap.suppressions.size(), 1u);
  EXPECT_FALSE(unsubscribe_recipient(*store_, *committer_, *state_, req, kT0).value());
}

}  // namespace
}  // namespace tocsin::messaging

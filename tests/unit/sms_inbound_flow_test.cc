// Inbound texts against a real SQLite store and an organization's serving state: the keyword -> action
// mapping of messaging/sms_inbound.h (ledger evidence, suppression, single confirmation persisted across a
// restart, START, HELP, plain texts), keyword replies through the gate (messaging/sms_replies.h), routing by
// the number texted, delivery receipts (messaging/sms_receipts.h) and the opt-out fence.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "core/ids.h"
#include "messaging/gate_wiring.h"
#include "messaging/opt_out_fence.h"
#include "messaging/sms_inbound.h"
#include "messaging/sms_receipts.h"
#include "messaging/sms_replies.h"
#include "people/upsert.h"
#include "policy_gate_fixture.h"
#include "privacy/erasure.h"

namespace tocsin::messaging {
namespace {

namespace fs = std::filesystem;
using consent::Status;
using store::DeliveryState;

constexpr const char* kSender = "+12025550100";
constexpr const char* kPhone = "+12125550123";

// The gateway: records what it was handed (the integration tests use real Kannel and the Twilio stand-in).
class RecordingGateway final : public sms::SmsTransport {
 public:
  sms::SmsHandover send(const policy::ClearedSms& cleared, const std::string& delivery_id) override {
    sent.push_back(cleared.message());
    ids.push_back(delivery_id);
    return {sms::SmsHandover::Outcome::kAccepted, "", "ok"};
  }
  std::vector<policy::OutboundSms> sent;
  std::vector<std::string> ids;
};

class SmsInboundFlowTest : public ::testing::Test {
 protected:
  SmsInboundFlowTest() : dir_(fs::temp_directory_path() / ("tocsin-sms-inbound-test-" + new_uuid())) {
    fs::create_directories(dir_);
    store_ = std::move(store::open_sqlite_store((dir_ / "t.db").string())).value();
    org_ = Org{new_uuid(), "Test Org", "US"};
    EXPECT_TRUE(store_->create_org(org_).ok());
    key_.fill(9);
    start();
    Settings s;
    s.brand_name = "Tocsin Action";
    s.support_contact = "help@tocsin.example";
    s.message_frequency = "Up to 4 msgs/mo";
    SmsSender sender;
    sender.number = kSender;
    sender.type = policy::SenderType::kTenDlc;
    sender.registered = true;
    change([&](people::OrgState& o, store::WriteBatch::OrgWrites& w) {
      o.messaging.put_settings(w, s);
      o.messaging.put_sender(w, sender);
    });
  }
  ~SmsInboundFlowTest() override {
    stop();
    fs::remove_all(dir_);
  }

  // The serving state, as `tocsin serve` builds it from the store.
  void start() {
    directory_ = std::make_unique<people::Directory>(ContactHasher(key_));
    ASSERT_TRUE(directory_->refresh(*store_).ok());
    state_ = directory_->find(org_.id);
    committer_ = std::make_unique<store::GroupCommitter>(*store_);
    wiring_ = std::make_unique<GateWiring>(*directory_);
    ASSERT_TRUE(wiring_->load(*store_).ok());
    replies_ = std::make_unique<SmsReplies>(*committer_, *directory_, wiring_->gate(), &gateway_);
  }
  void stop() {
    replies_.reset();
    committer_->stop();
  }
  void restart() {
    stop();
    start();
  }

  void change(const std::function<void(people::OrgState&, store::WriteBatch::OrgWrites&)>& f) {
    committer_->run_sync([&](store::WriteBatch& b) {
      auto w = b.for_org(org_.id);
      std::unique_lock lock(state_->mu);
      f(*state_, w);
      return std::function<void()>{};
    });
  }

  std::string add_person(const std::string& phone, Status status) {
    std::string id;
    change([&](people::OrgState& o, store::WriteBatch::OrgWrites& w) {
      people::PersonInput in;
      in.phone.set(phone);
      in.phone_status = status;
      consent::Evidence ev;
      ev.method = "test signup";
      people::WriteAuthority who{people::Writer::kImport, people::Attestation{"test", "test signup", ""}, "",
                                 ""};
      id = people::signup(o, in, {}, ev, who, w, now_micros()).value().person->id;
    });
    return id;
  }

  InboundResult text(const std::string& body, const std::string& from = kPhone) {
    InboundSms in;
    in.text = sms::InboundText{from, kSender, body, "mo-" + std::to_string(++mo_), now_micros() - 1'000'000};
    in.gateway = "kannel";
    in.remote_ip = "127.0.0.1";
    in.user_agent = "Kannel/1.4.5";
    InboundResult r;
    change([&](people::OrgState& o, store::WriteBatch::OrgWrites& w) {
      r = apply_inbound(o, w, in, now_micros());
    });
    return r;
  }

  ContactHash hash(const std::string& phone) { return ContactHasher(key_).hash(Channel::kSms, phone); }
  Status status(const std::string& phone) {
    std::shared_lock lock(state_->mu);
    return state_->status_of(Channel::kSms, phone);
  }
  std::vector<store::SuppressionRow> stored_suppressions() {
    return store_->scope(org_.id).load().value().suppressions;
  }
  std::vector<store::StoredLedgerEntry> ledger(const std::string& phone) {
    return store_->scope(org_.id).ledger_for_contact(hash(phone)).value();
  }
  policy::OutboundSms blast_text(const std::string& phone) {
    return policy::OutboundSms{org_.id,
                               policy::Recipient{phone, hash(phone), std::string("10001")},
                               policy::MessageKind::kBlast,
                               false,
                               1,
                               kSender,
                               "Tocsin Action: rally at noon. Reply STOP to opt out."};
  }
  // Whether the gate leaves `phone` out of a blast as opted out (other rules, e.g. quiet hours at the time
  // the test runs, do not matter here).
  bool opted_out(const std::string& phone) {
    return wiring_->gate().plan(blast_text(phone)).reason == policy::Reason::kOrgSuppressed;
  }

  fs::path dir_;
  std::unique_ptr<store::Store> store_;
  Org org_;
  std::array<unsigned char, 32> key_{};
  std::unique_ptr<people::Directory> directory_;
  people::OrgState* state_ = nullptr;
  std::unique_ptr<store::GroupCommitter> committer_;
  std::unique_ptr<GateWiring> wiring_;
  RecordingGateway gateway_;
  std::unique_ptr<SmsReplies> replies_;
  int mo_ = 0;
};

TEST_F(SmsInboundFlowTest, StopUnsubscribesSuppressesWithEvidenceAndIsConfirmedOnce) {
  std::string pid = add_person(kPhone, Status::kSubscribed);
  EXPECT_FALSE(opted_out(kPhone));

  InboundResult r = text("Stop!");
  EXPECT_EQ(r.action, InboundAction::kOptedOut);
  EXPECT_EQ(r.intent.keyword, "STOP");
  EXPECT_EQ(status(kPhone), Status::kUnsubscribed);
  EXPECT_TRUE(opted_out(kPhone));

  auto entries = ledger(kPhone);
  ASSERT_EQ(entries.size(), 2u);  // the signup, the opt-out
  const auto& e = entries.back().entry;
  EXPECT_EQ(e.person_id, pid);
  EXPECT_EQ(e.old_status, Status::kSubscribed);
  EXPECT_EQ(e.new_status, Status::kUnsubscribed);
  EXPECT_EQ(e.evidence.method, "sms keyword STOP");
  EXPECT_EQ(e.evidence.source, std::string("sms kannel message mo-1 to ") + kSender);
  EXPECT_EQ(e.evidence.actor, "recipient");
  EXPECT_GT(e.evidence.consent_time, 0);

  auto rows = stored_suppressions();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].channel, Channel::kSms);
  EXPECT_EQ(rows[0].contact, hash(kPhone));
  EXPECT_FALSE(rows[0].confirmed);

  ASSERT_TRUE(r.reply);
  EXPECT_EQ(r.reply->kind, policy::MessageKind::kStopConfirmation);
  EXPECT_EQ(r.reply->sender, kSender);
  auto h = replies_->deliver(*r.reply);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->outcome, sms::SmsHandover::Outcome::kAccepted);
  ASSERT_EQ(gateway_.sent.size(), 1u);
  EXPECT_EQ(
      gateway_.sent[0].body,
      "Tocsin Action: You are unsubscribed and will receive no more messages. Reply START to resubscribe.");
  EXPECT_EQ(gateway_.sent[0].to.address, kPhone);
  EXPECT_EQ(gateway_.ids[0].rfind(kReplyDeliveryPrefix, 0), 0u);
  EXPECT_TRUE(stored_suppressions()[0].confirmed) << "the claim is durable before the text leaves";

  // The same reply again (a duplicate in the queue) is refused by the gate: one confirmation per opt-out.
  EXPECT_FALSE(replies_->deliver(*r.reply));
  // A second STOP changes nothing and asks for no confirmation.
  InboundResult again = text("STOP");
  EXPECT_EQ(again.action, InboundAction::kAlreadyOptedOut);
  EXPECT_FALSE(again.reply);
  EXPECT_EQ(ledger(kPhone).size(), 2u);
  EXPECT_EQ(gateway_.sent.size(), 1u);
}

TEST_F(SmsInboundFlowTest, StopFromANumberNobodyHasIsHonouredProvablyAndSurvivesARestart) {
  const std::string stranger = "+13125550199";
  InboundResult r = text("please stop texting me", stranger);
  EXPECT_EQ(r.action, InboundAction::kOptedOut);
  EXPECT_EQ(r.intent.keyword, "REVOCATION_PHRASE");
  {
    std::shared_lock lock(state_->mu);
    EXPECT_EQ(state_->find_by_contact(Channel::kSms, stranger), nullptr) << "no person is invented";
  }
  auto entries = ledger(stranger);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].entry.person_id, "");
  EXPECT_EQ(entries[0].entry.new_status, Status::kUnsubscribed);
  EXPECT_EQ(entries[0].entry.evidence.method, "sms revocation phrase");
  ASSERT_TRUE(r.reply);
  ASSERT_TRUE(replies_->deliver(*r.reply));
  EXPECT_EQ(gateway_.sent.size(), 1u);

  restart();
  EXPECT_EQ(status(stranger), Status::kUnsubscribed);
  EXPECT_TRUE(opted_out(stranger));
  // After the restart the gate still knows the confirmation was sent.
  EXPECT_FALSE(replies_->deliver(*r.reply));
  InboundResult again = text("STOP", stranger);
  EXPECT_EQ(again.action, InboundAction::kAlreadyOptedOut);
  EXPECT_FALSE(again.reply);
  EXPECT_EQ(gateway_.sent.size(), 1u);
}

TEST_F(SmsInboundFlowTest, StartLiftsAnOptOutAndIsConfirmedButCreatesNoConsentFromNothing) {
  add_person(kPhone, Status::kSubscribed);
  ASSERT_TRUE(text("STOP").reply);
  InboundResult r = text(" start ");
  EXPECT_EQ(r.action, InboundAction::kResubscribed);
  EXPECT_EQ(status(kPhone), Status::kSubscribed);
  EXPECT_TRUE(stored_suppressions().empty());
  EXPECT_FALSE(opted_out(kPhone));
  auto entries = ledger(kPhone);
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries.back().entry.evidence.method, "sms keyword START");
  EXPECT_EQ(entries.back().entry.evidence.source, std::string("sms kannel message mo-2 to ") + kSender);
  ASSERT_TRUE(r.reply);
  EXPECT_EQ(r.reply->kind, policy::MessageKind::kReply);
  ASSERT_TRUE(replies_->deliver(*r.reply));
  EXPECT_NE(gateway_.sent.back().body.find("You are subscribed again"), std::string::npos);

  // START from a number that never opted out, and YES without a double-opt-in prompt: nothing changes.
  const std::string other = "+14155550142";
  InboundResult start = text("START", other);
  EXPECT_EQ(start.action, InboundAction::kNotResubscribed);
  EXPECT_FALSE(start.reply);
  EXPECT_EQ(status(other), Status::kNone);
  EXPECT_TRUE(ledger(other).empty());
  ASSERT_TRUE(text("STOP", other).reply);
  InboundResult yes = text("yes", other);
  EXPECT_EQ(yes.action, InboundAction::kNotResubscribed);
  EXPECT_EQ(status(other), Status::kUnsubscribed);
  EXPECT_NE(yes.note.find("double opt-in"), std::string::npos);
}

// Erasure (privacy/erasure.h) of a texter: their inbound texts go, the number keeps an erasure stub that the
// gate refuses with erased_contact, START does not lift it, and all of it survives a restart.
TEST_F(SmsInboundFlowTest, AnErasedNumberStaysRefusedAndStartDoesNotLiftIt) {
  std::string pid = add_person(kPhone, Status::kSubscribed);
  ASSERT_EQ(text("see you at the rally").action, InboundAction::kStored);
  privacy::PrivacyRequest req;
  req.id = "pr-1";
  req.kind = privacy::RequestKind::kErasure;
  req.subject = {Channel::kSms, kPhone};
  auto scope = store_->scope(org_.id);
  Result<privacy::ErasurePlan> plan = privacy::ErasurePlan{};
  {
    std::shared_lock lock(state_->mu);
    plan = privacy::plan_erasure(*state_, scope, req);
  }
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->person_ids, std::vector<std::string>{pid});
  EXPECT_EQ(plan->gone.size(), 1u);  // the inbound text
  change([&](people::OrgState& o, store::WriteBatch::OrgWrites& w) {
    auto n = privacy::apply_erasure(o, w, plan.value(), req, "test", now_micros());
    EXPECT_EQ(n.people, 1);
    EXPECT_EQ(n.contact_points, 1);
  });
  EXPECT_EQ(status(kPhone), Status::kUnsubscribed);
  EXPECT_EQ(wiring_->gate().plan(blast_text(kPhone)).reason, policy::Reason::kErasedContact);
  EXPECT_TRUE(store_->scope(org_.id).docs_of_kind(kInboundKind)->empty());

  InboundResult start = text("START");
  EXPECT_EQ(start.action, InboundAction::kNotResubscribed);
  EXPECT_NE(start.note.find("erased"), std::string::npos);
  EXPECT_FALSE(start.reply);
  EXPECT_EQ(status(kPhone), Status::kUnsubscribed);

  restart();
  EXPECT_EQ(wiring_->gate().plan(blast_text(kPhone)).reason, policy::Reason::kErasedContact);
  auto rows = stored_suppressions();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_TRUE(store::is_erasure_stub(rows[0]));
  EXPECT_EQ(state_->find_person(pid), nullptr);
  for (const auto& e : ledger(kPhone)) EXPECT_EQ(e.entry.contact_ref, "");
}

TEST_F(SmsInboundFlowTest, HelpIsAnsweredForAnyNumberFromTheProgramSettings) {
  const std::string stranger = "+13125550177";
  InboundResult r = text("help", stranger);
  EXPECT_EQ(r.action, InboundAction::kHelp);
  ASSERT_TRUE(r.reply);
  EXPECT_EQ(r.reply->kind, policy::MessageKind::kHelpReply);
  EXPECT_EQ(
      r.reply->body,
      "Tocsin Action: Help: help@tocsin.example. Up to 4 msgs/mo. Msg & data rates may apply. Reply STOP "
      "to cancel.");
  ASSERT_TRUE(replies_->deliver(*r.reply));
  // ... also after that number opted out (SMS-K2), and INFO is the same keyword.
  ASSERT_TRUE(text("STOP", stranger).reply);
  InboundResult info = text("INFO", stranger);
  ASSERT_TRUE(info.reply);
  ASSERT_TRUE(replies_->deliver(*info.reply));
  EXPECT_EQ(gateway_.sent.size(), 2u);
  EXPECT_EQ(status(stranger), Status::kUnsubscribed) << "HELP changes no status";

  // Without a support contact there is no compliant answer: none is sent, and the reason is kept.
  Settings s = state_->messaging.settings();
  s.support_contact.clear();
  change([&](people::OrgState& o, store::WriteBatch::OrgWrites& w) { o.messaging.put_settings(w, s); });
  InboundResult bare = text("HELP", stranger);
  EXPECT_FALSE(bare.reply);
  EXPECT_NE(bare.note.find("help_contact"), std::string::npos);
}

TEST_F(SmsInboundFlowTest, HelpCarriesThePreferenceLinkOnlyWhenTheProgramAsksAndThePersonIsKnown) {
  email::PreferenceTokens tokens({email::TokenKey::generate(1)});
  replies_->link_preferences(&tokens, "https://act.example.org");
  std::string person = add_person(kPhone, Status::kSubscribed);
  ASSERT_TRUE(replies_->deliver(*text("HELP").reply));
  ASSERT_EQ(gateway_.sent.size(), 1u);
  EXPECT_EQ(gateway_.sent[0].body.find("/my/"), std::string::npos) << "off by default: it costs a segment";

  Settings s = state_->messaging.settings();
  s.help_preferences_link = true;
  change([&](people::OrgState& o, store::WriteBatch::OrgWrites& w) { o.messaging.put_settings(w, s); });
  ASSERT_TRUE(replies_->deliver(*text("HELP").reply));
  ASSERT_EQ(gateway_.sent.size(), 2u);
  const std::string& body = gateway_.sent[1].body;
  auto at = body.find(" Manage: https://act.example.org/my/");
  ASSERT_NE(at, std::string::npos) << body;
  EXPECT_EQ(body.substr(0, at), text("HELP").reply->body) << "the HELP answer itself is unchanged";
  // The link opens the page of this person, bound to the number it was texted to.
  std::string token = body.substr(body.rfind('/') + 1);
  auto claim = tokens.verify(
      token, now_micros(), [](const email::PreferenceClaim&) { return std::optional<std::string>(kPhone); });
  ASSERT_TRUE(claim.ok());
  EXPECT_EQ(claim->person_id, person);
  EXPECT_EQ(claim->channel, Channel::kSms);
  // A number no person holds gets the plain answer.
  ASSERT_TRUE(replies_->deliver(*text("HELP", "+13125550188").reply));
  EXPECT_EQ(gateway_.sent.back().body.find("/my/"), std::string::npos);
}

TEST_F(SmsInboundFlowTest, OtherTextsAreStoredWithoutReply) {
  InboundResult r = text("See you at the rally!");
  EXPECT_EQ(r.action, InboundAction::kStored);
  EXPECT_FALSE(r.reply);
  auto doc = store_->org_doc(org_.id, kInboundKind, "kannel:mo-1");
  ASSERT_TRUE(doc.ok());
  ASSERT_TRUE(doc.value());
  EXPECT_NE(doc.value()->doc.find("\"text\":\"See you at the rally!\""), std::string::npos);
  EXPECT_NE(doc.value()->doc.find("\"action\":\"stored\""), std::string::npos);
  EXPECT_TRUE(ledger(kPhone).empty());
}

TEST_F(SmsInboundFlowTest, RoutesByTheNumberTextedInAnyNotation) {
  for (const char* to : {"+12025550100", "12025550100", "(202) 555-0100"}) {
    InboundRoute route = route_inbound(*directory_, to);
    EXPECT_EQ(route.org, state_) << to;
    EXPECT_EQ(route.sender, kSender) << to;
  }
  EXPECT_EQ(route_inbound(*directory_, "+12025550111").org, nullptr);
  EXPECT_EQ(route_inbound(*directory_, "55555").org, nullptr);
}

class SmsReceiptTest : public SmsInboundFlowTest {
 protected:
  // A message with deliveries seq 0..n-1 to numbers, in `state`.
  std::string message_with(std::vector<DeliveryState> states) {
    Message m;
    m.id = new_uuid();
    m.channel = Channel::kSms;
    m.status = MessageStatus::kSending;
    change([&](people::OrgState& o, store::WriteBatch::OrgWrites& w) { o.messaging.put_message(w, m); });
    std::vector<store::DeliveryRow> rows;
    for (size_t i = 0; i < states.size(); ++i) {
      store::DeliveryRow d;
      d.message_id = m.id;
      d.seq = static_cast<int64_t>(i);
      d.channel = Channel::kSms;
      d.address = "+1212555010" + std::to_string(i);
      d.contact = hash(d.address);
      d.state = states[i];
      rows.push_back(d);
    }
    EXPECT_TRUE(store_->scope(org_.id).put_deliveries(rows).ok());
    return m.id;
  }
  Result<ReceiptOutcome> receipt(const std::string& id, sms::ReceiptStatus s,
                                 const std::string& detail = "") {
    return apply_receipt(*store_, *directory_, sms::DeliveryReceipt{id, s, detail, "", 0}, now_micros());
  }
  store::DeliveryRow row(const std::string& msg, int64_t seq) {
    return store_->scope(org_.id).delivery(msg, seq).value().value();
  }
};

TEST_F(SmsReceiptTest, DeliveryIdsAreMessageColonSeq) {
  auto ok = parse_delivery_id("0b7c-uuid:12");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->first, "0b7c-uuid");
  EXPECT_EQ(ok->second, 12);
  for (const char* bad : {"", "abc", ":3", "abc:", "abc:-1", "abc:1x", "abc:99999999999999999999"})
    EXPECT_EQ(parse_delivery_id(bad).error().http_status, 400) << bad;
}

TEST_F(SmsReceiptTest, FinalReceiptsSetTheStateOnceAndOthersChangeNothing) {
  std::string msg =
      message_with({DeliveryState::kHandedOver, DeliveryState::kHandedOver, DeliveryState::kUnknown,
                    DeliveryState::kQueued, DeliveryState::kHandedOver});
  auto id = [&](int seq) { return msg + ":" + std::to_string(seq); };

  EXPECT_FALSE(receipt(id(0), sms::ReceiptStatus::kGatewayAccepted)->changed);
  EXPECT_EQ(row(msg, 0).state, DeliveryState::kHandedOver);
  auto d = receipt(id(0), sms::ReceiptStatus::kDelivered, "000");
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->changed);
  EXPECT_EQ(row(msg, 0).state, DeliveryState::kDelivered);
  EXPECT_EQ(row(msg, 0).reason, "delivered: 000");
  auto repeated = receipt(id(0), sms::ReceiptStatus::kDelivered, "000");
  EXPECT_FALSE(repeated->changed);
  EXPECT_FALSE(receipt(id(0), sms::ReceiptStatus::kUndelivered)->changed) << "the first final receipt wins";
  EXPECT_EQ(row(msg, 0).state, DeliveryState::kDelivered);

  EXPECT_TRUE(receipt(id(1), sms::ReceiptStatus::kUndelivered, "absent subscriber")->changed);
  EXPECT_EQ(row(msg, 1).state, DeliveryState::kBounced);
  EXPECT_EQ(row(msg, 1).reason, "undelivered: absent subscriber");
  EXPECT_TRUE(receipt(id(2), sms::ReceiptStatus::kDelivered)->changed) << "a receipt resolves an unknown";
  EXPECT_EQ(row(msg, 2).state, DeliveryState::kDelivered);
  EXPECT_EQ(receipt(id(3), sms::ReceiptStatus::kDelivered).error().http_status, 409);
  EXPECT_EQ(row(msg, 3).state, DeliveryState::kQueued);
  EXPECT_TRUE(receipt(id(4), sms::ReceiptStatus::kGatewayRejected, "NACK/0x0000000b")->changed);
  EXPECT_EQ(row(msg, 4).state, DeliveryState::kFailed);

  EXPECT_EQ(receipt(msg + ":9", sms::ReceiptStatus::kDelivered).error().http_status, 404);
  EXPECT_EQ(receipt(new_uuid() + ":0", sms::ReceiptStatus::kDelivered).error().http_status, 404);
}

TEST_F(SmsReceiptTest, AReceiptBeforeTheDispatchersOutcomeWriteIsKept) {
  std::string msg = message_with({DeliveryState::kHanding});
  ASSERT_TRUE(receipt(msg + ":0", sms::ReceiptStatus::kDelivered, "000")->changed);
  // The dispatcher now writes its outcome for the hand-over that the receipt overtook.
  store::DeliveryRow outcome = row(msg, 0);
  outcome.state = DeliveryState::kHandedOver;
  outcome.reason.clear();
  outcome.handed_at = now_micros();
  outcome.gateway_id = "SM123";
  ASSERT_TRUE(store_->scope(org_.id).put_deliveries({outcome}).ok());
  store::DeliveryRow now = row(msg, 0);
  EXPECT_EQ(now.state, DeliveryState::kDelivered);
  EXPECT_EQ(now.reason, "delivered: 000");
  EXPECT_EQ(now.handed_at, outcome.handed_at);
  EXPECT_EQ(now.gateway_id, "SM123");
  // Any other rewrite still replaces the state (a resumed blast marking unknown, a retry's deferral).
  outcome.state = DeliveryState::kDeferred;
  ASSERT_TRUE(store_->scope(org_.id).put_deliveries({outcome}).ok());
  EXPECT_EQ(row(msg, 0).state, DeliveryState::kDeferred);
}

TEST_F(SmsReceiptTest, OfTwoFinalReceiptsJudgedBeforeEitherIsCommittedTheFirstCommittedWins) {
  // The callback endpoint judges a receipt, then commits its write through the group committer: two final
  // receipts for one text can both be judged against `handed_over` before either write lands.
  std::string msg = message_with({DeliveryState::kHandedOver});
  auto judge = [&](sms::ReceiptStatus s, const std::string& detail) {
    return judge_receipt(*store_, *directory_, sms::DeliveryReceipt{msg + ":0", s, detail, "", 0},
                         now_micros());
  };
  auto first = judge(sms::ReceiptStatus::kUndelivered, "absent subscriber");
  auto second = judge(sms::ReceiptStatus::kDelivered, "000");
  ASSERT_TRUE(first && first->write && second && second->write);
  EXPECT_EQ(row(msg, 0).state, DeliveryState::kHandedOver) << "judging writes nothing";
  auto scope = store_->scope(org_.id);
  ASSERT_TRUE(scope.mark_delivery(first->write->message_id, first->write->seq, first->write->mark).ok());
  ASSERT_TRUE(scope.mark_delivery(second->write->message_id, second->write->seq, second->write->mark).ok());
  EXPECT_EQ(row(msg, 0).state, DeliveryState::kBounced);
  EXPECT_EQ(row(msg, 0).reason, "undelivered: absent subscriber");
  // Marks that are not receipts (an unsubscribe's event bit, a complaint) still apply to a final state.
  store::DeliveryMark events;
  events.add_events = store::kUnsubscribed;
  events.updated = now_micros();
  ASSERT_TRUE(scope.mark_delivery(msg, 0, events).ok());
  EXPECT_EQ(row(msg, 0).events, store::kUnsubscribed);
}

TEST_F(SmsInboundFlowTest, TheFenceKeepsABlastTextClearedBeforeAnOptOutFromLeavingAfterIt) {
  add_person(kPhone, Status::kSubscribed);
  OptOutFence fence;
  FencedSmsTransport fenced(gateway_, wiring_->gate(), fence);
  // A gate whose clock says Wednesday noon in New York, so the blast text is inside quiet hours' window.
  GateWiring noon(*directory_, [] { return policy::testing::new_york(2026, 1, 14, 12, 0); });
  auto cleared = noon.gate().dispatch(blast_text(kPhone));
  ASSERT_TRUE(cleared.cleared);
  InboundResult stop = text("STOP");  // arrives between the gate's clearance and the hand-over
  auto h = fenced.send(*cleared.cleared, "msg:0");
  EXPECT_EQ(h.outcome, sms::SmsHandover::Outcome::kWithheld);
  EXPECT_EQ(h.detail, "org_suppressed");
  EXPECT_TRUE(gateway_.sent.empty());
  // The confirmation passes the fence: the person asked for it.
  ASSERT_TRUE(stop.reply);
  SmsReplies through_fence(*committer_, *directory_, wiring_->gate(), &fenced);
  ASSERT_TRUE(through_fence.deliver(*stop.reply));
  EXPECT_EQ(gateway_.sent.size(), 1u);
}

}  // namespace
}  // namespace tocsin::messaging

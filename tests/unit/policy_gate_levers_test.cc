// The platform operator's per-sender levers and the opt-out-rate breaker as gate rules (issue 15): a
// disabled number or domain refuses every send on it with its own reason and the operator's words, the
// organization's other senders are untouched, and a breaker pause stops blasts only.
#include "policy_gate_fixture.h"

namespace tocsin::policy {
namespace {

using consent::Status;
using testing::kMinute;

constexpr const char* kBody = "Tocsin Action: the hearing is tomorrow at 10. Reply STOP to opt out.";
constexpr const char* kOtherNumber = "12345";  // the organization's short code

class LeverGateTest : public testing::GateTest {
 protected:
  OutboundSms text(const std::string& sender = "+12025550100", MessageKind kind = MessageKind::kBlast,
                   Status status = Status::kSubscribed) {
    OutboundSms m;
    m.org_id = "org-1";
    m.to = recipient(Channel::kSms, "+12125551234", status);
    m.kind = kind;
    m.blast_recipients = kind == MessageKind::kBlast ? 1000 : 1;
    m.sender = sender;
    m.body = kBody;
    return m;
  }
  OutboundEmail mail(const std::string& domain, MessageKind kind = MessageKind::kBlast) {
    return OutboundEmail{"org-1", recipient(Channel::kEmail, "ada@example.com", Status::kSubscribed), kind,
                         domain};
  }
  void disable_sender(const std::string& number, const std::string& reason) {
    edit_settings([&](OrgMessaging& o) { o.sms_senders[number].disabled_reason = reason; });
  }
  void pause_blasts(const std::string& number, const std::string& reason) {
    edit_settings([&](OrgMessaging& o) { o.sms_senders[number].blasts_paused_reason = reason; });
  }
};

TEST_F(LeverGateTest, DisabledNumberRefusesEveryTextWithTheOperatorsReason) {
  ASSERT_TRUE(gate_.plan(text()).sends());
  disable_sender("+12025550100", "abuse report 17: phishing links");
  Decision d = gate_.plan(text());
  EXPECT_EQ(d.reason, Reason::kSenderDisabled);
  EXPECT_EQ(d.kind, Kind::kBlock);
  EXPECT_EQ(reason_name(d.reason), "sender_disabled");
  EXPECT_NE(d.sentence.find("abuse report 17: phishing links"), std::string::npos) << d.sentence;
  auto at_dispatch = gate_.dispatch(text());
  EXPECT_EQ(at_dispatch.decision.reason, Reason::kSenderDisabled);
  EXPECT_FALSE(at_dispatch.cleared);
  // Replies and HELP answers from the number are refused too: a number taken down sends nothing.
  EXPECT_EQ(gate_.plan(text("+12025550100", MessageKind::kReply)).reason, Reason::kSenderDisabled);
  EXPECT_EQ(gate_.plan(text("+12025550100", MessageKind::kHelpReply, Status::kNone)).reason,
            Reason::kSenderDisabled);
}

TEST_F(LeverGateTest, OtherSendersOfTheOrganizationKeepSending) {
  disable_sender("+12025550100", "under review");
  EXPECT_TRUE(gate_.plan(text(kOtherNumber)).sends());
  EXPECT_TRUE(gate_.dispatch(text(kOtherNumber)).cleared);
  // And the organization's email is untouched.
  EXPECT_TRUE(gate_.plan(mail("news.example.org")).sends());
}

TEST_F(LeverGateTest, EnablingRestoresTheNumber) {
  disable_sender("+12025550100", "under review");
  ASSERT_EQ(gate_.plan(text()).reason, Reason::kSenderDisabled);
  disable_sender("+12025550100", "");
  EXPECT_TRUE(gate_.plan(text()).sends());
}

TEST_F(LeverGateTest, DisabledSenderSitsBelowSuspensionAndAboveTheRecipient) {
  disable_sender("+12025550100", "under review");
  // A recipient who opted out is counted under the sender's block: the organization must fix that first.
  EXPECT_EQ(gate_.plan(text("+12025550100", MessageKind::kBlast, Status::kUnsubscribed)).reason,
            Reason::kSenderDisabled);
  settings_.set_suspended("org-1", true);
  EXPECT_EQ(gate_.plan(text()).reason, Reason::kOrgSuspended);
}

TEST_F(LeverGateTest, DisabledDomainRefusesEveryMailFromItWithTheReason) {
  edit_settings([](OrgMessaging& o) {
    o.verified_email_domains.insert("alerts.example.org");
    o.disabled_email_domains["news.example.org"] = "spoofed bank notice";
  });
  Decision d = gate_.plan(mail("News.Example.org"));
  EXPECT_EQ(d.reason, Reason::kDomainDisabled);
  EXPECT_EQ(d.kind, Kind::kBlock);
  EXPECT_EQ(reason_name(d.reason), "domain_disabled");
  EXPECT_NE(d.sentence.find("spoofed bank notice"), std::string::npos) << d.sentence;
  EXPECT_FALSE(gate_.dispatch(mail("news.example.org")).cleared);
  EXPECT_EQ(gate_.plan(mail("news.example.org", MessageKind::kOneOff)).reason, Reason::kDomainDisabled)
      << "autoresponses from the domain stop too";
  EXPECT_EQ(gate_.plan(mail("news.example.org", MessageKind::kResubscribeConfirmation)).reason,
            Reason::kDomainDisabled);
  EXPECT_TRUE(gate_.plan(mail("alerts.example.org")).sends()) << "the organization's other domain sends";
  EXPECT_TRUE(gate_.plan(text()).sends()) << "and its texts";
  edit_settings([](OrgMessaging& o) { o.disabled_email_domains.clear(); });
  EXPECT_TRUE(gate_.plan(mail("news.example.org")).sends()) << "enabled again";
}

TEST_F(LeverGateTest, OptOutRatePauseStopsBlastsOnlyAndSaysWhy) {
  pause_blasts("+12025550100", "12 opt-outs of 150 texts (8.0%) in 24 h passed 5.0%");
  Decision d = gate_.plan(text());
  EXPECT_EQ(d.reason, Reason::kSenderOptOutRate);
  EXPECT_EQ(d.kind, Kind::kBlock);
  EXPECT_EQ(reason_name(d.reason), "sender_opt_out_rate");
  EXPECT_NE(d.sentence.find("12 opt-outs of 150 texts (8.0%)"), std::string::npos) << d.sentence;
  EXPECT_FALSE(gate_.dispatch(text()).cleared);
  // Only that number is paused.
  EXPECT_TRUE(gate_.plan(text(kOtherNumber)).sends());
  // What people asked for still goes: a reply, the HELP answer, the one STOP confirmation.
  EXPECT_TRUE(gate_.plan(text("+12025550100", MessageKind::kReply)).sends());
  EXPECT_EQ(gate_.plan(text("+12025550100", MessageKind::kHelpReply, Status::kNone)).reason,
            Reason::kHelpReply);
  OutboundSms confirmation = text("+12025550100", MessageKind::kStopConfirmation, Status::kUnsubscribed);
  confirmation.body = "Tocsin Action: you are unsubscribed and will get no more messages.";
  suppressions_.add_org("org-1", confirmation.to.contact, now_ - kMinute);
  EXPECT_EQ(gate_.dispatch(confirmation).decision.reason, Reason::kStopConfirmation);
}

TEST_F(LeverGateTest, LeverReasonsAreInThePolicyTable) {
  for (Reason r : {Reason::kSenderDisabled, Reason::kDomainDisabled, Reason::kSenderOptOutRate}) {
    EXPECT_EQ(kind_of(r), Kind::kBlock);
    EXPECT_FALSE(rule_source(r).empty());
  }
}

}  // namespace
}  // namespace tocsin::policy

// The platform's acceptable-use policy as a gate rule (issue 11): with a version published, an organization
// that has not accepted exactly that version cannot blast on either channel — the refusal names the version,
// its address and what was accepted last — while what people asked for (replies, HELP, STOP confirmations)
// and one-off mail still go. Without a published version nothing is asked.
#include "policy_gate_fixture.h"

namespace tocsin::policy {
namespace {

using consent::Status;
using testing::kMinute;

constexpr const char* kBody = "Tocsin Action: the hearing is tomorrow at 10. Reply STOP to opt out.";

class AcceptableUseGateTest : public testing::GateTest {
 protected:
  OutboundSms text(MessageKind kind = MessageKind::kBlast, Status status = Status::kSubscribed) {
    OutboundSms m;
    m.org_id = "org-1";
    m.to = recipient(Channel::kSms, "+12125551234", status);
    m.kind = kind;
    m.blast_recipients = kind == MessageKind::kBlast ? 1000 : 1;
    m.sender = "+12025550100";
    m.body = kBody;
    return m;
  }
  OutboundEmail mail(MessageKind kind = MessageKind::kBlast) {
    return OutboundEmail{"org-1", recipient(Channel::kEmail, "ada@example.com", Status::kSubscribed), kind,
                         "news.example.org"};
  }
  void accept(const std::string& version) {
    edit_settings([&](OrgMessaging& o) { o.acceptable_use_accepted = version; });
  }
};

TEST_F(AcceptableUseGateTest, NothingIsAskedWithoutAPublishedVersion) {
  EXPECT_TRUE(gate_.plan(text()).sends());
  EXPECT_TRUE(gate_.plan(mail()).sends());
  EXPECT_FALSE(gate_.acceptable_use_unmet(OrgMessaging{}));
}

TEST_F(AcceptableUseGateTest, BlastsWaitForTheCurrentVersionOnBothChannels) {
  gate_.require_acceptable_use({"2026-12", "https://platform.example/aup/2026-12"});
  for (const Decision& d : {gate_.plan(text()), gate_.plan(mail()), gate_.dispatch(text()).decision}) {
    EXPECT_EQ(d.reason, Reason::kAcceptableUseNotAccepted);
    EXPECT_EQ(d.kind, Kind::kBlock);
    EXPECT_NE(d.sentence.find("2026-12 (https://platform.example/aup/2026-12)"), std::string::npos)
        << d.sentence;
  }
  EXPECT_EQ(reason_name(Reason::kAcceptableUseNotAccepted), "acceptable_use_not_accepted");
  EXPECT_FALSE(rule_source(Reason::kAcceptableUseNotAccepted).empty());

  accept("2026-11");  // an older version is not enough, and the refusal says which one was accepted
  Decision d = gate_.plan(text());
  EXPECT_EQ(d.reason, Reason::kAcceptableUseNotAccepted);
  EXPECT_NE(d.sentence.find("it accepted version 2026-11"), std::string::npos) << d.sentence;

  accept("2026-12");
  EXPECT_TRUE(gate_.plan(text()).sends());
  EXPECT_TRUE(gate_.plan(mail()).sends());
  EXPECT_TRUE(gate_.dispatch(text()).cleared);
}

TEST_F(AcceptableUseGateTest, WhatPeopleAskedForAndOneOffMailStillGo) {
  gate_.require_acceptable_use({"2026-12", ""});
  EXPECT_TRUE(gate_.plan(text(MessageKind::kReply)).sends());
  EXPECT_EQ(gate_.plan(text(MessageKind::kHelpReply, Status::kNone)).reason, Reason::kHelpReply);
  OutboundSms confirmation = text(MessageKind::kStopConfirmation, Status::kUnsubscribed);
  confirmation.body = "Tocsin Action: you are unsubscribed and will get no more messages.";
  suppressions_.add_org("org-1", confirmation.to.contact, now_ - kMinute);
  EXPECT_EQ(gate_.dispatch(confirmation).decision.reason, Reason::kStopConfirmation);
  EXPECT_TRUE(gate_.plan(mail(MessageKind::kOneOff)).sends());
}

TEST_F(AcceptableUseGateTest, SuspensionStillComesFirst) {
  gate_.require_acceptable_use({"2026-12", ""});
  settings_.set_suspended("org-1", true);
  EXPECT_EQ(gate_.plan(text()).reason, Reason::kOrgSuspended);
}

}  // namespace
}  // namespace tocsin::policy

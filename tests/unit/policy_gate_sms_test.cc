// The gate's SMS rules (issue 5): each rule with a passing and a failing case and its reason code, the
// STOP confirmation, quiet hours and caps at dispatch, and a mid-blast opt-out.
#include <atomic>
#include <thread>
#include <vector>

#include "policy/sms_content.h"
#include "policy_gate_fixture.h"

namespace tocsin::policy {
namespace {

using consent::Status;
using testing::kHour;
using testing::kMinute;
using testing::new_york;

constexpr const char* kBody = "Tocsin Action: the hearing is tomorrow at 10. Reply STOP to opt out.";

class SmsGateTest : public testing::GateTest {
 protected:
  OutboundSms sms(Status status = Status::kSubscribed, const std::string& number = "+12125551234") {
    OutboundSms m;
    m.org_id = "org-1";
    m.to = recipient(Channel::kSms, number, status);
    m.kind = MessageKind::kBlast;
    m.blast_recipients = 1000;
    m.sender = "+12025550100";  // registered 10DLC
    m.body = kBody;
    return m;
  }
  Reason plan_reason(const OutboundSms& m) { return gate_.plan(m).reason; }
};

TEST_F(SmsGateTest, SubscribedRecipientInTheWindowIsCleared) {
  OutboundSms m = sms();
  EXPECT_EQ(plan_reason(m), Reason::kOk);
  auto d = gate_.dispatch(m);
  EXPECT_EQ(d.decision.kind, Kind::kSend);
  ASSERT_TRUE(d.cleared);
  EXPECT_EQ(d.cleared->message().body, kBody);
}

TEST_F(SmsGateTest, SuspendedOrganizationIsBlocked) {
  OutboundSms m = sms();
  settings_.set_suspended("org-1", true);
  EXPECT_EQ(plan_reason(m), Reason::kOrgSuspended);
}

TEST_F(SmsGateTest, RecipientNumberTypes) {
  EXPECT_EQ(plan_reason(sms(Status::kSubscribed, "+12125551234")), Reason::kOk);
  EXPECT_EQ(plan_reason(sms(Status::kSubscribed, "911")), Reason::kEmergencyNumber);
  EXPECT_EQ(plan_reason(sms(Status::kSubscribed, "611")), Reason::kShortNumber);
  EXPECT_EQ(plan_reason(sms(Status::kSubscribed, "+19005551234")), Reason::kPremiumRateNumber);
  EXPECT_EQ(plan_reason(sms(Status::kSubscribed, "+1212")), Reason::kInvalidNumber);
  EXPECT_EQ(gate_.plan(sms(Status::kSubscribed, "911")).kind, Kind::kBlock);
}

TEST_F(SmsGateTest, SenderMustBelongToTheOrganization) {
  OutboundSms m = sms();
  m.sender = "+13125550199";
  EXPECT_EQ(plan_reason(m), Reason::kSenderUnknown);
}

TEST_F(SmsGateTest, PlainLongCodeCannotCarryMarketingOrLargeBlasts) {
  OutboundSms m = sms();
  m.sender = "+12025550101";  // plain long code
  m.blast_recipients = 50;    // at the threshold: allowed for informational texts
  EXPECT_EQ(plan_reason(m), Reason::kOk);
  m.blast_recipients = 51;
  EXPECT_EQ(plan_reason(m), Reason::kLongCodeBulk);
  EXPECT_EQ(gate_.plan(m).kind, Kind::kBlock);
  m.blast_recipients = 1;
  m.marketing = true;
  EXPECT_EQ(plan_reason(m), Reason::kLongCodeBulk);
  m.sender = "+12025550100";  // the registered 10DLC carries both
  m.blast_recipients = 100000;
  EXPECT_EQ(plan_reason(m), Reason::kOk);
  m.sender = "12345";  // short code
  EXPECT_EQ(plan_reason(m), Reason::kOk);
}

TEST_F(SmsGateTest, UnverifiedTollFreeIsUnregistered) {
  OutboundSms m = sms();
  m.sender = "+18885550102";
  EXPECT_EQ(plan_reason(m), Reason::kSenderUnregistered);
  edit_settings([](OrgMessaging& o) { o.sms_senders["+18885550102"].registered = true; });
  EXPECT_EQ(plan_reason(m), Reason::kOk);
}

TEST_F(SmsGateTest, BrandMustBeNamed) {
  OutboundSms m = sms();
  m.body = "tocsin action: reminder. Reply STOP to opt out.";
  EXPECT_EQ(plan_reason(m), Reason::kOk) << "case-insensitive";
  m.body = "The hearing is tomorrow. Reply STOP to opt out.";
  EXPECT_EQ(plan_reason(m), Reason::kBrandMissing);
}

TEST_F(SmsGateTest, FirstMessageMustSayHowToOptOut) {
  OutboundSms m = sms();
  m.body = "Tocsin Action: the hearing is tomorrow.";
  EXPECT_EQ(plan_reason(m), Reason::kOptOutInstructionsMissing);
  for (const char* ok : {"Tocsin Action: hi. Text stop to quit", "Tocsin Action: hi. Opt-out: reply STOP.",
                         "Tocsin Action: hi. To opt out, reply END"})
    EXPECT_TRUE(has_opt_out_instructions(ok)) << ok;
  EXPECT_FALSE(has_opt_out_instructions("Tocsin Action: don't stopgap this")) << "a word, not a substring";
  // Once a message has reached the recipient, later ones may omit the instructions.
  ASSERT_TRUE(gate_.dispatch(sms()).decision.sends());
  EXPECT_EQ(plan_reason(m), Reason::kOk);
}

TEST_F(SmsGateTest, InvalidTextAndTooManySegments) {
  OutboundSms m = sms();
  m.body = std::string(kBody) + "\xff";
  EXPECT_EQ(plan_reason(m), Reason::kInvalidText);
  m.body = std::string(kBody) + std::string(6 * 153 - std::string(kBody).size(), 'x');  // exactly 6 parts
  EXPECT_EQ(plan_reason(m), Reason::kOk);
  m.body += "x";
  EXPECT_EQ(plan_reason(m), Reason::kTooManySegments);
  edit_settings([](OrgMessaging& o) { o.max_segments = 7; });
  EXPECT_EQ(plan_reason(m), Reason::kOk);
}

TEST_F(SmsGateTest, StatusMustBeSubscribed) {
  EXPECT_EQ(plan_reason(sms(Status::kNone, "+12125550001")), Reason::kNotSubscribed);
  EXPECT_EQ(plan_reason(sms(Status::kUnsubscribed, "+12125550002")), Reason::kNotSubscribed);
  EXPECT_EQ(plan_reason(sms(Status::kSubscribed, "+12125550003")), Reason::kOk);
}

TEST_F(SmsGateTest, StopToAnyNumberStopsAll) {
  OutboundSms from_10dlc = sms();
  OutboundSms from_short_code = from_10dlc;
  from_short_code.sender = "12345";
  suppressions_.add_org("org-1", from_10dlc.to.contact, now_);  // STOP texted to the 10DLC number
  EXPECT_EQ(plan_reason(from_10dlc), Reason::kOrgSuppressed);
  EXPECT_EQ(plan_reason(from_short_code), Reason::kOrgSuppressed);
  EXPECT_EQ(gate_.plan(from_short_code).kind, Kind::kSuppress);
}

TEST_F(SmsGateTest, PlatformAndErasureSuppressions) {
  OutboundSms a = sms(Status::kSubscribed, "+12125550011");
  OutboundSms b = sms(Status::kSubscribed, "+12125550012");
  suppressions_.add_platform(a.to.contact, now_);
  suppressions_.add_erased(b.to.contact, now_);
  EXPECT_EQ(plan_reason(a), Reason::kPlatformSuppressed);
  EXPECT_EQ(plan_reason(b), Reason::kErasedContact);
}

TEST_F(SmsGateTest, QuietHoursDeferToTheExactOpening) {
  OutboundSms m = sms();  // a New York number
  now_ = new_york(2026, 1, 14, 21, 0);
  auto d = gate_.dispatch(m);
  EXPECT_EQ(d.decision.kind, Kind::kDeferUntil);
  EXPECT_EQ(d.decision.reason, Reason::kQuietHours);
  EXPECT_EQ(d.decision.defer_until, new_york(2026, 1, 15, 8, 0));
  EXPECT_FALSE(d.cleared);
  now_ = new_york(2026, 1, 15, 8, 0);
  EXPECT_TRUE(gate_.dispatch(m).decision.sends());
}

TEST_F(SmsGateTest, QuietHoursUseTheZipWhenKnown) {
  // A New York number whose owner lives in Florida (ZIP 33101): Florida closes at 20:00.
  OutboundSms m = sms();
  now_ = new_york(2026, 1, 14, 20, 30);
  EXPECT_EQ(plan_reason(m), Reason::kOk);
  m.to.zip = "33101";
  Decision d = gate_.plan(m);
  EXPECT_EQ(d.reason, Reason::kQuietHours);
  // Florida spans Eastern and Central: the next opening is 08:00 Central = 09:00 Eastern.
  EXPECT_EQ(d.defer_until, new_york(2026, 1, 15, 9, 0));
}

TEST_F(SmsGateTest, UnknownTimeZoneIsBlockedNotGuessed) {
  OutboundSms m = sms(Status::kSubscribed, "+442071234567");
  EXPECT_EQ(plan_reason(m), Reason::kTimeZoneUnknown);
  EXPECT_EQ(gate_.plan(m).kind, Kind::kBlock);
}

TEST_F(SmsGateTest, RepliesAreExemptFromQuietHoursAndCaps) {
  OutboundSms m = sms();
  m.kind = MessageKind::kReply;
  now_ = new_york(2026, 1, 14, 23, 0);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(gate_.dispatch(m).decision.sends()) << i;
  // ... but not from suppression.
  suppressions_.add_org("org-1", m.to.contact, now_);
  EXPECT_EQ(plan_reason(m), Reason::kOrgSuppressed);
}

TEST_F(SmsGateTest, FourthMessageIn24HoursIsDeferred) {
  OutboundSms m = sms();
  Micros first = now_;
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(gate_.dispatch(m).decision.sends()) << i;
    now_ += kHour;
  }
  auto d = gate_.dispatch(m);
  EXPECT_EQ(d.decision.reason, Reason::kFrequencyCap);
  EXPECT_EQ(d.decision.kind, Kind::kDeferUntil);
  EXPECT_EQ(d.decision.defer_until, first + 24 * kHour);
  // A stricter organization setting.
  edit_settings([](OrgMessaging& o) { o.sms_cap = FrequencyCap{1, 24 * kHour}; });
  OutboundSms other = sms(Status::kSubscribed, "+12125550077");
  EXPECT_TRUE(gate_.dispatch(other).decision.sends());
  EXPECT_EQ(gate_.dispatch(other).decision.reason, Reason::kFrequencyCap);
}

TEST_F(SmsGateTest, ConcurrentDispatchesRespectTheCap) {
  OutboundSms m = sms();
  std::atomic<int> cleared{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i)
    threads.emplace_back([&] {
      for (int k = 0; k < 20; ++k) cleared += gate_.dispatch(m).cleared.has_value();
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(cleared.load(), 3);
}

class StopConfirmationTest : public SmsGateTest {
 protected:
  OutboundSms confirmation() {
    OutboundSms m = sms(Status::kUnsubscribed);
    m.kind = MessageKind::kStopConfirmation;
    m.blast_recipients = 1;
    m.body = "Tocsin Action: you are unsubscribed and will get no more messages. Reply START to rejoin.";
    return m;
  }
};

TEST_F(StopConfirmationTest, ExactlyOneConfirmationPassesEvenThoughTheNumberIsSuppressed) {
  OutboundSms m = confirmation();
  suppressions_.add_org("org-1", m.to.contact, now_);
  now_ += kMinute;
  EXPECT_EQ(plan_reason(m), Reason::kStopConfirmation);
  auto first = gate_.dispatch(m);
  EXPECT_EQ(first.decision.kind, Kind::kSend);
  EXPECT_EQ(first.decision.reason, Reason::kStopConfirmation);
  EXPECT_TRUE(first.cleared);
  auto second = gate_.dispatch(m);
  EXPECT_EQ(second.decision.reason, Reason::kConfirmationAlreadySent);
  EXPECT_FALSE(second.cleared);
  // Any other message to the number stays suppressed.
  OutboundSms blast = sms(Status::kUnsubscribed);
  EXPECT_EQ(plan_reason(blast), Reason::kOrgSuppressed);
}

TEST_F(StopConfirmationTest, ConfirmationIgnoresQuietHours) {
  OutboundSms m = confirmation();
  now_ = new_york(2026, 1, 14, 23, 30);  // STOP texted late at night
  suppressions_.add_org("org-1", m.to.contact, now_);
  EXPECT_TRUE(gate_.dispatch(m).decision.sends());
}

TEST_F(StopConfirmationTest, NeedsARecordedOptOut) {
  EXPECT_EQ(plan_reason(confirmation()), Reason::kConfirmationWithoutOptOut);
}

TEST_F(StopConfirmationTest, MustGoWithinFiveMinutes) {
  OutboundSms m = confirmation();
  suppressions_.add_org("org-1", m.to.contact, now_);
  now_ += 5 * kMinute;
  EXPECT_EQ(plan_reason(m), Reason::kStopConfirmation);
  now_ += 1;
  EXPECT_EQ(plan_reason(m), Reason::kConfirmationLate);
}

TEST_F(StopConfirmationTest, CarriesNoMarketingAndNamesTheBrand) {
  OutboundSms m = confirmation();
  suppressions_.add_org("org-1", m.to.contact, now_);
  m.marketing = true;
  EXPECT_EQ(plan_reason(m), Reason::kConfirmationMarketing);
  m.marketing = false;
  m.body = "You are unsubscribed.";
  EXPECT_EQ(plan_reason(m), Reason::kBrandMissing);
}

class HelpReplyTest : public SmsGateTest {
 protected:
  OutboundSms help(Status status = Status::kNone) {
    OutboundSms m = sms(status);
    m.kind = MessageKind::kHelpReply;
    m.blast_recipients = 1;
    m.body =
        "Tocsin Action: alerts on local campaigns. Help: help@tocsin.example. Msg freq varies. Msg & data "
        "rates "
        "may apply. Reply STOP to cancel.";
    return m;
  }
};

TEST_F(HelpReplyTest, AnsweredForNumbersThatNeverSubscribed) {
  OutboundSms m = help(Status::kNone);
  EXPECT_EQ(plan_reason(m), Reason::kHelpReply);
  auto d = gate_.dispatch(m);
  EXPECT_EQ(d.decision.kind, Kind::kSend);
  EXPECT_TRUE(d.cleared);
  // The same text as an ordinary reply is refused: the allowance is the kind, not the content.
  m.kind = MessageKind::kReply;
  EXPECT_EQ(plan_reason(m), Reason::kNotSubscribed);
}

TEST_F(HelpReplyTest, AnsweredAfterAnOptOutAndAtNight) {
  OutboundSms m = help(Status::kUnsubscribed);
  suppressions_.add_org("org-1", m.to.contact, now_);
  now_ = new_york(2026, 1, 14, 23, 30);
  EXPECT_EQ(plan_reason(m), Reason::kHelpReply);
  EXPECT_TRUE(gate_.dispatch(m).decision.sends());
  EXPECT_TRUE(gate_.dispatch(m).decision.sends());  // every HELP gets its answer; no cap counts it
  // The opt-out's single confirmation is untouched by HELP answers.
  EXPECT_FALSE(suppressions_.confirmation_claimed("org-1", m.to.contact));
}

TEST_F(HelpReplyTest, PlatformSuppressionAndErasureStillWin) {
  OutboundSms m = help();
  suppressions_.add_erased(m.to.contact, now_);
  EXPECT_EQ(plan_reason(m), Reason::kErasedContact);
  OutboundSms p = help(Status::kNone);
  p.to = recipient(Channel::kSms, "+12125559876", Status::kNone);
  suppressions_.add_platform(p.to.contact, now_);
  EXPECT_EQ(plan_reason(p), Reason::kPlatformSuppressed);
}

TEST_F(HelpReplyTest, NoMarketingAndMustSayHowToStop) {
  OutboundSms m = help();
  m.marketing = true;
  EXPECT_EQ(plan_reason(m), Reason::kHelpReplyMarketing);
  EXPECT_EQ(gate_.plan(m).kind, Kind::kBlock);
  m.marketing = false;
  m.body = "Tocsin Action: alerts on local campaigns. Help: help@tocsin.example.";
  EXPECT_EQ(plan_reason(m), Reason::kOptOutInstructionsMissing);
  m.body = "Help: help@tocsin.example. Reply STOP to cancel.";
  EXPECT_EQ(plan_reason(m), Reason::kBrandMissing);
}

TEST_F(SmsGateTest, MidBlastOptOutFlipsTheDispatchCheck) {
  OutboundSms a = sms(Status::kSubscribed, "+12125550021");
  OutboundSms b = sms(Status::kSubscribed, "+12125550022");
  // Planning: both pass.
  ASSERT_TRUE(gate_.plan(a).sends());
  ASSERT_TRUE(gate_.plan(b).sends());
  // The blast dispatches a, then b texts STOP before its turn.
  EXPECT_TRUE(gate_.dispatch(a).cleared);
  suppressions_.add_org("org-1", b.to.contact, now_);
  auto d = gate_.dispatch(b);
  EXPECT_EQ(d.decision.reason, Reason::kOrgSuppressed);
  EXPECT_FALSE(d.cleared);
}

TEST_F(SmsGateTest, MidBlastQuietHourFlipsTheDispatchCheck) {
  OutboundSms m = sms();
  now_ = new_york(2026, 1, 14, 20, 59);
  ASSERT_TRUE(gate_.plan(m).sends());
  now_ = new_york(2026, 1, 14, 21, 0);  // the queue reached this recipient a minute later
  auto d = gate_.dispatch(m);
  EXPECT_EQ(d.decision.reason, Reason::kQuietHours);
  EXPECT_EQ(d.decision.defer_until, new_york(2026, 1, 15, 8, 0));
}

}  // namespace
}  // namespace tocsin::policy

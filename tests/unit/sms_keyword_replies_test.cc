// HELP/INFO answer and STOP confirmation texts (SMS-K3, SMS-K4): every slot present, one segment, and each
// text passes the gate as the kind it is sent as.
#include <gtest/gtest.h>

#include "policy/sms_segments.h"
#include "policy_gate_fixture.h"
#include "sms/keyword_replies.h"

namespace tocsin::sms {
namespace {

ProgramInfo program() {
  return ProgramInfo{"Tocsin Action", "Alerts on local campaigns", "help@tocsin.example", "Msg freq varies"};
}

TEST(KeywordRepliesTest, HelpAnswerCarriesEverySlotInOneSegment) {
  ProgramInfo p = program();
  ASSERT_TRUE(validate(p));
  std::string help = help_reply(p);
  EXPECT_EQ(
      help,
      "Tocsin Action: Alerts on local campaigns. Help: help@tocsin.example. Msg freq varies. Msg & data "
      "rates may apply. Reply STOP to cancel.");
  EXPECT_EQ(policy::count_segments(help).segments, 1);
}

TEST(KeywordRepliesTest, TheDescriptionIsOptional) {
  ProgramInfo p = program();
  p.description.clear();
  ASSERT_TRUE(validate(p));
  EXPECT_EQ(
      help_reply(p),
      "Tocsin Action: Help: help@tocsin.example. Msg freq varies. Msg & data rates may apply. Reply STOP "
      "to cancel.");
}

TEST(KeywordRepliesTest, EmptySlotsAndLongAnswersAreRefused) {
  ProgramInfo p = program();
  p.help_contact = "  ";
  auto r = validate(p);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().http_status, 422);
  EXPECT_EQ(r.error().message, "the texting program needs a help_contact for its HELP answer");
  p = program();
  p.description = std::string(60, 'x');
  auto long_r = validate(p);
  ASSERT_FALSE(long_r);
  EXPECT_NE(long_r.error().message.find("must fit one SMS segment; it needs 2"), std::string::npos);
}

TEST(KeywordRepliesTest, StopConfirmationNamesTheBrandAndNothingElse) {
  EXPECT_EQ(
      stop_confirmation(program()),
      "Tocsin Action: You are unsubscribed and will receive no more messages. Reply START to resubscribe.");
}

class KeywordRepliesGateTest : public policy::testing::GateTest {};

TEST_F(KeywordRepliesGateTest, EachTextPassesTheGateAsItsKind) {
  ProgramInfo p = program();
  policy::OutboundSms m;
  m.org_id = "org-1";
  m.to = recipient(Channel::kSms, "+12125551234", consent::Status::kNone);
  m.sender = "+12025550100";
  m.kind = policy::MessageKind::kHelpReply;
  m.body = help_reply(p);
  EXPECT_EQ(gate_.plan(m).reason, policy::Reason::kHelpReply);
  suppressions_.add_org("org-1", m.to.contact, now_);
  m.kind = policy::MessageKind::kStopConfirmation;
  m.body = stop_confirmation(p);
  EXPECT_EQ(gate_.plan(m).reason, policy::Reason::kStopConfirmation);
  suppressions_.remove_org("org-1", m.to.contact);
  org_.status[m.to.contact] = consent::Status::kSubscribed;
  m.kind = policy::MessageKind::kReply;
  m.body = resubscribe_reply(p);
  EXPECT_EQ(gate_.plan(m).reason, policy::Reason::kOk);
}

}  // namespace
}  // namespace tocsin::sms

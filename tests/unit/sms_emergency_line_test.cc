// The HELP answer's emergency contact line (issue 15, docs/SMS.md "HELP and the emergency line"): appended
// after the compliant one-segment answer, the whole at most two segments, refused when it does not fit and
// left out (never the answer) when later changes made it too long.
#include <gtest/gtest.h>

#include "policy/sms_segments.h"
#include "sms/keyword_replies.h"

namespace tocsin::sms {
namespace {

constexpr const char* kLine = "In an emergency call 911; our 24h hotline: 202-555-0199.";

ProgramInfo program(std::string line = kLine) {
  return ProgramInfo{"Tocsin Action", "", "help@tocsin.example", "Up to 4 msgs/mo", std::move(line)};
}

TEST(EmergencyLine, FollowsTheCompliantAnswerInTwoSegments) {
  ProgramInfo p = program();
  ASSERT_TRUE(validate(p));
  ASSERT_TRUE(check_emergency_line(p, p.emergency));
  std::string answer = help_answer(p);
  EXPECT_EQ(
      answer,
      "Tocsin Action: Help: help@tocsin.example. Up to 4 msgs/mo. Msg & data rates may apply. Reply STOP "
      "to cancel. In an emergency call 911; our 24h hotline: 202-555-0199.");
  // The compliant part is still one segment by itself (SMS-K3), and comes first.
  EXPECT_EQ(answer.rfind(help_reply(p), 0), 0u);
  EXPECT_EQ(policy::count_segments(help_reply(p)).segments, 1);
  EXPECT_EQ(policy::count_segments(answer).segments, 2);
}

TEST(EmergencyLine, NoLineNoChange) {
  ProgramInfo p = program("");
  EXPECT_EQ(help_answer(p), help_reply(p));
  EXPECT_EQ(policy::count_segments(help_answer(p)).segments, 1);
}

TEST(EmergencyLine, TooLongControlCharactersOrThreeSegmentsAreRefused) {
  ProgramInfo p = program();
  auto r = check_emergency_line(p, std::string(121, 'x'));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().http_status, 400);
  EXPECT_NE(r.error().message.find("120 characters"), std::string::npos);
  EXPECT_FALSE(check_emergency_line(p, "call\n911"));
  EXPECT_FALSE(check_emergency_line(p, "\xff\xfe"));
  // A UCS-2 line (an emoji) makes the whole answer UCS-2: 67 units a segment, so it needs three.
  auto three = check_emergency_line(p, "🚨 In an emergency call 911; our 24h hotline: 202-555-0199.");
  ASSERT_FALSE(three);
  EXPECT_NE(three.error().message.find("needs 3 segments"), std::string::npos) << three.error().message;
}

TEST(EmergencyLine, AnyGsm7LineWithinTheLimitFits) {
  // The compliant part is one segment (160 at most) and the line 120: two segments (306) always hold them.
  ProgramInfo p = program(std::string(120, 'e'));
  p.description = std::string(40, 'd');
  ASSERT_TRUE(validate(p));
  EXPECT_TRUE(check_emergency_line(p, p.emergency));
  EXPECT_EQ(policy::count_segments(help_answer(p)).segments, 2);
}

TEST(EmergencyLine, ALineThatDoesNotFitIsLeftOutNotTheAnswer) {
  // Stored without the check (an older document, a direct write): the HELP answer still goes, without it.
  ProgramInfo p = program("🚨 In an emergency call 911; our 24h hotline: 202-555-0199.");
  ASSERT_FALSE(check_emergency_line(p, p.emergency));
  EXPECT_EQ(help_answer(p), help_reply(p));
}

}  // namespace
}  // namespace tocsin::sms

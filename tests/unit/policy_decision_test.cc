// Decisions and reason codes: stable, unique snake_case names, a source and a sentence for every reason.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "policy/decision.h"

namespace tocsin::policy {
namespace {

bool snake_case(std::string_view s) {
  if (s.empty() || s.front() == '_' || s.back() == '_') return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || c == '_')) return false;
  return true;
}

TEST(Decision, EveryReasonHasAUniqueSnakeCaseNameASourceAndASentence) {
  size_t n = 0;
  const Reason* reasons = all_reasons(&n);
  ASSERT_GT(n, 30u);
  std::set<std::string_view> names;
  for (size_t i = 0; i < n; ++i) {
    Reason r = reasons[i];
    EXPECT_TRUE(snake_case(reason_name(r))) << reason_name(r);
    EXPECT_TRUE(names.insert(reason_name(r)).second) << "duplicate " << reason_name(r);
    if (r != Reason::kOk) {
      EXPECT_FALSE(rule_source(r).empty()) << reason_name(r);
    }
    EXPECT_FALSE(Decision::refuse(r).sentence.empty()) << reason_name(r);
  }
}

TEST(Decision, StableNamesOfSomeReasons) {
  // These strings are stored with deliveries: they must not change.
  EXPECT_EQ(reason_name(Reason::kOrgSuppressed), "org_suppressed");
  EXPECT_EQ(reason_name(Reason::kQuietHours), "quiet_hours");
  EXPECT_EQ(reason_name(Reason::kFrequencyCap), "frequency_cap");
  EXPECT_EQ(reason_name(Reason::kLongCodeBulk), "long_code_bulk");
  EXPECT_EQ(reason_name(Reason::kErasedContact), "erased_contact");
  EXPECT_EQ(kind_name(Kind::kDeferUntil), "defer_until");
}

TEST(Decision, KindsFollowTheReason) {
  EXPECT_EQ(kind_of(Reason::kOk), Kind::kSend);
  EXPECT_EQ(kind_of(Reason::kStopConfirmation), Kind::kSend);
  EXPECT_EQ(kind_of(Reason::kOrgSuppressed), Kind::kSuppress);
  EXPECT_EQ(kind_of(Reason::kSpamComplaint), Kind::kSuppress);
  EXPECT_EQ(kind_of(Reason::kOrgSuspended), Kind::kBlock);
  EXPECT_EQ(kind_of(Reason::kQuietHours), Kind::kDeferUntil);
  EXPECT_EQ(kind_of(Reason::kFrequencyCap), Kind::kDeferUntil);
}

TEST(Decision, DeferCarriesTheInstantAndTheDetail) {
  Decision d = Decision::defer(Reason::kQuietHours, 1234, "Opens at 08:00.");
  EXPECT_EQ(d.kind, Kind::kDeferUntil);
  EXPECT_EQ(d.defer_until, 1234);
  EXPECT_NE(d.sentence.find("Opens at 08:00."), std::string::npos);
  EXPECT_FALSE(d.sends());
  Decision s = Decision::send();
  EXPECT_TRUE(s.sends());
  EXPECT_EQ(s.defer_until, std::nullopt);
}

}  // namespace
}  // namespace tocsin::policy

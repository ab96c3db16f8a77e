// SMS provider profiles (issue 15): the shipped data parses, each profile's rules refuse what the provider
// forbids with their own reason code, and the gate applies the installation's profile to every text.
#include "policy/provider_profile.h"

#include "policy_gate_fixture.h"

namespace tocsin::policy {
namespace {

using consent::Status;

constexpr const char* kBody = "Tocsin Action: the hearing is tomorrow at 10. Reply STOP to opt out.";

TEST(ProviderProfiles, TheShippedProfilesParseAndUnknownNamesAreRefusedNamingTheKnownOnes) {
  std::vector<std::string> names;
  for (const auto& p : provider_profiles()) {
    names.push_back(p.name);
    EXPECT_FALSE(p.description.empty()) << p.name;
  }
  EXPECT_EQ(names, (std::vector<std::string>{"default", "no_marketing", "per_number_type"}));
  auto none = provider_profile("twilio_plus");
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().http_status, 400);
  EXPECT_NE(none.error().message.find("default, no_marketing, per_number_type"), std::string::npos);
}

TEST(ProviderProfiles, DefaultAddsNoRule) {
  auto p = provider_profile("default").value();
  for (auto t : {SenderType::kLongCode, SenderType::kTenDlc, SenderType::kTollFree, SenderType::kShortCode}) {
    EXPECT_FALSE(provider_rule(p, t, true, 1'000'000, 10));
    EXPECT_EQ(p.pace(t, 250), 250);
  }
}

TEST(ProviderProfiles, NoMarketingRefusesMarketingOnEveryKindOfNumber) {
  auto p = provider_profile("no_marketing").value();
  for (auto t : {SenderType::kLongCode, SenderType::kTenDlc, SenderType::kTollFree, SenderType::kShortCode}) {
    auto d = provider_rule(p, t, true, 10, 1);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->reason, Reason::kProviderForbidsMarketing);
    EXPECT_EQ(reason_name(d->reason), "provider_forbids_marketing");
    EXPECT_NE(d->sentence.find("Provider profile \"no_marketing\""), std::string::npos) << d->sentence;
    EXPECT_FALSE(provider_rule(p, t, false, 100000, 6));  // other texts go as usual
  }
}

TEST(ProviderProfiles, PerNumberTypeRulesLimitBlastsSegmentsAndPace) {
  auto p = provider_profile("per_number_type").value();
  EXPECT_EQ(provider_rule(p, SenderType::kLongCode, true, 1, 1)->reason, Reason::kProviderForbidsMarketing);
  EXPECT_FALSE(provider_rule(p, SenderType::kLongCode, false, 200, 3));
  auto big = provider_rule(p, SenderType::kLongCode, false, 201, 1);
  ASSERT_TRUE(big);
  EXPECT_EQ(big->reason, Reason::kProviderBlastLimit);
  EXPECT_NE(big->sentence.find("the blast has 201 recipients; the provider allows 200"), std::string::npos);
  EXPECT_EQ(provider_rule(p, SenderType::kTenDlc, true, 100000, 5)->reason, Reason::kProviderSegmentLimit);
  EXPECT_FALSE(provider_rule(p, SenderType::kTenDlc, true, 100000, 4));  // marketing is allowed on 10DLC
  EXPECT_FALSE(provider_rule(p, SenderType::kShortCode, true, 1'000'000, 10));
  EXPECT_EQ(p.pace(SenderType::kLongCode, 10), 1);
  EXPECT_EQ(p.pace(SenderType::kTollFree, 10), 3);
  EXPECT_EQ(p.pace(SenderType::kTollFree, 2), 2);  // a lower grant of the carrier's stands
  EXPECT_EQ(p.pace(SenderType::kTenDlc, 10), 10);
}

class ProviderGateTest : public testing::GateTest {
 protected:
  OutboundSms text(const std::string& sender, bool marketing, MessageKind kind = MessageKind::kBlast) {
    OutboundSms m;
    m.org_id = "org-1";
    m.to = recipient(Channel::kSms, "+12125551234",
                     kind == MessageKind::kHelpReply ? Status::kNone : Status::kSubscribed);
    m.kind = kind;
    m.marketing = marketing;
    m.blast_recipients = kind == MessageKind::kBlast ? 1000 : 1;
    m.sender = sender;
    m.body = kBody;
    return m;
  }
};

TEST_F(ProviderGateTest, TheGateAppliesTheInstallationsProfileToRegisteredSendersToo) {
  // Under the carriers' rules alone, a registered 10DLC number and a short code carry marketing.
  EXPECT_TRUE(gate_.plan(text("+12025550100", true)).sends());
  EXPECT_TRUE(gate_.plan(text("12345", true)).sends());
  gate_.apply_provider_profile(provider_profile("no_marketing").value());
  for (const char* sender : {"+12025550100", "12345"}) {
    Decision d = gate_.plan(text(sender, true));
    EXPECT_EQ(d.reason, Reason::kProviderForbidsMarketing) << sender;
    EXPECT_EQ(d.kind, Kind::kBlock);
    EXPECT_FALSE(gate_.dispatch(text(sender, true)).cleared);
    EXPECT_TRUE(gate_.plan(text(sender, false)).sends()) << sender;
  }
  // The HELP answer is never marketing: it still goes.
  EXPECT_EQ(gate_.plan(text("+12025550100", false, MessageKind::kHelpReply)).reason, Reason::kHelpReply);
}

TEST_F(ProviderGateTest, APlainLongCodeStillMeetsTheCarriersRuleFirst) {
  gate_.apply_provider_profile(provider_profile("no_marketing").value());
  EXPECT_EQ(gate_.plan(text("+12025550101", true)).reason, Reason::kLongCodeBulk);
}

}  // namespace
}  // namespace tocsin::policy

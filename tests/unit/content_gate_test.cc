// The gate's content rule (policy/gate.h with a content::Screener): blocked and held content with the
// finding in the decision's sentence, approval passing a hold but never a block, the per-thread memo
// following the organization's settings, and content judged before the recipient rules.
#include "policy_gate_fixture.h"

namespace tocsin::policy {
namespace {

class ContentGateTest : public testing::GateTest {
 protected:
  ContentGateTest() { gate_.screen_with(std::make_shared<content::Screener>()); }
  OutboundSms text(const std::string& body) {
    OutboundSms m;
    m.org_id = "org-1";
    m.to = recipient(Channel::kSms, "+12125551234", consent::Status::kSubscribed);
    m.sender = "+12025550100";
    m.body = body;
    return m;
  }
  OutboundEmail mail(const std::string& html, bool approved = false) {
    OutboundEmail m;
    m.org_id = "org-1";
    m.to = recipient(Channel::kEmail, "ann@example.com", consent::Status::kSubscribed);
    m.from_domain = "news.example.org";
    m.content = std::make_shared<const EmailContent>(EmailContent{"Tocsin Action", "News", html, approved});
    return m;
  }
};

TEST_F(ContentGateTest, BlockedContentIsRefusedWithTheFinding) {
  auto d = gate_.plan(text("Tocsin Action: sign at bit.ly/abc. Reply STOP to opt out."));
  EXPECT_EQ(d.reason, Reason::kContentBlocked);
  EXPECT_EQ(d.kind, Kind::kBlock);
  EXPECT_NE(d.sentence.find("public_shortener"), std::string::npos);
  EXPECT_NE(d.sentence.find("bit.ly/abc"), std::string::npos);
}

TEST_F(ContentGateTest, HeldContentPassesOnceApproved) {
  auto m = text("Tocsin Action: $5 beers at the fundraiser! Reply STOP to opt out.");
  EXPECT_EQ(gate_.plan(m).reason, Reason::kContentHeld);
  m.review_approved = true;
  EXPECT_EQ(gate_.plan(m).reason, Reason::kOk);
  // Approval never passes a block.
  auto blocked = text("Tocsin Action: card 4111111111111111. Reply STOP to opt out.");
  blocked.review_approved = true;
  EXPECT_EQ(gate_.plan(blocked).reason, Reason::kContentBlocked);
}

TEST_F(ContentGateTest, EmailContentIsScreenedAndRegistrationsApply) {
  EXPECT_EQ(gate_.plan(mail("<p>Join us for the rally</p>")).reason, Reason::kOk);
  EXPECT_EQ(gate_.plan(mail("<p>Open bar and bourbon tasting!</p>")).reason, Reason::kContentHeld);
  EXPECT_EQ(gate_.plan(mail("<p>Open bar and bourbon tasting!</p>", true)).reason, Reason::kOk);
  // The memo follows the organization's settings: registering the content takes effect at once.
  edit_settings([](OrgMessaging& m) { m.age_gated_content = {"alcohol"}; });
  EXPECT_EQ(gate_.plan(mail("<p>Open bar and bourbon tasting!</p>")).reason, Reason::kOk);
}

TEST_F(ContentGateTest, ContentBlocksComeBeforeRecipientRules) {
  auto m = text("Tocsin Action: card 4111111111111111. Reply STOP to opt out.");
  m.to = recipient(Channel::kSms, "+12125559999", consent::Status::kUnsubscribed);
  EXPECT_EQ(gate_.plan(m).reason, Reason::kContentBlocked);
}

}  // namespace
}  // namespace tocsin::policy

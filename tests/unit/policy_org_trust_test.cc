// Per-organization trust (issue 15): the review of a new organization's first large blasts, the automatic
// pauses' figures and limits, and the text-blast pause as a gate rule — positive and negative cases with
// their reason codes.
#include "policy/org_trust.h"

#include "policy_gate_fixture.h"

namespace tocsin::policy {
namespace {

using consent::Status;

constexpr const char* kBody = "Tocsin Action: the hearing is tomorrow at 10. Reply STOP to opt out.";

class TrustGateTest : public testing::GateTest {
 protected:
  TrustGateTest() { gate_.review_new_orgs({3, 1000}); }
  OutboundSms text(int64_t recipients, MessageKind kind = MessageKind::kBlast,
                   Status status = Status::kSubscribed) {
    OutboundSms m;
    m.org_id = "org-1";
    m.to = recipient(Channel::kSms, "+12125551234", status);
    m.kind = kind;
    m.blast_recipients = recipients;
    m.sender = "+12025550100";
    m.body = kBody;
    return m;
  }
  OutboundEmail mail(int64_t recipients, bool approved = false) {
    auto content = std::make_shared<EmailContent>();
    content->from_name = "Tocsin Action";
    content->subject = "The hearing";
    content->body_html = "<p>The hearing is tomorrow.</p>";
    content->review_approved = approved;
    OutboundEmail m{"org-1", recipient(Channel::kEmail, "ada@example.com", Status::kSubscribed),
                    MessageKind::kBlast, "news.example.org", content};
    m.blast_recipients = recipients;
    return m;
  }
  void started(std::vector<int64_t> sizes) {
    edit_settings([&](OrgMessaging& o) { o.started_blasts = sizes; });
  }
};

TEST_F(TrustGateTest, ANewOrganizationsFirstLargeBlastIsHeldWithWhichOneAndTheLimits) {
  Decision d = gate_.plan(text(2500));
  EXPECT_EQ(d.reason, Reason::kNewOrgReview);
  EXPECT_EQ(d.kind, Kind::kBlock);
  EXPECT_EQ(reason_name(d.reason), "new_org_review");
  EXPECT_NE(d.sentence.find("first 3 blasts over 1000 recipients"), std::string::npos) << d.sentence;
  EXPECT_NE(d.sentence.find("this one has 2500 recipients and would be large blast 1 of 3"),
            std::string::npos)
      << d.sentence;
  EXPECT_EQ(gate_.plan(mail(1001)).reason, Reason::kNewOrgReview);
  EXPECT_FALSE(gate_.dispatch(text(2500)).cleared);
}

TEST_F(TrustGateTest, SmallBlastsAndWhatAPersonAskedForAreNeverHeld) {
  EXPECT_TRUE(gate_.plan(text(1000)).sends());  // "over" 1000: exactly 1000 is not
  EXPECT_TRUE(gate_.plan(mail(1000)).sends());
  EXPECT_TRUE(gate_.plan(text(5000, MessageKind::kReply)).sends());
  EXPECT_EQ(gate_.plan(text(5000, MessageKind::kHelpReply, Status::kNone)).reason, Reason::kHelpReply);
}

TEST_F(TrustGateTest, TheOperatorsApprovalOrTrustReleasesIt) {
  OutboundSms m = text(2500);
  m.review_approved = true;
  EXPECT_TRUE(gate_.plan(m).sends());
  EXPECT_TRUE(gate_.plan(mail(5000, true)).sends());
  edit_settings([](OrgMessaging& o) { o.trusted = true; });
  EXPECT_TRUE(gate_.plan(text(2500)).sends());
  EXPECT_TRUE(gate_.plan(mail(5000)).sends());
}

TEST_F(TrustGateTest, AfterItsFirstLargeBlastsTheOrganizationSendsWithoutReview) {
  started({5000, 20, 3000});  // two large blasts started: the third is still reviewed
  Decision d = gate_.plan(text(2500));
  EXPECT_EQ(d.reason, Reason::kNewOrgReview);
  EXPECT_NE(d.sentence.find("large blast 3 of 3"), std::string::npos) << d.sentence;
  started({5000, 20, 3000, 1200});
  EXPECT_TRUE(gate_.plan(text(2500)).sends());
}

TEST_F(TrustGateTest, ReviewOffWhenConfiguredSo) {
  gate_.review_new_orgs({0, 1000});
  EXPECT_TRUE(gate_.plan(text(100000)).sends());
}

TEST_F(TrustGateTest, ReviewComesAfterTheOrganizationsBlocks) {
  settings_.set_suspended("org-1", true);
  EXPECT_EQ(gate_.plan(text(2500)).reason, Reason::kOrgSuspended);
}

TEST_F(TrustGateTest, PausedTextBlastsAreRefusedWithTheFiguresButAnswersGo) {
  const std::string why =
      "undeliverable rate 12.50% (25 undelivered or carrier-refused texts of 200 handed "
      "over) on message m1 passed 10.0%";
  edit_settings([&](OrgMessaging& o) { o.bulk_texts_paused_reason = why; });
  Decision d = gate_.plan(text(10));
  EXPECT_EQ(d.reason, Reason::kBulkTextsPaused);
  EXPECT_EQ(reason_name(d.reason), "bulk_texts_paused");
  EXPECT_NE(d.sentence.find(why), std::string::npos) << d.sentence;
  EXPECT_TRUE(gate_.plan(text(1, MessageKind::kReply)).sends());
  EXPECT_EQ(gate_.plan(text(1, MessageKind::kHelpReply, Status::kNone)).reason, Reason::kHelpReply);
  // Email is a different channel: its own pause (bulk_email_paused) is not touched.
  EXPECT_TRUE(gate_.plan(mail(10)).sends());
}

TEST(PauseLimits, ComplaintRateAtThreeInAThousandPausesEmail) {
  PauseLimits l;
  EXPECT_FALSE(email_pause_reason({1000, 2, 0, 0}, l, "m1"));
  auto why = email_pause_reason({1000, 3, 0, 0}, l, "m1");
  ASSERT_TRUE(why);
  EXPECT_EQ(*why, "complaint rate 0.30% (3 complaints of 1000 handed over) on message m1 passed 0.3%");
  // Below the minimum denominator a rate means nothing.
  EXPECT_FALSE(email_pause_reason({999, 30, 0, 0}, l, "m1"));
  l.complaint_percent = 0;  // off
  EXPECT_FALSE(email_pause_reason({1000, 30, 0, 0}, l, "m1"));
}

TEST(PauseLimits, UnknownUserRatePausesEmailWithItsFigures) {
  PauseLimits l;
  EXPECT_FALSE(email_pause_reason({1000, 0, 49, 0}, l, "m2"));
  auto why = email_pause_reason({1000, 0, 50, 0}, l, "m2");
  ASSERT_TRUE(why);
  EXPECT_EQ(*why,
            "unknown-user rate 5.00% (50 hard bounces 5.1.1 of 1000 handed over) on message m2 passed 5.0%");
  // Complaints are named first when both pass.
  EXPECT_EQ(email_pause_reason({1000, 3, 60, 0}, l, "m2")->rfind("complaint rate", 0), 0u);
}

TEST(PauseLimits, UndeliverableTextsPauseTexts) {
  PauseLimits l;
  EXPECT_FALSE(texts_pause_reason({200, 0, 0, 19}, l, "m3"));
  auto why = texts_pause_reason({200, 0, 0, 20}, l, "m3");
  ASSERT_TRUE(why);
  EXPECT_EQ(
      *why,
      "undeliverable rate 10.00% (20 undelivered or carrier-refused texts of 200 handed over) on message m3 "
      "passed 10.0%");
  EXPECT_FALSE(texts_pause_reason({199, 0, 0, 199}, l, "m3"));
  l.texts_min_handed_over = 4;
  EXPECT_TRUE(texts_pause_reason({4, 0, 0, 1}, l, "m3"));  // 25 % of 4
}

}  // namespace
}  // namespace tocsin::policy

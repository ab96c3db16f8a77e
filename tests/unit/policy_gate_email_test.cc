// The gate's email rules (issue 4): each rule with a passing and a failing case and its reason code.
#include <type_traits>

#include "policy_gate_fixture.h"

namespace tocsin::policy {
namespace {

using consent::Status;
using testing::kHour;

// Only the gate constructs a clearance: not from a message, not by default, not by copying.
static_assert(!std::is_constructible_v<ClearedEmail, OutboundEmail, Micros>);
static_assert(!std::is_constructible_v<ClearedEmail, OutboundEmail>);
static_assert(!std::is_default_constructible_v<ClearedEmail>);
static_assert(!std::is_copy_constructible_v<ClearedEmail>);
static_assert(!std::is_copy_assignable_v<ClearedEmail>);
static_assert(std::is_move_constructible_v<ClearedEmail>);
static_assert(!std::is_constructible_v<ClearedSms, OutboundSms, Micros>);
static_assert(!std::is_copy_constructible_v<ClearedSms>);

class EmailGateTest : public testing::GateTest {
 protected:
  OutboundEmail email(Status status = Status::kSubscribed, const std::string& address = "ada@example.com") {
    return OutboundEmail{"org-1", recipient(Channel::kEmail, address, status), MessageKind::kBlast,
                         "news.example.org"};
  }
};

TEST_F(EmailGateTest, SubscribedRecipientIsClearedForSending) {
  OutboundEmail m = email();
  EXPECT_EQ(gate_.plan(m).reason, Reason::kOk);
  auto d = gate_.dispatch(m);
  EXPECT_EQ(d.decision.kind, Kind::kSend);
  ASSERT_TRUE(d.cleared);
  EXPECT_EQ(d.cleared->message().to.address, "ada@example.com");
  EXPECT_EQ(d.cleared->cleared_at(), now_);
}

TEST_F(EmailGateTest, RefusalsCarryNoClearance) {
  auto d = gate_.dispatch(email(Status::kUnsubscribed));
  EXPECT_EQ(d.decision.kind, Kind::kSuppress);
  EXPECT_FALSE(d.cleared);
}

TEST_F(EmailGateTest, UnknownOrganizationIsBlocked) {
  OutboundEmail m = email();
  m.org_id = "org-unknown";
  EXPECT_EQ(gate_.plan(m).reason, Reason::kOrgUnknown);
  EXPECT_EQ(gate_.plan(m).kind, Kind::kBlock);
}

TEST_F(EmailGateTest, SuspendedOrganizationIsBlockedUntilLifted) {
  OutboundEmail m = email();
  settings_.set_suspended("org-1", true);
  EXPECT_EQ(gate_.plan(m).reason, Reason::kOrgSuspended);
  EXPECT_EQ(gate_.plan(m).kind, Kind::kBlock);
  settings_.set_suspended("org-1", false);
  EXPECT_EQ(gate_.plan(m).reason, Reason::kOk);
}

TEST_F(EmailGateTest, OverdueEvidenceBlocksApartFromTheOperatorsSuspension) {
  edit_settings([](OrgMessaging& o) { o.evidence_overdue = "consent evidence request r1 unanswered"; });
  Decision d = gate_.plan(email());
  EXPECT_EQ(d.reason, Reason::kEvidenceOverdue);
  EXPECT_EQ(d.kind, Kind::kBlock);
  EXPECT_NE(d.sentence.find("r1"), std::string::npos) << d.sentence;
  edit_settings([](OrgMessaging& o) { o.suspended = true; });
  EXPECT_EQ(gate_.plan(email()).reason, Reason::kOrgSuspended);
  edit_settings([](OrgMessaging& o) { o.evidence_overdue.clear(); });
  EXPECT_EQ(gate_.plan(email()).reason, Reason::kOrgSuspended);
  edit_settings([](OrgMessaging& o) { o.suspended = false; });
  EXPECT_EQ(gate_.plan(email()).reason, Reason::kOk);
}

TEST_F(EmailGateTest, RestrictedPersonIsSuppressedOthersAreNot) {
  OutboundEmail restricted = email(Status::kSubscribed, "kept@example.com");
  edit_settings([&](OrgMessaging& o) { o.restricted.insert(restricted.to.contact); });
  EXPECT_EQ(gate_.plan(restricted).reason, Reason::kRestricted);
  EXPECT_EQ(gate_.plan(restricted).kind, Kind::kSuppress);
  EXPECT_FALSE(gate_.dispatch(restricted).cleared);
  EXPECT_EQ(gate_.plan(email()).reason, Reason::kOk);
}

TEST_F(EmailGateTest, SuspensionSentenceCarriesThePlatformsReason) {
  edit_settings([](OrgMessaging& o) {
    o.suspended = true;
    o.suspended_reason = "AUP review: purchased list (ticket 4711)";
  });
  Decision d = gate_.plan(email());
  EXPECT_EQ(d.reason, Reason::kOrgSuspended);
  EXPECT_NE(d.sentence.find("suspended"), std::string::npos) << d.sentence;
  EXPECT_NE(d.sentence.find("AUP review: purchased list (ticket 4711)"), std::string::npos)
      << "`org suspend --reason` is shown with every refusal: " << d.sentence;
  EXPECT_NE(gate_.dispatch(email()).decision.sentence.find("ticket 4711"), std::string::npos);
}

TEST_F(EmailGateTest, BulkEmailPauseBlocksBlastsWithItsReasonButNotOneOffs) {
  OutboundEmail blast = email();
  OutboundEmail autoresponse = blast;
  autoresponse.kind = MessageKind::kOneOff;
  edit_settings([](OrgMessaging& o) {
    o.bulk_email_paused = true;
    o.bulk_email_paused_reason = "complaint rate 0.40% on message m1 passed 0.3%";
  });
  Decision d = gate_.plan(blast);
  EXPECT_EQ(d.reason, Reason::kBulkEmailPaused);
  EXPECT_EQ(d.kind, Kind::kBlock);
  EXPECT_EQ(reason_name(d.reason), "bulk_email_paused");
  EXPECT_NE(d.sentence.find("paused"), std::string::npos) << d.sentence;
  EXPECT_NE(d.sentence.find("complaint rate 0.40%"), std::string::npos) << "the sentence says why";
  auto at_dispatch = gate_.dispatch(blast);
  EXPECT_EQ(at_dispatch.decision.reason, Reason::kBulkEmailPaused);
  EXPECT_FALSE(at_dispatch.cleared);
  EXPECT_TRUE(gate_.dispatch(autoresponse).decision.sends()) << "transactional mail is not bulk";
  // The pause sits below suspension and above the recipient's own state.
  OutboundEmail unsubscribed = email(Status::kUnsubscribed, "u@example.com");
  EXPECT_EQ(gate_.plan(unsubscribed).reason, Reason::kBulkEmailPaused);
  settings_.set_suspended("org-1", true);
  EXPECT_EQ(gate_.plan(blast).reason, Reason::kOrgSuspended);
  settings_.set_suspended("org-1", false);
  edit_settings([](OrgMessaging& o) { o.bulk_email_paused = false; });
  EXPECT_TRUE(gate_.plan(blast).sends()) << "lifted: blasts go again";
}

TEST_F(EmailGateTest, EachSubscriptionStatusHasItsReason) {
  EXPECT_EQ(gate_.plan(email(Status::kSubscribed, "a@example.com")).reason, Reason::kOk);
  EXPECT_EQ(gate_.plan(email(Status::kNone, "b@example.com")).reason, Reason::kNotSubscribed);
  EXPECT_EQ(gate_.plan(email(Status::kUnsubscribed, "c@example.com")).reason, Reason::kNotSubscribed);
  EXPECT_EQ(gate_.plan(email(Status::kBouncing, "d@example.com")).reason, Reason::kBouncing);
  EXPECT_EQ(gate_.plan(email(Status::kPreviousBounce, "e@example.com")).reason, Reason::kPreviousBounce);
  EXPECT_EQ(gate_.plan(email(Status::kSpamComplaint, "f@example.com")).reason, Reason::kSpamComplaint);
  EXPECT_EQ(gate_.plan(email(Status::kPreviousSpamComplaint, "g@example.com")).reason,
            Reason::kPreviousSpamComplaint);
  EXPECT_EQ(gate_.plan(email(Status::kSpamComplaint, "f@example.com")).kind, Kind::kSuppress);
}

TEST_F(EmailGateTest, SuppressionsByScope) {
  OutboundEmail org_level = email(Status::kSubscribed, "o@example.com");
  OutboundEmail platform = email(Status::kSubscribed, "p@example.com");
  OutboundEmail erased = email(Status::kSubscribed, "e@example.com");
  suppressions_.add_org("org-2", org_level.to.contact, now_);
  EXPECT_EQ(gate_.plan(org_level).reason, Reason::kOk) << "another organization's opt-out does not apply";
  suppressions_.add_org("org-1", org_level.to.contact, now_);
  suppressions_.add_platform(platform.to.contact, now_);
  suppressions_.add_erased(erased.to.contact, now_);
  EXPECT_EQ(gate_.plan(org_level).reason, Reason::kOrgSuppressed);
  EXPECT_EQ(gate_.plan(platform).reason, Reason::kPlatformSuppressed);
  EXPECT_EQ(gate_.plan(erased).reason, Reason::kErasedContact);
  EXPECT_EQ(gate_.plan(erased).kind, Kind::kSuppress);
}

TEST_F(EmailGateTest, ErasureStubBeatsAReimportedSubscription) {
  // Invariant 5: a later import re-subscribing the address does not make it sendable.
  OutboundEmail m = email(Status::kSubscribed);
  suppressions_.add_erased(m.to.contact, now_ - kHour);
  EXPECT_EQ(gate_.dispatch(m).decision.reason, Reason::kErasedContact);
}

TEST_F(EmailGateTest, SenderDomainMustBeVerified) {
  OutboundEmail m = email();
  m.from_domain = "NEWS.Example.org";
  EXPECT_EQ(gate_.plan(m).reason, Reason::kOk) << "domains compare case-insensitively";
  m.from_domain = "spoofed.example.net";
  EXPECT_EQ(gate_.plan(m).reason, Reason::kSenderDomainUnverified);
  EXPECT_EQ(gate_.plan(m).kind, Kind::kBlock);
}

// Bulk-sender authentication (docs/POLICY.md rules 7a, 7b): the stored DMARC verdict refuses blasts only.
TEST_F(EmailGateTest, DmarcMissingOrMisalignedRefusesBlastsButNotOneOffs) {
  OutboundEmail blast = email();
  blast.from_domain = "News.Example.org";
  OutboundEmail autoresponse = blast;
  autoresponse.kind = MessageKind::kOneOff;
  EXPECT_TRUE(gate_.plan(blast).sends()) << "no shortfall recorded: DMARC present and aligned";
  edit_settings([](OrgMessaging& o) {
    o.dmarc_unmet_email_domains["news.example.org"] = {false, "publish _dmarc.news.example.org"};
  });
  Decision d = gate_.plan(blast);
  EXPECT_EQ(d.reason, Reason::kDmarcMissing);
  EXPECT_EQ(d.kind, Kind::kBlock);
  EXPECT_EQ(reason_name(d.reason), "dmarc_missing");
  EXPECT_NE(d.sentence.find("publish _dmarc.news.example.org"), std::string::npos) << d.sentence;
  EXPECT_FALSE(gate_.dispatch(blast).cleared);
  EXPECT_TRUE(gate_.dispatch(autoresponse).decision.sends()) << "the bulk-sender rule is the bulk senders'";
  edit_settings([](OrgMessaging& o) { o.dmarc_unmet_email_domains["news.example.org"] = {true, "adkim=s"}; });
  EXPECT_EQ(gate_.plan(blast).reason, Reason::kDmarcMisaligned);
  EXPECT_EQ(reason_name(Reason::kDmarcMisaligned), "dmarc_misaligned");
  // An unverified domain is reported as such first; another verified domain is not affected.
  blast.from_domain = "spoofed.example.net";
  EXPECT_EQ(gate_.plan(blast).reason, Reason::kSenderDomainUnverified);
  edit_settings([](OrgMessaging& o) {
    o.verified_email_domains.insert("example.org");
    o.dmarc_unmet_email_domains.erase("news.example.org");
  });
  blast.from_domain = "example.org";
  EXPECT_TRUE(gate_.plan(blast).sends());
  blast.from_domain = "news.example.org";
  EXPECT_TRUE(gate_.plan(blast).sends()) << "fixed and re-verified: blasts go again";
}

TEST_F(EmailGateTest, PostalAddressMustBePresent) {
  OutboundEmail m = email();
  edit_settings([](OrgMessaging& o) { o.postal_address = "  \n"; });
  EXPECT_EQ(gate_.plan(m).reason, Reason::kPostalAddressMissing);
  edit_settings([](OrgMessaging& o) { o.postal_address = "PO Box 12, Springfield"; });
  EXPECT_EQ(gate_.plan(m).reason, Reason::kOk);
}

TEST_F(EmailGateTest, FrequencyCapDefersBlastsButNotOneOffs) {
  OutboundEmail m = email();
  Micros first = now_;
  EXPECT_TRUE(gate_.dispatch(m).decision.sends());
  now_ += kHour;
  EXPECT_TRUE(gate_.dispatch(m).decision.sends());
  now_ += kHour;
  EXPECT_EQ(gate_.plan(m).reason, Reason::kFrequencyCap);
  auto d = gate_.dispatch(m);
  EXPECT_EQ(d.decision.kind, Kind::kDeferUntil);
  EXPECT_EQ(d.decision.reason, Reason::kFrequencyCap);
  EXPECT_EQ(d.decision.defer_until, first + 24 * kHour);
  EXPECT_FALSE(d.cleared);
  OutboundEmail confirmation = m;
  confirmation.kind = MessageKind::kOneOff;
  EXPECT_TRUE(gate_.dispatch(confirmation).decision.sends()) << "an autoresponse is not a blast";
  now_ = first + 24 * kHour;
  EXPECT_TRUE(gate_.dispatch(m).decision.sends());
}

TEST_F(EmailGateTest, PlanningHasNoSideEffects) {
  OutboundEmail m = email();
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(gate_.plan(m).sends());
  EXPECT_TRUE(gate_.dispatch(m).decision.sends()) << "planning did not use up the cap of 2";
  EXPECT_TRUE(gate_.dispatch(m).decision.sends());
  EXPECT_FALSE(gate_.dispatch(m).decision.sends());
}

TEST_F(EmailGateTest, MidBlastOptOutWinsAtDispatch) {
  OutboundEmail m = email();
  ASSERT_TRUE(gate_.plan(m).sends());
  suppressions_.add_org("org-1", m.to.contact, now_);  // the unsubscribe click arrives mid-blast
  auto d = gate_.dispatch(m);
  EXPECT_EQ(d.decision.reason, Reason::kOrgSuppressed);
  EXPECT_FALSE(d.cleared);
}

TEST_F(EmailGateTest, MidBlastComplaintAndSuspensionWinAtDispatch) {
  OutboundEmail a = email(Status::kSubscribed, "a@example.com");
  OutboundEmail b = email(Status::kSubscribed, "b@example.com");
  ASSERT_TRUE(gate_.plan(a).sends());
  ASSERT_TRUE(gate_.plan(b).sends());
  org_.status[a.to.contact] = Status::kSpamComplaint;
  EXPECT_EQ(gate_.dispatch(a).decision.reason, Reason::kSpamComplaint);
  settings_.set_suspended("org-1", true);
  EXPECT_EQ(gate_.dispatch(b).decision.reason, Reason::kOrgSuspended);
}

TEST_F(EmailGateTest, ResubscribeConfirmationGoesOnlyToAnOptedOutAddress) {
  auto confirmation = [&](Status status, const std::string& address) {
    OutboundEmail m = email(status, address);
    m.kind = MessageKind::kResubscribeConfirmation;
    return m;
  };
  for (Status s : {Status::kUnsubscribed, Status::kBouncing, Status::kPreviousBounce, Status::kSpamComplaint,
                   Status::kPreviousSpamComplaint}) {
    auto d =
        gate_.dispatch(confirmation(s, "opted-out-" + std::string(consent::status_name(s)) + "@example.com"));
    EXPECT_EQ(d.decision.reason, Reason::kResubscribeConfirmation) << consent::status_name(s);
    EXPECT_TRUE(d.cleared);
  }
  // Never a first mail to a stranger, nor to someone already subscribed.
  EXPECT_EQ(gate_.plan(confirmation(Status::kNone, "new@example.com")).reason,
            Reason::kResubscribeNotOptedOut);
  EXPECT_EQ(gate_.plan(confirmation(Status::kSubscribed, "sub@example.com")).kind, Kind::kSuppress);
  // Platform suppressions and erasure stubs still win; the organization's own opt-out does not stop it.
  OutboundEmail org_opt_out = confirmation(Status::kUnsubscribed, "o@example.com");
  suppressions_.add_org("org-1", org_opt_out.to.contact, now_);
  EXPECT_EQ(gate_.plan(org_opt_out).reason, Reason::kResubscribeConfirmation);
  OutboundEmail erased = confirmation(Status::kUnsubscribed, "e@example.com");
  suppressions_.add_erased(erased.to.contact, now_);
  EXPECT_EQ(gate_.plan(erased).reason, Reason::kErasedContact);
  OutboundEmail platform = confirmation(Status::kUnsubscribed, "p@example.com");
  suppressions_.add_platform(platform.to.contact, now_);
  EXPECT_EQ(gate_.plan(platform).reason, Reason::kPlatformSuppressed);
  // The organization's sending rules still apply.
  OutboundEmail unverified = confirmation(Status::kUnsubscribed, "u@example.com");
  unverified.from_domain = "elsewhere.example";
  EXPECT_EQ(gate_.plan(unverified).reason, Reason::kSenderDomainUnverified);
  settings_.set_suspended("org-1", true);
  EXPECT_EQ(gate_.plan(confirmation(Status::kUnsubscribed, "s@example.com")).reason, Reason::kOrgSuspended);
}

}  // namespace
TEST_F(EmailGateTest, StaffInvitationIgnoresConsentButNotThePlatformOrTheSender) {
  auto invitation = [&](Status status, const std::string& address) {
    OutboundEmail m = email(status, address);
    m.kind = MessageKind::kStaffInvitation;
    return m;
  };
  // A colleague is not a subscriber: no status, an opt-out of the organization, a complaint — all sent.
  for (Status s : {Status::kNone, Status::kUnsubscribed, Status::kSpamComplaint}) {
    auto d = gate_.dispatch(invitation(s, "staff-" + std::string(consent::status_name(s)) + "@example.com"));
    EXPECT_EQ(d.decision.reason, Reason::kStaffInvitation) << consent::status_name(s);
    EXPECT_TRUE(d.cleared);
  }
  OutboundEmail org_opt_out = invitation(Status::kUnsubscribed, "o@example.com");
  suppressions_.add_org("org-1", org_opt_out.to.contact, now_);
  EXPECT_EQ(gate_.plan(org_opt_out).reason, Reason::kStaffInvitation);
  // No postal address needed, no evidence request in the way: neither concerns staff mail.
  edit_settings([](OrgMessaging& o) {
    o.postal_address.clear();
    o.evidence_overdue = "evidence request overdue";
  });
  EXPECT_EQ(gate_.plan(invitation(Status::kNone, "n@example.com")).reason, Reason::kStaffInvitation);
  // The platform's suppressions and erasure stubs, the sender's domain and the organization's standing do.
  OutboundEmail platform = invitation(Status::kNone, "p@example.com");
  suppressions_.add_platform(platform.to.contact, now_);
  EXPECT_EQ(gate_.plan(platform).reason, Reason::kPlatformSuppressed);
  OutboundEmail erased = invitation(Status::kNone, "e@example.com");
  suppressions_.add_erased(erased.to.contact, now_);
  EXPECT_EQ(gate_.plan(erased).reason, Reason::kErasedContact);
  OutboundEmail unverified = invitation(Status::kNone, "u@example.com");
  unverified.from_domain = "elsewhere.example";
  EXPECT_EQ(gate_.plan(unverified).reason, Reason::kSenderDomainUnverified);
  edit_settings([](OrgMessaging& o) { o.disabled_email_domains["news.example.org"] = "abuse"; });
  EXPECT_EQ(gate_.plan(invitation(Status::kNone, "d@example.com")).reason, Reason::kDomainDisabled);
  edit_settings([](OrgMessaging& o) { o.disabled_email_domains.clear(); });
  settings_.set_suspended("org-1", true);
  EXPECT_EQ(gate_.plan(invitation(Status::kNone, "s@example.com")).reason, Reason::kOrgSuspended);
}

TEST_F(EmailGateTest, LetterToTargetIgnoresSubscriptionButNotTheOrgTheTargetOrTheDailyLimit) {
  auto letter = [&](Status status, const std::string& address) {
    OutboundEmail m = email(status, address);
    m.kind = MessageKind::kLetterToTarget;
    return m;
  };
  // An official is not a subscriber: no status is needed, and no postal-address footer.
  edit_settings([](OrgMessaging& o) { o.postal_address.clear(); });
  auto d = gate_.dispatch(letter(Status::kNone, "mayor@city.example"));
  EXPECT_EQ(d.decision.reason, Reason::kLetterToTarget);
  EXPECT_TRUE(d.cleared);
  // The target's own opt-out of this organization, a complaint, the platform and erasure stubs stop it.
  OutboundEmail opted_out = letter(Status::kNone, "o@city.example");
  suppressions_.add_org("org-1", opted_out.to.contact, now_);
  EXPECT_EQ(gate_.plan(opted_out).reason, Reason::kOrgSuppressed);
  OutboundEmail platform = letter(Status::kNone, "p@city.example");
  suppressions_.add_platform(platform.to.contact, now_);
  EXPECT_EQ(gate_.plan(platform).reason, Reason::kPlatformSuppressed);
  OutboundEmail unverified = letter(Status::kNone, "u@city.example");
  unverified.from_domain = "elsewhere.example";
  EXPECT_EQ(gate_.plan(unverified).reason, Reason::kSenderDomainUnverified);
  // The daily limit per target: the third letter in 24 h is refused, another target is not affected, and
  // the organization's blasts to the same address are not counted with the letters.
  gate_.cap_letters_per_target(2);
  OutboundEmail busy = letter(Status::kNone, "busy@city.example");
  EXPECT_TRUE(gate_.dispatch(busy).cleared);
  EXPECT_TRUE(gate_.dispatch(busy).cleared);
  auto third = gate_.dispatch(busy);
  EXPECT_EQ(third.decision.reason, Reason::kTargetDailyLimit);
  EXPECT_EQ(third.decision.kind, Kind::kSuppress);
  EXPECT_FALSE(third.cleared);
  EXPECT_TRUE(gate_.dispatch(letter(Status::kNone, "other@city.example")).cleared);
  now_ += int64_t{24} * 3600 * 1'000'000 + 1;
  EXPECT_TRUE(gate_.dispatch(busy).cleared);
  // The operator's lever on the domain and the organization's standing.
  edit_settings([](OrgMessaging& o) { o.disabled_email_domains["news.example.org"] = "abuse"; });
  EXPECT_EQ(gate_.plan(letter(Status::kNone, "d@city.example")).reason, Reason::kDomainDisabled);
  edit_settings([](OrgMessaging& o) { o.disabled_email_domains.clear(); });
  settings_.set_suspended("org-1", true);
  EXPECT_EQ(gate_.plan(letter(Status::kNone, "s@city.example")).reason, Reason::kOrgSuspended);
}

}  // namespace tocsin::policy

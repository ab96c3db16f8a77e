// Purpose limitation and special-category bases as gate rules (issue 11, consent/scope.h): the projection
// widens and clears a contact point's scope exactly as the ledger says, in the order the ledger replays; a
// blast reaches only people whose consent covers its declared purpose; a blast using special-category data
// of a GDPR organization reaches only consent resting on explicit consent or membership. One-off mail and
// replies are not blasts and are not asked.
#include "policy_gate_fixture.h"
#include "store/store.h"

namespace tocsin::policy {
namespace {

using consent::LegalBasis;
using consent::Status;

class PurposeGateTest : public testing::GateTest {
 protected:
  // Appends a ledger entry through the serving state's one write path (OrgState::record_status).
  void record(Channel c, const std::string& address, Status to, std::string purpose = {},
              std::optional<LegalBasis> basis = std::nullopt) {
    consent::Evidence ev;
    ev.actor = "test";
    ev.purpose = std::move(purpose);
    ev.legal_basis = basis;
    auto w = batch_.for_org("org-1");
    org_.record_status(w, c, address, "person-1", to, ev, now_);
  }
  OutboundEmail mail(const std::string& purpose, bool special = false,
                     MessageKind kind = MessageKind::kBlast) {
    OutboundEmail m{"org-1",
                    {"ada@example.com", hasher_.hash(Channel::kEmail, "ada@example.com"), {}},
                    kind,
                    "news.example.org"};
    m.scope = BlastScope{purpose, special};
    return m;
  }
  OutboundSms text(const std::string& purpose, MessageKind kind = MessageKind::kBlast) {
    OutboundSms m;
    m.org_id = "org-1";
    m.to = {"+12125551234", hasher_.hash(Channel::kSms, "+12125551234"), std::nullopt};
    m.kind = kind;
    m.sender = "+12025550100";
    m.body = "Tocsin Action: the hearing is tomorrow. Reply STOP to opt out.";
    m.scope = BlastScope{purpose, false};
    return m;
  }
  store::WriteBatch batch_;
};

TEST_F(PurposeGateTest, GeneralConsentCoversEveryPurpose) {
  record(Channel::kEmail, "ada@example.com", Status::kSubscribed);
  EXPECT_TRUE(gate_.plan(mail("")).sends());
  EXPECT_TRUE(gate_.plan(mail("fundraising")).sends());
  EXPECT_EQ(org_.scopes.size(), 0u) << "the default scope takes no room";
}

TEST_F(PurposeGateTest, PurposedConsentCoversOnlyItsPurposes) {
  record(Channel::kEmail, "ada@example.com", Status::kSubscribed, "newsletter");
  EXPECT_TRUE(gate_.plan(mail("newsletter")).sends());
  Decision d = gate_.plan(mail("fundraising"));
  EXPECT_EQ(d.reason, Reason::kPurposeNotConsented);
  EXPECT_EQ(d.kind, Kind::kSuppress);
  EXPECT_NE(d.sentence.find("\"fundraising\""), std::string::npos) << d.sentence;
  EXPECT_NE(d.sentence.find("\"newsletter\""), std::string::npos) << d.sentence;
  // A general message is not one of a limited consent's purposes.
  EXPECT_EQ(gate_.plan(mail("")).reason, Reason::kPurposeNotConsented);
  EXPECT_EQ(gate_.dispatch(mail("fundraising")).decision.reason, Reason::kPurposeNotConsented);
  // One-off mail (legitimate interest: it answers what the person did) is not asked.
  EXPECT_TRUE(gate_.plan(mail("", false, MessageKind::kOneOff)).sends());

  // Consent to one more purpose widens the scope; a general consent lifts the limit.
  record(Channel::kEmail, "ada@example.com", Status::kSubscribed, "fundraising");
  EXPECT_TRUE(gate_.plan(mail("fundraising")).sends());
  EXPECT_TRUE(gate_.plan(mail("newsletter")).sends());
  EXPECT_EQ(gate_.plan(mail("events")).reason, Reason::kPurposeNotConsented);
  record(Channel::kEmail, "ada@example.com", Status::kSubscribed);
  EXPECT_TRUE(gate_.plan(mail("events")).sends());
}

TEST_F(PurposeGateTest, AnOptOutWithdrawsEveryPurpose) {
  record(Channel::kEmail, "ada@example.com", Status::kSubscribed);
  record(Channel::kEmail, "ada@example.com", Status::kUnsubscribed);
  record(Channel::kEmail, "ada@example.com", Status::kSubscribed, "newsletter");
  EXPECT_EQ(gate_.plan(mail("")).reason, Reason::kPurposeNotConsented)
      << "a new subscription after an opt-out starts from its own purpose, not the old general consent";
  record(Channel::kEmail, "ada@example.com", Status::kUnsubscribed);
  EXPECT_EQ(gate_.plan(mail("newsletter")).reason, Reason::kNotSubscribed);
  EXPECT_EQ(org_.scopes.size(), 0u);
}

TEST_F(PurposeGateTest, TextsFollowTheSameRuleButRepliesAreNotAsked) {
  record(Channel::kSms, "+12125551234", Status::kSubscribed, "rapid response alerts");
  EXPECT_TRUE(gate_.plan(text("rapid response alerts")).sends());
  EXPECT_EQ(gate_.plan(text("fundraising")).reason, Reason::kPurposeNotConsented);
  EXPECT_TRUE(gate_.plan(text("", MessageKind::kReply)).sends());
}

TEST_F(PurposeGateTest, SpecialCategoryNeedsExplicitConsentOrMembership) {
  record(Channel::kEmail, "ada@example.com", Status::kSubscribed);  // plain consent (the default basis)
  EXPECT_TRUE(gate_.plan(mail("", false)).sends());
  Decision d = gate_.plan(mail("", true));
  EXPECT_EQ(d.reason, Reason::kSpecialCategoryBasisMissing);
  EXPECT_NE(d.sentence.find("rests on consent"), std::string::npos) << d.sentence;
  record(Channel::kEmail, "ada@example.com", Status::kSubscribed, "", LegalBasis::kMembership);
  EXPECT_TRUE(gate_.plan(mail("", true)).sends());
  record(Channel::kEmail, "ada@example.com", Status::kSubscribed, "", LegalBasis::kExplicitConsent);
  EXPECT_TRUE(gate_.plan(mail("", true)).sends());
  record(Channel::kEmail, "ada@example.com", Status::kSubscribed, "", LegalBasis::kLegitimateInterest);
  EXPECT_EQ(gate_.plan(mail("", true)).reason, Reason::kSpecialCategoryBasisMissing);
}

TEST_F(PurposeGateTest, EntriesRecordPurposeAndBasisAndStayChained) {
  record(Channel::kEmail, "ada@example.com", Status::kSubscribed, "newsletter");
  record(Channel::kEmail, "ada@example.com", Status::kUnsubscribed);
  ASSERT_EQ(batch_.size(), 2u);
  const auto& ops = batch_.ops();
  const auto& first = std::get<store::op::AppendLedger>(ops.at(0).op).entry;
  const auto& second = std::get<store::op::AppendLedger>(ops.at(1).op).entry;
  EXPECT_EQ(first.evidence.purpose, "newsletter");
  ASSERT_TRUE(first.evidence.legal_basis);
  EXPECT_EQ(*first.evidence.legal_basis, LegalBasis::kConsent) << "a subscription always records a basis";
  EXPECT_FALSE(second.evidence.legal_basis) << "an opt-out needs none";
  auto fields = consent::chained_fields(first, "", "", consent::digest_of(first.contact_ref));
  EXPECT_EQ(fields.back(), "consent");
  EXPECT_TRUE(consent::hash_matches(first, "", "", consent::digest_of(first.contact_ref)));
  // Changing the recorded purpose breaks the entry's hash.
  auto forged = first;
  forged.evidence.purpose = "fundraising";
  EXPECT_FALSE(consent::hash_matches(forged, "", "", consent::digest_of(first.contact_ref)));
  // An entry without purpose or basis keeps the original (pre-purpose) field list.
  EXPECT_EQ(consent::chained_fields(second, "", "", "").size(), 20u);
}

TEST(ConsentScopeTest, PurposesAreNormalizedAndBounded) {
  EXPECT_EQ(consent::normalize_purpose("  Newsletter \t"), "newsletter");
  EXPECT_EQ(consent::normalize_purpose(""), "");
  EXPECT_FALSE(consent::normalize_purpose(std::string(101, 'a')));
  EXPECT_FALSE(consent::normalize_purpose("news\x01letter"));
  EXPECT_EQ(consent::parse_legal_basis("membership"), LegalBasis::kMembership);
  EXPECT_FALSE(consent::parse_legal_basis("Membership"));
  EXPECT_EQ(consent::legal_basis_name(LegalBasis::kLegitimateInterest), "legitimate_interest");
}

}  // namespace
}  // namespace tocsin::policy

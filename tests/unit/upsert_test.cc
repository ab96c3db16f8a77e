// Matching and merging as Action Network documents it (reference §4), and the ledger entries that follow.
#include <gtest/gtest.h>

#include "core/odata_filter.h"
#include "people/header_text.h"
#include "people/person_filter.h"
#include "people/upsert.h"

namespace tocsin::people {
namespace {

using consent::Status;

class UpsertTest : public ::testing::Test {
 protected:
  UpsertTest() : hasher_(std::array<unsigned char, 32>{1, 2, 3}), org_(Org{"org-1", "Test", "US"}, hasher_) {}

  PersonInput person(std::optional<std::string> email, std::optional<std::string> phone = std::nullopt) {
    PersonInput in;
    if (email) in.email.set(*email);
    if (phone) in.phone.set(*phone);
    return in;
  }

  const Person* signup(const PersonInput& in, std::vector<std::string> tags = {}) {
    auto w = batch_.for_org("org-1");
    auto r = people::signup(org_, in, tags, ev_, who_, w, ++now_);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? r->person : nullptr;
  }

  Result<UpsertResult> put(const std::string& id, const PersonInput& in) {
    auto w = batch_.for_org("org-1");
    return people::update(org_, id, in, ev_, who_, w, ++now_);
  }

  size_t ledger_entries() const {
    size_t n = 0;
    for (const auto& op : batch_.ops()) n += std::holds_alternative<store::op::AppendLedger>(op.op);
    return n;
  }

  ContactHasher hasher_;
  OrgState org_;
  store::WriteBatch batch_;
  consent::Evidence ev_{"api_key:k", "test", "unit test", "127.0.0.1", "gtest", "", 0, "", {}};
  WriteAuthority who_{Writer::kApiKey, Attestation{"test form", "checkbox", ""}, "", ""};
  Micros now_ = 1000;
};

TEST_F(UpsertTest, NewPersonIsSubscribedByEmailAndUnsubscribedByPhone) {
  const Person* p = signup(person("a@x.org", "+12025550143"));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->created, p->modified);
  EXPECT_EQ(org_.status_of(Channel::kEmail, "a@x.org"), Status::kSubscribed);
  EXPECT_EQ(consent::status_name(org_.status_of(Channel::kSms, "+12025550143")), "unsubscribed");
  EXPECT_EQ(ledger_entries(), 1u);  // only the email changed status
}

TEST_F(UpsertTest, ExplicitUnsubscribedCreatesUnsubscribedWithEvidence) {
  auto in = person("a@x.org");
  in.email_status = Status::kUnsubscribed;
  signup(in);
  EXPECT_EQ(org_.status_of(Channel::kEmail, "a@x.org"), Status::kUnsubscribed);
  EXPECT_EQ(ledger_entries(), 1u);
}

TEST_F(UpsertTest, ExistingStatusUnchangedUnlessGiven) {
  auto in = person("a@x.org");
  in.email_status = Status::kUnsubscribed;
  signup(in);
  signup(person("a@x.org"));  // no status given: stays unsubscribed
  EXPECT_EQ(org_.status_of(Channel::kEmail, "a@x.org"), Status::kUnsubscribed);
  auto again = person("a@x.org");
  again.email_status = Status::kSubscribed;
  signup(again);
  EXPECT_EQ(org_.status_of(Channel::kEmail, "a@x.org"), Status::kSubscribed);
  EXPECT_EQ(ledger_entries(), 2u);
}

TEST_F(UpsertTest, SubscribedNeverClearsHardSuppression) {
  const Person* p = signup(person("a@x.org"));
  auto w = batch_.for_org("org-1");
  org_.record_status(w, Channel::kEmail, "a@x.org", p->id, Status::kSpamComplaint, ev_, ++now_);
  auto in = person("a@x.org");
  in.email_status = Status::kSubscribed;
  signup(in);
  EXPECT_EQ(org_.status_of(Channel::kEmail, "a@x.org"), Status::kSpamComplaint);
}

TEST_F(UpsertTest, SameEmailNewMobileOverwritesOldMobile) {
  const Person* p = signup(person("a@x.org", "+12025550143"));
  std::string id = p->id;
  const Person* q = signup(person("a@x.org", "+12025550199"));
  EXPECT_EQ(q->id, id);
  EXPECT_EQ(*q->phone, "+12025550199");
  EXPECT_EQ(org_.find_by_contact(Channel::kSms, "+12025550143"), nullptr);
  EXPECT_EQ(org_.people.size(), 1u);
}

TEST_F(UpsertTest, SameMobileDifferentEmailMovesNumberToNewPersonWithItsStatus) {
  auto in = person("a@x.org", "+12025550143");
  in.phone_status = Status::kSubscribed;
  std::string first = signup(in)->id;
  const Person* second = signup(person("b@x.org", "+12025550143"));
  EXPECT_NE(second->id, first);
  EXPECT_EQ(*second->phone, "+12025550143");
  EXPECT_FALSE(org_.find_person(first)->phone.has_value());
  EXPECT_EQ(org_.status_of(Channel::kSms, "+12025550143"),
            Status::kSubscribed);  // status copied with the number
  EXPECT_EQ(org_.people.size(), 2u);
}

TEST_F(UpsertTest, MobileOnlyRecordMergesWithIncomingEmail) {
  std::string id = signup(person(std::nullopt, "+12025550143"))->id;
  const Person* p = signup(person("a@x.org", "+12025550143"));
  EXPECT_EQ(p->id, id);
  EXPECT_EQ(*p->email, "a@x.org");
  EXPECT_EQ(org_.people.size(), 1u);
}

TEST_F(UpsertTest, NeedsEmailOrPhone) {
  auto w = batch_.for_org("org-1");
  auto r = people::signup(org_, PersonInput{}, {}, ev_, who_, w, 1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().http_status, 400);
  EXPECT_TRUE(batch_.empty());
}

TEST_F(UpsertTest, PutNullClearsAndStatusOnlyEntryAppliesToPrimary) {
  auto in = person("a@x.org");
  in.given_name.set("Ada");
  in.custom_fields["volunteer"] = "yes";
  std::string id = signup(in)->id;
  PersonInput change;
  change.given_name.state = Field<std::string>::kNull;
  change.custom_fields["volunteer"] = std::nullopt;
  change.email_status = Status::kUnsubscribed;
  auto r = put(id, change);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->person->given_name, "");
  EXPECT_TRUE(r->person->custom_fields.empty());
  EXPECT_EQ(org_.status_of(Channel::kEmail, "a@x.org"), Status::kUnsubscribed);
}

TEST_F(UpsertTest, PutRejectsAnotherPersonsEmailAndChangesNothing) {
  signup(person("a@x.org"));
  std::string id = signup(person("b@x.org"))->id;
  size_t before = batch_.size();
  auto r = put(id, person("a@x.org"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().http_status, 400);
  EXPECT_EQ(batch_.size(), before);
  EXPECT_EQ(*org_.find_person(id)->email, "b@x.org");
}

TEST_F(UpsertTest, PutUnknownIdIs404) {
  auto r = put("no-such-id", person("a@x.org"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().http_status, 404);
}

TEST_F(UpsertTest, AddTagsIgnoresUnknownNamesAndMatchesCaseInsensitively) {
  Tag t{"tag-1", "Volunteer", 1, 1};
  org_.tags.emplace(t.id, t);
  org_.tag_by_key["volunteer"] = t.id;
  const Person* p = signup(person("a@x.org"), {"VOLUNTEER", "no such tag"});
  EXPECT_EQ(org_.taggings.size(), 1u);
  EXPECT_EQ(org_.taggings.begin()->second.person_id, p->id);
  signup(person("a@x.org"), {"volunteer"});
  EXPECT_EQ(org_.taggings.size(), 1u);  // tagging once
}

TEST_F(UpsertTest, ForeignIdentifierBelongsToOnePerson) {
  auto in = person("a@x.org");
  in.identifiers = {"crm:42"};
  signup(in);
  auto other = person("b@x.org");
  other.identifiers = {"crm:42"};
  auto w = batch_.for_org("org-1");
  auto r = people::signup(org_, other, {}, ev_, who_, w, 99);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(org_.people.size(), 1u);
}

TEST_F(UpsertTest, LedgerChainsWithinTheOrganization) {
  signup(person("a@x.org"));
  signup(person("b@x.org"));
  std::vector<const consent::LedgerEntry*> entries;
  for (const auto& op : batch_.ops())
    if (auto* a = std::get_if<store::op::AppendLedger>(&op.op)) entries.push_back(&a->entry);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0]->seq, 1);
  EXPECT_EQ(entries[0]->prev_hash, consent::kGenesisHash);
  EXPECT_EQ(entries[1]->seq, 2);
  EXPECT_EQ(entries[1]->prev_hash, entries[0]->hash);
  EXPECT_EQ(org_.ledger_head, entries[1]->hash);
}

TEST_F(UpsertTest, RepeatSignupThatChangesNothingWritesNothing) {
  now_ = *parse_iso8601("2026-06-01");  // the age gate reads the birthdate against the write's clock
  Tag t{"tag-1", "Volunteer", 1, 1};
  org_.tags.emplace(t.id, t);
  org_.tag_by_key["volunteer"] = t.id;
  auto in = person("a@x.org", "+12025550143");
  in.given_name.set("Ada");
  PostalAddress home;
  home.postal_code = "20009";  // no primary flag: the first address becomes primary
  in.postal_addresses.set({home});
  in.languages_spoken.set({"en"});
  in.birthdate.set("1990-01-01");
  const Person* p = signup(in, {"volunteer"});
  ASSERT_TRUE(p);
  const Micros modified = p->modified;
  const size_t writes = batch_.size();

  EXPECT_EQ(signup(in, {"volunteer"}), p);
  EXPECT_EQ(batch_.size(), writes);  // no person, contact, ledger or tagging write
  EXPECT_EQ(p->modified, modified);

  // A different address is a change: the person is written again, still without a ledger entry.
  home.postal_code = "20010";
  in.postal_addresses.set({home});
  signup(in, {"volunteer"});
  ASSERT_EQ(batch_.size(), writes + 1);
  EXPECT_TRUE(std::holds_alternative<store::op::PutPerson>(batch_.ops().back().op));
  EXPECT_GT(p->modified, modified);
  EXPECT_EQ(p->postal_addresses.at(0).postal_code, "20010");
  EXPECT_EQ(ledger_entries(), 1u);
}

TEST_F(UpsertTest, NewPeopleAndTaggingsGetTimeOrderedIds) {
  Tag t{"tag-1", "Volunteer", 1, 1};
  org_.tags.emplace(t.id, t);
  org_.tag_by_key["volunteer"] = t.id;
  const Person* a = signup(person("a@x.org"), {"volunteer"});
  const Person* b = signup(person("b@x.org"), {"volunteer"});
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->id[14], '7');
  EXPECT_LT(a->id, b->id);
  ASSERT_EQ(org_.tagging_order.size(), 2u);
  EXPECT_EQ(org_.tagging_order[0][14], '7');
  EXPECT_LT(org_.tagging_order[0], org_.tagging_order[1]);
}

TEST_F(UpsertTest, CaseVariantsOfAnEmailAreOnePersonAndKeepTheFirstSpelling) {
  const Person* a = signup(person("Jane.Doe@example.org"));
  ASSERT_TRUE(a);
  auto unsubscribe = person("JANE.DOE@example.org");
  unsubscribe.email_status = Status::kUnsubscribed;
  const Person* b = signup(unsubscribe);
  EXPECT_EQ(a, b);
  EXPECT_EQ(org_.people.size(), 1u);
  EXPECT_EQ(*b->email, "Jane.Doe@example.org");
  EXPECT_EQ(org_.status_of(Channel::kEmail, "jane.doe@example.org"), Status::kUnsubscribed);
  // A later signup in yet another spelling is neither a new person nor a new (re-subscribed) address.
  const Person* c = signup(person("jane.doe@example.org"));
  EXPECT_EQ(c, a);
  EXPECT_EQ(org_.status_of(Channel::kEmail, "Jane.Doe@example.org"), Status::kUnsubscribed);
  EXPECT_EQ(org_.find_by_contact(Channel::kEmail, "JANE.doe@example.org"), a);
}

TEST_F(UpsertTest, PutWithACaseVariantOfAnotherPersonsEmailIsRefused) {
  const Person* a = signup(person("jane@example.org"));
  const Person* b = signup(person("other@example.org"));
  ASSERT_TRUE(a && b && a != b);
  auto in = person("JANE@example.org");
  auto r = put(b->id, in);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().http_status, 400);
}

TEST_F(UpsertTest, PutRespellingTheOwnAddressKeepsItsStatus) {
  auto in = person("jane@example.org");
  in.email_status = Status::kUnsubscribed;
  const Person* a = signup(in);
  ASSERT_TRUE(a);
  auto r = put(a->id, person("Jane@example.org"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r->person->email, "Jane@example.org");  // the new spelling is shown
  EXPECT_EQ(org_.status_of(Channel::kEmail, "jane@example.org"), Status::kUnsubscribed);
}

// people/subscribe_rule.h: who may set subscribed, through signup and update alike.
TEST_F(UpsertTest, KeylessSmsOptInWithoutDisclosureKeepsTheNumberAndSaysWhy) {
  auto in = person("a@x.org", "+12025550143");
  in.phone_status = Status::kSubscribed;
  auto w = batch_.for_org("org-1");
  auto r = people::signup(org_, in, {}, ev_, WriteAuthority{}, w, ++now_);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(org_.status_of(Channel::kSms, "+12025550143"), Status::kNone);
  ASSERT_EQ(r->notices.size(), 1u);
  EXPECT_NE(r->notices[0].find("SMS disclosure"), std::string::npos);
  EXPECT_EQ(org_.people.size(), 1u) << "the person is still written";
}

TEST_F(UpsertTest, KeyedSmsOptInNeedsAttestationOrDisclosure) {
  auto in = person("a@x.org", "+12025550143");
  in.phone_status = Status::kSubscribed;
  auto w = batch_.for_org("org-1");
  auto r =
      people::signup(org_, in, {}, ev_, WriteAuthority{Writer::kApiKey, std::nullopt, "", ""}, w, ++now_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().http_status, 422);
  EXPECT_TRUE(batch_.empty()) << "nothing changes";
  WriteAuthority shown{Writer::kApiKey, std::nullopt, "Rally: 4 msgs/mo. Msg & data rates may apply.", ""};
  ASSERT_TRUE(people::signup(org_, in, {}, ev_, shown, w, ++now_).ok());
  EXPECT_EQ(org_.status_of(Channel::kSms, "+12025550143"), Status::kSubscribed);
}

TEST_F(UpsertTest, AttestedSmsOptInNamesTheKeyAndTheAttestedSource) {
  auto in = person("a@x.org", "+12025550143");
  in.phone_status = Status::kSubscribed;
  signup(in);
  const store::op::AppendLedger* last = nullptr;
  for (const auto& op : batch_.ops())
    if (const auto* e = std::get_if<store::op::AppendLedger>(&op.op)) last = e;
  ASSERT_TRUE(last);
  EXPECT_EQ(last->entry.channel, Channel::kSms);
  EXPECT_EQ(last->entry.evidence.actor, "api_key:k");
  EXPECT_EQ(last->entry.evidence.source, "test form");
  EXPECT_EQ(last->entry.evidence.method, "attested by the API key: checkbox");
}

TEST_F(UpsertTest, KeylessResubscriptionOfAnOptOutWaitsForConfirmation) {
  for (Status opt_out : {Status::kUnsubscribed, Status::kBouncing, Status::kPreviousBounce,
                         Status::kSpamComplaint, Status::kPreviousSpamComplaint}) {
    std::string address = "o" + std::to_string(static_cast<int>(opt_out)) + "@x.org";
    const Person* p = signup(person(address));
    auto w = batch_.for_org("org-1");
    org_.record_status(w, Channel::kEmail, address, p->id, opt_out, ev_, ++now_);
    auto in = person(address);
    in.email_status = Status::kSubscribed;
    auto r = people::signup(org_, in, {}, ev_, WriteAuthority{}, w, ++now_);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(org_.status_of(Channel::kEmail, address), opt_out);
    EXPECT_EQ(r->confirm_email, address);
  }
  // A new address needs no confirmation (Action Network's signup semantics).
  auto w = batch_.for_org("org-1");
  auto r = people::signup(org_, person("new@x.org"), {}, ev_, WriteAuthority{}, w, ++now_);
  EXPECT_EQ(org_.status_of(Channel::kEmail, "new@x.org"), Status::kSubscribed);
  EXPECT_FALSE(r->confirm_email);
}

TEST_F(UpsertTest, UpdateRefusesAChildsBirthdateBeforeChangingAnything) {
  const Person* p = signup(person("a@x.org"));
  std::string id = p->id;
  size_t ops = batch_.ops().size();
  PersonInput in;
  in.birthdate.set("2020-01-01");
  in.given_name.set("Kid");
  auto r = put(id, in);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().http_status, 422);
  EXPECT_EQ(batch_.ops().size(), ops);
  EXPECT_FALSE(org_.find_person(id)->birthdate);
  EXPECT_EQ(org_.find_person(id)->given_name, "");
}

TEST_F(UpsertTest, HeaderBoundTextLosesControlCharacters) {
  auto in = person("a@x.org");
  in.given_name.set("Ada\r\nBcc: x@y.org");
  in.family_name.set("Love\tlace\xe2\x80\xa8\xc2\x85");
  PostalAddress a;
  a.locality = "Spring\nfield";
  a.address_lines = {"1 Main\r\nSt"};
  in.postal_addresses.set({a});
  const Person* p = signup(in);
  EXPECT_EQ(p->given_name, "Ada  Bcc: x@y.org");
  EXPECT_EQ(p->family_name, "Love lace");
  EXPECT_EQ(p->postal_addresses.at(0).locality, "Spring field");
  EXPECT_EQ(p->postal_addresses.at(0).address_lines.at(0), "1 Main  St");
  PersonInput rename;
  rename.given_name.set("Eve\x7fMallory\x01");
  EXPECT_EQ(put(p->id, rename)->person->given_name, "Eve Mallory");
  EXPECT_EQ(header_safe_text("Zoë 李"), "Zoë 李") << "other text is kept byte for byte";
}

}  // namespace
}  // namespace tocsin::people

namespace tocsin::people {
namespace {

// The owner of a contact point (a signed preference-center link sent to it): re-subscribes an opted-out
// address directly, but a bouncing or complained one only through a confirmation email; a number only with
// the program's disclosure shown.
TEST(SubscribeRule, TheVerifiedOwnerMayResubscribeTheirOwnContactPoint) {
  consent::Evidence ev;
  ev.actor = "recipient";
  WriteAuthority owner;
  owner.writer = Writer::kOwner;
  for (auto s : {consent::Status::kUnsubscribed, consent::Status::kPreviousBounce,
                 consent::Status::kPreviousSpamComplaint, consent::Status::kNone}) {
    auto r = rule_on_subscribe(Channel::kEmail, s, owner, ev);
    EXPECT_EQ(r.verdict, Verdict::kRecord) << consent::status_name(s);
    EXPECT_EQ(r.evidence.actor, "recipient");
  }
  for (auto s : {consent::Status::kBouncing, consent::Status::kSpamComplaint})
    EXPECT_EQ(rule_on_subscribe(Channel::kEmail, s, owner, ev).verdict, Verdict::kConfirmFirst);
  EXPECT_EQ(rule_on_subscribe(Channel::kSms, consent::Status::kUnsubscribed, owner, ev).verdict,
            Verdict::kKeep);
  owner.sms_disclosure = "Bay Alerts: Msg freq varies. Msg & data rates may apply. ...";
  EXPECT_EQ(rule_on_subscribe(Channel::kSms, consent::Status::kUnsubscribed, owner, ev).verdict,
            Verdict::kRecord);
}

// The family-name index (OrgState::people_by_family_name) follows every change a search could see: new
// people, a rename (out of the old name, into the new one in creation order), a cleared name and erasure;
// an indexed search still applies the filter's other clauses.
TEST_F(UpsertTest, FamilyNameIndexFollowsNewPeopleRenamesAndErasure) {
  auto named = [&](const std::string& email, const std::string& given, const std::string& family) {
    auto in = person(email);
    in.given_name.set(given);
    in.family_name.set(family);
    return signup(in);
  };
  auto search = [&](const std::string& filter) {
    auto f = parse_filter(filter);
    EXPECT_TRUE(f.ok());
    auto m = PersonMatcher::make(org_, f.value());
    EXPECT_TRUE(m.ok());
    auto narrowed = m.value().indexed();
    EXPECT_TRUE(narrowed.has_value()) << filter << " is answered from the index";
    std::vector<std::string> ids;
    for (const Person* p : narrowed.value_or(std::vector<const Person*>{})) ids.push_back(p->id);
    return ids;
  };
  const Person* ada = named("ada@x.org", "Ada", "Lovelace");
  const Person* byron = named("byron@x.org", "Byron", "Noel");
  const Person* anne = named("anne@x.org", "Anne", "Lovelace");
  ASSERT_TRUE(ada && byron && anne);
  EXPECT_EQ(search("family_name eq 'Lovelace'"), (std::vector<std::string>{ada->id, anne->id}));
  EXPECT_EQ(search("family_name eq 'Lovelace' and given_name eq 'Anne'"), std::vector<std::string>{anne->id});
  EXPECT_TRUE(search("family_name eq 'lovelace'").empty());  // exact, as the filter compares

  PersonInput rename;
  rename.family_name.set("Lovelace");
  ASSERT_TRUE(put(byron->id, rename).ok());
  EXPECT_EQ(search("family_name eq 'Lovelace'"), (std::vector<std::string>{ada->id, byron->id, anne->id}));
  EXPECT_TRUE(search("family_name eq 'Noel'").empty());
  EXPECT_EQ(org_.people_by_family_name.count("Noel"), 0u) << "an emptied name leaves no bucket behind";

  PersonInput cleared;
  cleared.family_name.state = Field<std::string>::kNull;
  ASSERT_TRUE(put(ada->id, cleared).ok());
  EXPECT_EQ(search("family_name eq 'Lovelace'"), (std::vector<std::string>{byron->id, anne->id}));

  const std::string anne_id = anne->id;
  ASSERT_TRUE(org_.forget_person(anne_id));
  EXPECT_EQ(search("family_name eq 'Lovelace'"), std::vector<std::string>{byron->id});
}

}  // namespace
}  // namespace tocsin::people

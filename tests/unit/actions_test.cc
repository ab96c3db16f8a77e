// The generic action model: counters, amounts, the storage codec, the age gate, the SMS disclosure rule and
// the record helper's effects on people, records and the consent ledger.
#include <gtest/gtest.h>

#include <set>

#include "actions/action_book.h"
#include "actions/action_codec.h"
#include "actions/action_write.h"
#include "actions/record_write.h"
#include "actions/sms_disclosure.h"
#include "core/clock.h"
#include "people/age_gate.h"

namespace tocsin::actions {
namespace {

const char* kSms =
    R"({"program_name":"Alerts","message_frequency":"Msg frequency varies","rates":"Msg & data rates may apply",)"
    R"("help":"Text HELP for help","stop":"Text STOP to cancel","terms_url":"https://x.org/t",)"
    R"("privacy_url":"https://x.org/p"})";

TEST(Amounts, ParseAndFormatCents) {
  EXPECT_EQ(parse_amount_cents("\"3.00\""), 300);
  EXPECT_EQ(parse_amount_cents("3"), 300);
  EXPECT_EQ(parse_amount_cents("3.5"), 350);
  EXPECT_EQ(parse_amount_cents("\"302.14\""), 30214);
  EXPECT_FALSE(parse_amount_cents("3.141"));
  EXPECT_FALSE(parse_amount_cents("-3"));
  EXPECT_FALSE(parse_amount_cents("\"ten\""));
  EXPECT_FALSE(parse_amount_cents(""));
  EXPECT_EQ(format_cents(30214), "302.14");
  EXPECT_EQ(format_cents(305), "3.05");
  EXPECT_EQ(format_cents(0), "0.00");
}

TEST(Amounts, DonationFallsBackToRecipients) {
  ActionRecord r;
  r.fields = {{"recipients", R"([{"display_name":"A","amount":"1.25"},{"display_name":"B","amount":"2"}])"}};
  EXPECT_EQ(donation_cents(r), 325);
  set_field(r.fields, "amount", "\"5.00\"");
  EXPECT_EQ(donation_cents(r), 500);
}

TEST(ActionBook, CountersFollowReplacedRecords) {
  ActionBook book;
  Action ev;
  ev.id = "e1";
  ev.kind = "events";
  book.put_action(ev);
  ActionRecord r{"r1", "e1", "p1", 1, 1, {}, {{"status", "\"declined\""}}, "", false};
  book.put_record(r);
  EXPECT_EQ(book.tally("e1").records, 1);
  EXPECT_EQ(book.tally("e1").accepted, 0);
  r.fields = {{"status", "\"accepted\""}};
  book.put_record(r);  // same id: replaces, does not add
  EXPECT_EQ(book.tally("e1").records, 1);
  EXPECT_EQ(book.tally("e1").accepted, 1);
  EXPECT_EQ(book.record_of("e1", "p1")->id, "r1");
  EXPECT_EQ(book.records_of_person("p1").size(), 1u);
  EXPECT_EQ(book.find_action("petitions", "e1"), nullptr);  // kind is part of the identity
}

TEST(ActionBook, EventCampaignCountsChildren) {
  ActionBook book;
  book.put_action(Action{"c1", "event_campaigns", 1, 1, "", "", {}, {}, "", "", 1, "", {}, "", 0});
  book.put_action(Action{"e1", "events", 1, 1, "", "c1", {}, {}, "", "", 1, "", {}, "", 0});
  book.put_action(Action{"e2", "events", 1, 1, "", "c1", {}, {}, "", "", 1, "", {}, "", 0});
  book.put_record(ActionRecord{"r1", "e1", "p1", 1, 1, {}, {}, "", false});
  book.put_record(ActionRecord{"r2", "e2", "p1", 1, 1, {}, {}, "", false});
  const ActionType& t = *type_by_collection("event_campaigns");
  const Action& c = *book.find_action("c1");
  EXPECT_EQ(book.counter_json(t.counters[0], c), "2");  // total_events
  EXPECT_EQ(book.counter_json(t.counters[1], c), "2");  // total_rsvps
}

TEST(Codec, RoundTripsActionsAndRecords) {
  Action a{"id1",
           "petitions",
           10,
           20,
           "p1",
           "",
           {"crm:1"},
           {{"title", "\"T\""}, {"target", R"([{"name":"M"}])"}},
           "consent text",
           kSms,
           3,
           "my-petition",
           {"name", "email"},
           "es",
           500};
  auto back = decode_action(encode_action(a));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->fields, a.fields);
  EXPECT_EQ(back->identifiers, a.identifiers);
  EXPECT_EQ(back->disclosure_version, 3);
  EXPECT_EQ(back->sms_disclosure, a.sms_disclosure);
  EXPECT_EQ(back->slug, "my-petition");
  EXPECT_EQ(back->page_fields, a.page_fields);
  EXPECT_EQ(back->language, "es");
  EXPECT_EQ(back->goal, 500);
  ActionRecord r{"r1", "id1", "p1", 5, 6, {"x:1"}, {{"comments", "\"hi\""}}, R"({"source":"fb"})", true};
  auto rb = decode_record(encode_record(r));
  ASSERT_TRUE(rb.ok());
  EXPECT_EQ(rb->fields, r.fields);
  EXPECT_EQ(rb->referrer_data, r.referrer_data);
  EXPECT_TRUE(rb->autoresponse_requested);
  EXPECT_FALSE(decode_action("[1]").ok());
}

TEST(AgeGate, ThirteenOrSixteenUnderGdpr) {
  Micros now = *parse_iso8601("2026-06-15");
  EXPECT_EQ(people::age_on("2013-06-15", now), 13);
  EXPECT_EQ(people::age_on("2013-06-16", now), 12);
  EXPECT_FALSE(people::age_on("not a date", now));
  people::PersonInput in;
  in.birthdate.set("2013-06-16");
  EXPECT_EQ(people::check_age(in, "", false, now).error().http_status, 422);
  in.birthdate.set("2011-01-01");  // 15
  EXPECT_TRUE(people::check_age(in, "", false, now).ok());
  EXPECT_FALSE(people::check_age(in, "", true, now).ok());
  people::PersonInput custom;
  custom.custom_fields["age"] = "12";
  EXPECT_FALSE(people::check_age(custom, "age", false, now).ok());
  EXPECT_TRUE(people::check_age(custom, "", false, now).ok()) << "only the configured field counts";
  custom.custom_fields["age"] = "2000-01-01";
  EXPECT_TRUE(people::check_age(custom, "age", true, now).ok());
}

TEST(SmsDisclosure, EverySlotIsRequired) {
  ASSERT_TRUE(parse_sms_disclosure(kSms).ok());
  EXPECT_NE(disclosure_text(*parse_sms_disclosure(kSms)).find("Msg & data rates may apply"),
            std::string::npos);
  std::string no_help = kSms;
  no_help.replace(no_help.find("Text HELP for help"), 18, "Call us");
  EXPECT_FALSE(parse_sms_disclosure(no_help).ok());
  EXPECT_FALSE(parse_sms_disclosure(R"({"program_name":"A"})").ok());
  EXPECT_FALSE(parse_sms_disclosure("\"text\"").ok());
}

TEST(ActionTypes, DescriptorsAreConsistent) {
  EXPECT_EQ(record_name(*type_by_collection("petitions")), "signature");
  EXPECT_EQ(record_name(*type_by_collection("advocacy_campaigns")), "outreach");
  EXPECT_EQ(type_by_record_collection("donations")->collection, "fundraising_pages");
  for (const auto& t : action_types()) {
    if (t.record_collection.empty()) continue;
    EXPECT_FALSE(record_name(t).empty()) << t.collection;
    EXPECT_FALSE(t.counters.empty()) << t.collection;
  }
  EXPECT_FALSE(type_by_collection("fundraising_pages")->dedup);
  EXPECT_TRUE(type_by_collection("forms")->dedup);
}

// Field specs are data: a list names the one spec of its elements, object members are named, and every kind
// documents a field at most once.
void expect_well_formed(const FieldSpec& spec, std::string_view where) {
  const bool list = spec.kind == FieldKind::kList || spec.kind == FieldKind::kStringOrList;
  if (list) {
    EXPECT_EQ(spec.members.size(), 1u) << where << " " << spec.name;
  }
  for (const auto& m : spec.members) {
    if (!list) {
      EXPECT_FALSE(m.name.empty()) << where << " " << spec.name;
    }
    expect_well_formed(m, where);
  }
}

TEST(ActionTypes, FieldSpecsAreWellFormed) {
  for (const auto& t : action_types())
    for (const auto* specs : {&t.fields, &t.record_fields}) {
      std::set<std::string_view> names;
      for (const auto& f : *specs) {
        EXPECT_FALSE(f.name.empty()) << t.collection;
        EXPECT_TRUE(names.insert(f.name).second) << t.collection << " documents " << f.name << " twice";
        expect_well_formed(f, t.collection);
      }
    }
  EXPECT_EQ(find_spec(type_by_collection("events")->fields, "start_date")->kind, FieldKind::kDate);
  EXPECT_EQ(entry_rel(*type_by_collection("unique_id_lists")), "action_network:unique_id_lists");
  EXPECT_EQ(entry_rel(*type_by_collection("petitions")), "osdi:petitions");
}

class RecordHelperTest : public ::testing::Test {
 protected:
  RecordHelperTest() : hasher_(std::array<unsigned char, 32>{7}), org_(Org{"org-1", "Test", "US"}, hasher_) {}

  const Action* petition(std::string sms = "") {
    auto w = batch_.for_org("org-1");
    ActionInput in;
    in.disclosure = "Email updates.";
    if (!sms.empty()) in.sms_disclosure = sms;
    auto a = create_action(org_, *type_by_collection("petitions"), in, "", w, ++now_);
    EXPECT_TRUE(a.ok());
    return a.value();
  }

  Result<RecordOutcome> sign(const Action& a, std::string email, std::optional<std::string> phone = {},
                             bool sms_opt_in = false, std::string birthdate = "") {
    HelperInput in;
    in.person.email.set(email);
    if (phone) in.person.phone.set(*phone);
    if (sms_opt_in) in.person.phone_status = consent::Status::kSubscribed;
    if (!birthdate.empty()) in.person.birthdate.set(birthdate);
    auto w = batch_.for_org("org-1");
    return record_helper(org_, *type_by_collection(a.kind), a.id, "http://x/api/v2/petitions/" + a.id, in,
                         ev_, HelperRules{}, w, ++now_);
  }

  std::vector<consent::LedgerEntry> ledger() const {
    std::vector<consent::LedgerEntry> out;
    for (const auto& op : batch_.ops())
      if (auto* e = std::get_if<store::op::AppendLedger>(&op.op)) out.push_back(e->entry);
    return out;
  }

  ContactHasher hasher_;
  people::OrgState org_;
  store::WriteBatch batch_;
  consent::Evidence ev_{"anonymous", "", "record signature helper", "198.51.100.7", "browser", "", 0, "", {}};
  Micros now_ = *parse_iso8601("2026-01-01");
};

TEST_F(RecordHelperTest, LedgerEntryNamesTheActionAndItsDisclosure) {
  const Action* a = petition();
  auto r = sign(*a, "a@x.org");
  ASSERT_TRUE(r.ok());
  auto entries = ledger();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].evidence.source, "http://x/api/v2/petitions/" + a->id + "#disclosure-v1");
  EXPECT_EQ(entries[0].evidence.disclosure_text, "Email updates.");
  EXPECT_EQ(entries[0].evidence.ip, "198.51.100.7");
  EXPECT_EQ(org_.actions.tally(a->id).records, 1);
}

TEST_F(RecordHelperTest, RepeatSignerKeepsOneSignatureAndReaffirms) {
  const Action* a = petition();
  auto first = sign(*a, "a@x.org");
  auto second = sign(*a, "a@x.org");
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_TRUE(first->created);
  EXPECT_FALSE(second->created);
  EXPECT_EQ(first->record->id, second->record->id);
  EXPECT_EQ(org_.actions.tally(a->id).records, 1);
  auto entries = ledger();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[1].old_status, consent::Status::kSubscribed);
  EXPECT_EQ(entries[1].evidence.method, "record signature helper (reaffirmed)");
}

TEST_F(RecordHelperTest, SmsOptInOnlyWithDisclosure) {
  const Action* bare = petition();
  auto r = sign(*bare, "a@x.org", "+12025550143", true);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->notices.size(), 1u);
  EXPECT_EQ(org_.status_of(Channel::kSms, "+12025550143"), consent::Status::kNone);

  const Action* disclosed = petition(kSms);
  auto ok = sign(*disclosed, "b@x.org", "+12025550144", true);
  ASSERT_TRUE(ok.ok());
  EXPECT_TRUE(ok->notices.empty());
  EXPECT_EQ(org_.status_of(Channel::kSms, "+12025550144"), consent::Status::kSubscribed);
  auto sms_entry = ledger().back();
  EXPECT_EQ(sms_entry.channel, Channel::kSms);
  EXPECT_NE(sms_entry.evidence.disclosure_text.find("Text STOP to cancel"), std::string::npos);
}

TEST_F(RecordHelperTest, ChildIsRefusedAndNothingChanges) {
  const Action* a = petition();
  size_t ops = batch_.size();
  auto r = sign(*a, "kid@x.org", std::nullopt, false, "2020-01-01");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().http_status, 422);
  EXPECT_EQ(batch_.size(), ops);
  EXPECT_TRUE(org_.people.empty());
  EXPECT_EQ(org_.actions.tally(a->id).records, 0);
}

TEST_F(RecordHelperTest, DonationsAreNotDeduplicated) {
  auto w = batch_.for_org("org-1");
  auto page = create_action(org_, *type_by_collection("fundraising_pages"), ActionInput{}, "", w, ++now_);
  ASSERT_TRUE(page.ok());
  HelperInput in;
  in.person.email.set("d@x.org");
  in.record.fields = {{"amount", "\"2.50\""}};
  const ActionType& t = *type_by_collection("fundraising_pages");
  for (int i = 0; i < 2; ++i)
    ASSERT_TRUE(record_helper(org_, t, page.value()->id, "u", in, ev_, HelperRules{}, w, ++now_).ok());
  EXPECT_EQ(org_.actions.tally(page.value()->id).records, 2);
  EXPECT_EQ(org_.actions.tally(page.value()->id).amount_cents, 500);
}

}  // namespace
}  // namespace tocsin::actions

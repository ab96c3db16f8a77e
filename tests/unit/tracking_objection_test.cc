// Objection to tracking (privacy/tracking_objection.h): kept on the person through the stored document,
// scoped objection requests stored and read back, and what fulfilling an objection changes — a scoped one
// only the person's record, a plain one the ledger too.
#include <gtest/gtest.h>

#include "core/person_codec.h"
#include "people/upsert.h"
#include "privacy/access_bundle.h"
#include "privacy/tracking_objection.h"

namespace tocsin::privacy {
namespace {

TEST(TrackingObjectionCodec, PersonDocumentKeepsTheObjectionAndOmitsItWhenUnset) {
  Person p;
  p.id = "0190a0b0-0000-7000-8000-000000000001";
  p.email = "a@x.org";
  std::string plain = encode_person(p);
  EXPECT_EQ(plain.find("\"nt\""), std::string::npos) << plain;
  EXPECT_EQ(decode_person(plain).value().tracking_objection, 0);
  p.tracking_objection = 1'765'000'000'000'000;
  auto back = decode_person(encode_person(p));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->tracking_objection, 1'765'000'000'000'000);
  EXPECT_EQ(back->email, p.email);
}

TEST(TrackingObjectionCodec, RequestScopeRoundTripsAndOldRequestsObjectToEverything) {
  EXPECT_EQ(parse_objection_to("tracking"), ObjectionScope::kTracking);
  EXPECT_EQ(parse_objection_to("all"), ObjectionScope::kAll);
  EXPECT_FALSE(parse_objection_to("Tracking").has_value());
  EXPECT_FALSE(parse_objection_to("").has_value());
  auto r = receive_privacy_request(RequestKind::kObjection, ContactRef{Channel::kEmail, "a@x.org"}, true,
                                   "api_key:k", "", 1000, 1);
  r.objection_to = ObjectionScope::kTracking;
  std::string doc = encode_privacy_request(r);
  EXPECT_NE(doc.find("\"objection_to\":\"tracking\""), std::string::npos) << doc;
  EXPECT_EQ(decode_privacy_request(doc).value().objection_to, ObjectionScope::kTracking);
  // A request stored before objections had a scope has no such field: it objected to everything.
  r.objection_to = ObjectionScope::kAll;
  std::string old = encode_privacy_request(r);
  EXPECT_EQ(old.find("objection_to"), std::string::npos) << old;
  EXPECT_EQ(decode_privacy_request(old).value().objection_to, ObjectionScope::kAll);
  JsonOut j;
  j.begin();
  write_privacy_request(j, decode_privacy_request(old).value(), 2000, false);
  EXPECT_NE(j.end().take().find("\"objection_to\":\"all\""), std::string::npos);
}

class TrackingObjectionTest : public ::testing::Test {
 protected:
  TrackingObjectionTest()
      : hasher_(std::array<unsigned char, 32>{7, 7}), org_(Org{"org-1", "Test", "US"}, hasher_) {}

  std::string signup(const std::string& email) {
    people::PersonInput in;
    in.email.set(email);
    auto w = batch_.for_org("org-1");
    auto r = people::signup(org_, in, {}, ev_, who_, w, ++now_);
    EXPECT_TRUE(r.ok());
    return r.ok() ? r->person->id : std::string();
  }

  size_t ops_of_person_and_ledger(size_t* ledger) const {
    size_t persons = 0;
    *ledger = 0;
    for (const auto& op : batch_.ops()) {
      persons += std::holds_alternative<store::op::PutPerson>(op.op);
      *ledger += std::holds_alternative<store::op::AppendLedger>(op.op);
    }
    return persons;
  }

  PrivacyRequest objection(const std::string& email, ObjectionScope scope) {
    auto r = receive_privacy_request(RequestKind::kObjection, ContactRef{Channel::kEmail, email}, false,
                                     "api_key:k", "", now_, std::nullopt);
    r.objection_to = scope;
    return r;
  }

  ContactHasher hasher_;
  people::OrgState org_;
  store::WriteBatch batch_;
  consent::Evidence ev_{"api_key:k", "test", "unit test", "127.0.0.1", "gtest", "", 0, "", {}};
  people::WriteAuthority who_{people::Writer::kApiKey, people::Attestation{"test form", "checkbox", ""}, "",
                              ""};
  Micros now_ = 1000;
};

TEST_F(TrackingObjectionTest, ScopedObjectionMarksThePersonAndLeavesTheSubscription) {
  std::string a = signup("a@x.org"), b = signup("b@x.org");
  batch_.clear();
  auto r = objection("a@x.org", ObjectionScope::kTracking);
  auto people = subject_people(org_, r.subject);
  ASSERT_EQ(people, std::vector<std::string>{a});
  auto w = batch_.for_org("org-1");
  fulfil_objection(org_, w, r, people, "api_key:k", 5000);
  EXPECT_EQ(r.state, RequestState::kDone);
  EXPECT_EQ(org_.find_person(a)->tracking_objection, 5000);
  EXPECT_EQ(org_.find_person(a)->modified, 5000);
  EXPECT_EQ(org_.find_person(b)->tracking_objection, 0) << "only the subject";
  EXPECT_EQ(org_.status_of(Channel::kEmail, "a@x.org"), consent::Status::kSubscribed);
  size_t ledger = 0;
  EXPECT_EQ(ops_of_person_and_ledger(&ledger), 1u);
  EXPECT_EQ(ledger, 0u);
  ASSERT_FALSE(r.audit.empty());
  EXPECT_NE(r.audit.back().event.find("objection to tracking recorded for 1 person(s)"), std::string::npos)
      << r.audit.back().event;

  // A second objection keeps the first time (when tracking had to stop) and writes nothing.
  batch_.clear();
  auto again = objection("a@x.org", ObjectionScope::kTracking);
  auto w2 = batch_.for_org("org-1");
  fulfil_objection(org_, w2, again, people, "api_key:k", 9000);
  EXPECT_EQ(org_.find_person(a)->tracking_objection, 5000);
  EXPECT_EQ(ops_of_person_and_ledger(&ledger), 0u);
  EXPECT_NE(again.audit.back().event.find("for 0 person(s) (1 had objected already)"), std::string::npos)
      << again.audit.back().event;
}

TEST_F(TrackingObjectionTest, PlainObjectionUnsubscribesAndAlsoStopsTracking) {
  std::string a = signup("a@x.org");
  batch_.clear();
  auto r = objection("a@x.org", ObjectionScope::kAll);
  auto w = batch_.for_org("org-1");
  fulfil_objection(org_, w, r, {a}, "api_key:k", 5000);
  EXPECT_EQ(org_.status_of(Channel::kEmail, "a@x.org"), consent::Status::kUnsubscribed);
  EXPECT_EQ(org_.find_person(a)->tracking_objection, 5000);
  size_t ledger = 0;
  EXPECT_EQ(ops_of_person_and_ledger(&ledger), 1u);
  EXPECT_EQ(ledger, 1u);
  ASSERT_EQ(r.audit.size(), 3u);  // received, unsubscribed, tracking
  EXPECT_NE(r.audit[1].event.find("unsubscribed 1 contact point(s)"), std::string::npos);
}

TEST_F(TrackingObjectionTest, UnknownPeopleAreSkipped) {
  auto w = batch_.for_org("org-1");
  EXPECT_EQ(record_tracking_objection(org_, w, {"no-such-person"}, 5000), 0);
  EXPECT_TRUE(batch_.ops().empty());
}

}  // namespace
}  // namespace tocsin::privacy

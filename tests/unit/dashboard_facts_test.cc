// The console dashboard's figures (web/admin/dashboard_facts.h) over an organization's serving state:
// counts per channel, blockers first, recent actions with their counts, messages in flight.
#include "web/admin/dashboard_facts.h"
#include "web/admin/console.h"

#include <gtest/gtest.h>

#include "messaging/message.h"
#include "messaging/settings.h"
#include "people/upsert.h"

using namespace tocsin;

namespace {

constexpr Micros kT0 = 1'790'000'000LL * 1'000'000;

class DashboardFactsTest : public ::testing::Test {
 protected:
  DashboardFactsTest()
      : hasher_(std::array<unsigned char, 32>{9}), org_(Org{"org-1", "One", "US"}, hasher_) {}

  void add(const std::string& email, const std::string& phone, consent::Status email_status) {
    people::PersonInput in;
    in.email.set(email);
    in.email_status = email_status;
    if (!phone.empty()) in.phone.set(phone);
    consent::Evidence ev;
    ev.method = "test";
    auto w = batch_.for_org("org-1");
    ASSERT_TRUE(people::signup(org_, in, {}, ev, people::WriteAuthority{}, w, kT0).ok());
  }

  ContactHasher hasher_;
  people::OrgState org_;
  store::WriteBatch batch_;
};

TEST_F(DashboardFactsTest, NewOrganizationShowsWhatBlocksSending) {
  auto f = web::admin::dashboard_facts(org_);
  EXPECT_EQ(web::admin::count_people(org_).people, 0);
  ASSERT_EQ(f.blockers.size(), 2u);
  EXPECT_NE(f.blockers[0].what.find("postal address"), std::string::npos);
  EXPECT_NE(f.blockers[1].what.find("sending domain"), std::string::npos);
  EXPECT_FALSE(f.blockers[1].fix.empty());
}

TEST_F(DashboardFactsTest, CountsActionsMessagesAndSuspension) {
  add("a@example.org", "", consent::Status::kSubscribed);
  add("b@example.org", "+12025550123", consent::Status::kSubscribed);
  add("c@example.org", "", consent::Status::kUnsubscribed);

  messaging::Settings s;
  s.postal_address = "1 Main St";
  s.suspended = true;
  s.suspended_reason = "complaint";
  ASSERT_TRUE(
      org_.messaging
          .apply_outside_change({std::string(messaging::kSettingsKind), "settings", encode_settings(s)})
          .ok());
  messaging::SendingDomain d;
  d.domain = "example.org";
  d.verified_at = kT0;
  ASSERT_TRUE(
      org_.messaging
          .apply_outside_change({std::string(messaging::kDomainKind), "example.org", encode_domain(d)})
          .ok());
  messaging::Message m;
  m.id = "m1";
  m.name = "Spring appeal";
  m.status = messaging::MessageStatus::kSending;
  m.total_targeted = 2;
  ASSERT_TRUE(
      org_.messaging.apply_outside_change({std::string(messaging::kMessageKind), "m1", encode_message(m)})
          .ok());
  m.id = "m2";
  m.status = messaging::MessageStatus::kDraft;
  ASSERT_TRUE(
      org_.messaging.apply_outside_change({std::string(messaging::kMessageKind), "m2", encode_message(m)})
          .ok());
  actions::Action older;
  older.id = "p1";
  older.kind = "petitions";
  older.created = kT0;
  actions::set_field(older.fields, "title", "\"Old petition\"");
  actions::Action newer = older;
  newer.id = "p2";
  newer.created = kT0 + 1;
  actions::set_field(newer.fields, "title", "\"New petition\"");
  org_.actions.put_action(older);
  org_.actions.put_action(newer);
  actions::ActionRecord r;
  r.id = "r1";
  r.action_id = "p1";
  r.person_id = "person";
  r.created = kT0;
  org_.actions.put_record(r);

  auto f = web::admin::dashboard_facts(org_);
  auto c = web::admin::count_people(org_);
  EXPECT_EQ(c.people, 3);
  EXPECT_EQ(c.with_email, 3);
  EXPECT_EQ(c.email_subscribed, 2);
  EXPECT_EQ(c.with_phone, 1);
  EXPECT_EQ(c.sms_subscribed, 0);  // a phone without an SMS opt-in
  ASSERT_EQ(f.blockers.size(), 1u);
  EXPECT_NE(f.blockers[0].what.find("suspended"), std::string::npos);
  EXPECT_NE(f.blockers[0].what.find("complaint"), std::string::npos);
  ASSERT_EQ(f.recent_actions.size(), 2u);
  EXPECT_EQ(f.recent_actions[0].title, "New petition");
  EXPECT_EQ(f.recent_actions[1].records, 1);
  ASSERT_EQ(f.in_flight.size(), 1u);
  EXPECT_EQ(f.in_flight[0].name, "Spring appeal");
  EXPECT_EQ(f.in_flight[0].status, "sending");
  EXPECT_EQ(f.in_flight[0].targeted, 2);
}

}  // namespace

namespace {

TEST(AdminConsole, OwnsOnlyAdminPaths) {
  using web::admin::Console;
  EXPECT_TRUE(Console::owns("/admin"));
  EXPECT_TRUE(Console::owns("/admin/login"));
  EXPECT_TRUE(Console::owns("/admin?x=1"));
  EXPECT_FALSE(Console::owns("/administrator"));
  EXPECT_FALSE(Console::owns("/api/v2/admin"));
}

TEST(AdminConsole, SecureCookiesExceptPlainHttpOnLoopback) {
  using web::admin::secure_cookies_for;
  EXPECT_FALSE(secure_cookies_for("http://127.0.0.1:8080", "127.0.0.1:8080"));
  EXPECT_FALSE(secure_cookies_for("http://localhost:8080", "localhost:8080"));
  EXPECT_TRUE(secure_cookies_for("https://act.example.org", "127.0.0.1:8080"));  // behind a TLS proxy
  EXPECT_TRUE(secure_cookies_for("http://act.example.org", "0.0.0.0:8080"));     // plain http on a network
}

}  // namespace

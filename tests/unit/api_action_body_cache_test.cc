// GET of one action from a cached body (api/action_body_cache.h): byte for byte what write_action renders,
// through new records (exact counters), an edit, a creator's change and a creator's erasure.
#include <gtest/gtest.h>

#include "actions/action_write.h"
#include "actions/record_write.h"
#include "api/action_body_cache.h"
#include "api/action_json.h"

namespace tocsin::api {
namespace {

const std::string kBase = "http://x/api/v2";

class ActionBodyCacheTest : public ::testing::Test {
 protected:
  ActionBodyCacheTest()
      : hasher_(std::array<unsigned char, 32>{7}), org_(Org{"org-1", "Test", "US"}, hasher_) {
    org_.slug = "test";
  }

  const actions::ActionType& type(const char* kind) { return *actions::type_by_collection(kind); }

  const actions::Action* create(const char* kind, actions::ActionInput in) {
    auto w = batch_.for_org("org-1");
    auto a = actions::create_action(org_, type(kind), std::move(in), "", w, ++now_);
    EXPECT_TRUE(a.ok());
    return a.value();
  }

  std::string sign(const actions::Action& a, const std::string& email, const std::string& name = "") {
    actions::HelperInput in;
    in.person.email.set(email);
    if (!name.empty()) in.person.given_name.set(name);
    auto w = batch_.for_org("org-1");
    auto r = actions::record_helper(org_, type(a.kind.c_str()), a.id, kBase + "/" + a.kind + "/" + a.id, in,
                                    ev_, actions::HelperRules{}, w, ++now_);
    EXPECT_TRUE(r.ok());
    return r->record->person_id;
  }

  // What the cache serves, and what an uncached render gives.
  std::string cached(const actions::Action& a) {
    return cache_.read(org_, type(a.kind.c_str()), a, kBase).text();
  }
  std::string rendered(const actions::Action& a) {
    JsonOut j;
    write_action(j, org_, type(a.kind.c_str()), a, kBase);
    return j.take();
  }

  ContactHasher hasher_;
  people::OrgState org_;
  store::WriteBatch batch_;
  consent::Evidence ev_{"anonymous", "", "record signature helper", "198.51.100.7", "browser", "", 0, "", {}};
  Micros now_ = *parse_iso8601("2026-01-01");
  ActionBodyCache cache_;
};

TEST_F(ActionBodyCacheTest, CountsAreExactOnEveryRead) {
  actions::ActionInput in;
  in.fields = {{"title", "\"Save the park\""}};
  const actions::Action* p = create("petitions", in);
  EXPECT_EQ(cached(*p), rendered(*p));
  EXPECT_NE(cached(*p).find("\"total_signatures\":0,"), std::string::npos);
  sign(*p, "a@x.org");
  sign(*p, "b@x.org");
  EXPECT_EQ(cached(*p), rendered(*p));
  EXPECT_NE(cached(*p).find("\"total_signatures\":2,"), std::string::npos);
}

TEST_F(ActionBodyCacheTest, AnEditIsSeenByTheNextRead) {
  actions::ActionInput in;
  in.fields = {{"title", "\"Before\""}};
  const actions::Action* p = create("petitions", in);
  std::string before = cached(*p);
  actions::ActionInput edit;
  edit.fields = {{"title", "\"After\""}};
  edit.disclosure = "New consent text.";
  auto w = batch_.for_org("org-1");
  ASSERT_TRUE(actions::update_action(org_, type("petitions"), p->id, edit, w, ++now_).ok());
  std::string after = cached(*org_.actions.find_action(p->id));
  EXPECT_NE(after, before);
  EXPECT_NE(after.find("\"title\":\"After\""), std::string::npos);
  EXPECT_NE(after.find("New consent text."), std::string::npos);
  EXPECT_EQ(after, rendered(*p));
}

TEST_F(ActionBodyCacheTest, TheCreatorIsCurrentAndGoneOnceErased) {
  std::string creator = sign(*create("petitions", {}), "creator@x.org", "Ada");
  actions::ActionInput in;
  in.creator_id = creator;
  const actions::Action* e = create("events", in);
  std::string first = cached(*e);
  EXPECT_EQ(first, rendered(*e));
  EXPECT_NE(first.find("\"given_name\":\"Ada\""), std::string::npos);
  EXPECT_NE(first.find("osdi:organizer"), std::string::npos);
  sign(*e, "creator@x.org", "Grace");  // the creator's own person changes, the event's definition does not
  EXPECT_NE(cached(*e).find("\"given_name\":\"Grace\""), std::string::npos);
  EXPECT_EQ(cached(*e), rendered(*e));
  ASSERT_TRUE(org_.forget_person(creator));
  std::string erased = cached(*e);
  EXPECT_EQ(erased, rendered(*e));
  EXPECT_EQ(erased.find("_embedded"), std::string::npos);
  EXPECT_EQ(erased.find("osdi:creator"), std::string::npos);
}

TEST_F(ActionBodyCacheTest, EveryKindsCountersAndAmounts) {
  const actions::Action* ec = create("event_campaigns", {});
  const actions::Action* page = create("fundraising_pages", {});
  EXPECT_EQ(cached(*ec), rendered(*ec));
  EXPECT_EQ(cached(*page), rendered(*page));
  for (const auto& t : actions::action_types()) {
    const actions::Action* a = create(std::string(t.collection).c_str(), {});
    EXPECT_EQ(cached(*a), rendered(*a)) << t.collection;
  }
}

}  // namespace
}  // namespace tocsin::api

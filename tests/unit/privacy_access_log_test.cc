// The access log's pieces that do not need a server: how a request is written down (literals masked),
// what an entry keeps of a bulk read, and that verification finds an entry changed behind the store's back.
#include <gtest/gtest.h>

#include <filesystem>

#include "core/ids.h"
#include "privacy/access_log.h"
#include "store/sqlite/statement.h"

namespace tocsin::privacy {
namespace {

namespace fs = std::filesystem;

TEST(AccessQuery, MasksTheFiltersLiteralsAndKeepsTheRest) {
  Target t = parse_target(
      "/api/v2/"
      "people?filter=email_address%20eq%20%27ann%40example.org%27%20and%20family_name%20eq%20%27O%27%27"
      "Brien%27&page=2");
  EXPECT_EQ(access_query(t),
            "/api/v2/people?filter=email_address eq '\xE2\x80\xA6' and family_name eq '\xE2\x80\xA6'&page=2");
  EXPECT_EQ(access_query(parse_target("/api/v2/people/abc")), "/api/v2/people/abc");
}

TEST(AccessEntry, ABulkReadKeepsItsCountNotItsPeople) {
  std::vector<std::string> many(store::kAccessPeopleListed + 1, "p");
  auto bulk = access_entry({"org", "cli:ann", "", "people.export", "tocsin export", many});
  EXPECT_TRUE(bulk.person_ids.empty());
  EXPECT_EQ(bulk.count, static_cast<int64_t>(many.size()));
  EXPECT_TRUE(store::is_bulk_read(bulk));
  auto one = access_entry({"org", "api_key:k", "192.0.2.1", "person.read", "/api/v2/people/p1", {"p1"}});
  EXPECT_EQ(one.person_ids, std::vector<std::string>{"p1"});
  EXPECT_EQ(one.count, 1);
  EXPECT_FALSE(store::is_bulk_read(one));
}

TEST(AccessChain, VerificationFindsAnEntryChangedBehindTheStoresBack) {
  fs::path dir = fs::temp_directory_path() / ("tocsin-access-" + new_uuid());
  fs::create_directories(dir);
  std::string path = (dir / "t.db").string();
  {
    auto st = store::open_sqlite_store(path);
    ASSERT_TRUE(st.ok());
    auto& s = *st.value();
    ASSERT_TRUE(s.create_org(Org{"org-a", "A", "US", false, false, 1}).ok());
    for (int i = 0; i < 3; ++i)
      ASSERT_TRUE(
          record_access_now(s, {"org-a", "api_key:k", "192.0.2.1", "person.read", "/p", {"p1"}}).ok());
    auto scope = s.scope("org-a");
    auto check = verify_access_chain(scope);
    ASSERT_TRUE(check.ok());
    EXPECT_EQ(check->entries, 3);
    EXPECT_EQ(check->broken_seq, 0);
  }
  {
    // The log refuses changes; someone with the file drops the guard and rewrites who read.
    store::sqlite::Connection c;
    ASSERT_TRUE(c.open(path).ok());
    EXPECT_FALSE(c.exec("UPDATE access_log SET actor = 'nobody' WHERE seq = 2").ok());
    ASSERT_TRUE(c.exec("DROP TRIGGER access_log_no_update").ok());
    ASSERT_TRUE(c.exec("UPDATE access_log SET actor = 'nobody' WHERE seq = 2").ok());
  }
  auto st = store::open_sqlite_store(path);
  ASSERT_TRUE(st.ok());
  auto scope = st.value()->scope("org-a");
  auto check = verify_access_chain(scope);
  ASSERT_TRUE(check.ok());
  EXPECT_EQ(check->broken_seq, 2);
  EXPECT_EQ(check->problem, "its hash does not match its fields");
  st.value().reset();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace tocsin::privacy

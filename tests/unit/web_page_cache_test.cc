// The hosted pages' render cache (web/page_cache.h): a page cut at its markers and filled gives back what a
// render with those values would have given (escaped); an entry serves only its action's current definition
// and only while fresh; a full cache starts over.
#include <gtest/gtest.h>

#include "web/page_cache.h"

namespace tocsin::web {
namespace {

constexpr Micros kNow = 1'800'000'000'000'000LL;

std::shared_ptr<const PageCache::Page> cut_page(const PageCache& cache, const std::string& html,
                                                uint64_t stamp = 7, Micros at = kNow) {
  PageCache::Page meta;
  meta.action_id = "a1";
  meta.stamp = stamp;
  meta.rendered_at = at;
  return cache.cut(html, std::move(meta));
}

TEST(PageCache, FillPutsEachRequestsValuesWhereTheMarkersWere) {
  PageCache cache;
  std::string html = "<form><input name=csrf value=\"" + cache.marker(PageCache::kPageCsrf) +
                     "\"><input name=challenge value=\"" + cache.marker(PageCache::kChallenge) +
                     "\"></form><form><input value=\"" + cache.marker(PageCache::kCookieCsrf) + "\"></form>" +
                     "<p>again " + cache.marker(PageCache::kPageCsrf) + "</p>";
  auto page = cut_page(cache, html);
  ASSERT_EQ(page->slots.size(), 4u);
  ASSERT_EQ(page->pieces.size(), 5u);
  std::string values[PageCache::kSlots];
  values[PageCache::kPageCsrf] = "p1";
  values[PageCache::kCookieCsrf] = "c2";
  values[PageCache::kChallenge] = "a.1<b";  // escaped on the way in
  EXPECT_EQ(PageCache::fill(*page, values),
            "<form><input name=csrf value=\"p1\"><input name=challenge value=\"a.1&lt;b\"></form>"
            "<form><input value=\"c2\"></form><p>again p1</p>");
}

TEST(PageCache, TextThatOnlyLooksLikeAMarkerStaysText) {
  PageCache cache;
  std::string prefix = cache.marker(PageCache::kPageCsrf);
  prefix.pop_back();  // the random prefix without a slot digit
  std::string html = "<p>" + prefix + "x " + prefix + "9</p>";
  auto page = cut_page(cache, html);
  EXPECT_TRUE(page->slots.empty());
  std::string values[PageCache::kSlots];
  EXPECT_EQ(PageCache::fill(*page, values), html);
}

TEST(PageCache, MarkersDifferBetweenProcessesCaches) {
  PageCache a, b;
  EXPECT_NE(a.marker(PageCache::kPageCsrf), b.marker(PageCache::kPageCsrf));
  EXPECT_NE(a.marker(PageCache::kPageCsrf), a.marker(PageCache::kCookieCsrf));
}

TEST(PageCache, ServesOnlyTheCurrentDefinitionWhileFresh) {
  PageCache cache;
  PageCache::Variant v{"/o/org/petitions/p", "en", true, false, false, false};
  cache.keep(v, cut_page(cache, "<p>page</p>", 7, kNow));
  EXPECT_NE(cache.find(v, "a1", 7, kNow + 10), nullptr);
  EXPECT_NE(cache.find(v, "a1", 7, kNow + PageCache::kFresh - 1), nullptr);
  EXPECT_EQ(cache.find(v, "a1", 7, kNow + PageCache::kFresh), nullptr) << "stale after a second";
  EXPECT_EQ(cache.find(v, "a1", 8, kNow + 10), nullptr) << "the action was edited";
  EXPECT_EQ(cache.find(v, "a2", 7, kNow + 10), nullptr) << "the path now names another action";
  EXPECT_EQ(cache.find(v, "a1", 7, kNow - 10), nullptr) << "the clock went back";
  PageCache::Variant other = v;
  other.banner = false;
  EXPECT_EQ(cache.find(other, "a1", 7, kNow + 10), nullptr) << "another variant";
  other = v;
  other.lang = "es";
  EXPECT_EQ(cache.find(other, "a1", 7, kNow + 10), nullptr);
}

TEST(PageCache, AFullCacheStartsOver) {
  PageCache cache;
  auto page = cut_page(cache, "<p>page</p>");
  PageCache::Variant first{"/o/org/petitions/0", "en", true, false, false, false};
  cache.keep(first, page);
  for (size_t i = 1; i < PageCache::kMaxEntries; ++i)
    cache.keep({"/o/org/petitions/" + std::to_string(i), "en", true, false, false, false}, page);
  EXPECT_NE(cache.find(first, "a1", 7, kNow), nullptr);
  cache.keep({"/o/org/petitions/overflow", "en", true, false, false, false}, page);
  EXPECT_EQ(cache.find(first, "a1", 7, kNow), nullptr);
}

}  // namespace
}  // namespace tocsin::web

// Ids: canonical UUID text; version 7 ids carry their millisecond and sort in creation order (RFC 9562).
#include "core/ids.h"

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>
#include <vector>

namespace tocsin {
namespace {

// The v7 state is per process and never goes back, so each test takes its own instants, later than any
// before it and than the real clock.
int64_t fresh_ms() {
  using namespace std::chrono;
  static int64_t next =
      duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count() + 1'000'000'000;
  next += 1'000'000;
  return next;
}

int64_t embedded_ms(const std::string& id) {
  std::string hex = id.substr(0, 8) + id.substr(9, 4);
  return std::stoll(hex, nullptr, 16);
}

TEST(Ids, RandomIdsAreCanonicalVersion4) {
  auto id = new_uuid();
  EXPECT_TRUE(is_uuid(id)) << id;
  EXPECT_EQ(id[14], '4');
  EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos);
  EXPECT_NE(new_uuid(), id);
}

TEST(Ids, TimeOrderedIdsAreCanonicalVersion7WithTheirMillisecond) {
  int64_t ms = fresh_ms();
  auto id = new_time_ordered_uuid(ms);
  EXPECT_TRUE(is_uuid(id)) << id;
  EXPECT_EQ(id[14], '7');
  EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos) << id;
  EXPECT_EQ(embedded_ms(id), ms);
  EXPECT_EQ(embedded_ms(new_time_ordered_uuid(ms + 5)), ms + 5);
}

TEST(Ids, TimeOrderedIdsSortInCreationOrderWithinAndAcrossMilliseconds) {
  int64_t ms = fresh_ms();
  std::vector<std::string> ids;
  for (int step = 0; step < 3; ++step)
    for (int i = 0; i < 2000; ++i) ids.push_back(new_time_ordered_uuid(ms + step));
  for (size_t i = 1; i < ids.size(); ++i) ASSERT_LT(ids[i - 1], ids[i]) << "at " << i;
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size());
}

TEST(Ids, CounterOverflowAdvancesTheMillisecondInsteadOfRepeating) {
  int64_t ms = fresh_ms();
  std::vector<std::string> ids;
  for (int i = 0; i < 10000; ++i) ids.push_back(new_time_ordered_uuid(ms));  // > 4096 in one millisecond
  for (size_t i = 1; i < ids.size(); ++i) ASSERT_LT(ids[i - 1], ids[i]) << "at " << i;
  EXPECT_EQ(embedded_ms(ids.front()), ms);
  EXPECT_GT(embedded_ms(ids.back()), ms);
}

TEST(Ids, AClockThatStepsBackDoesNotMakeIdsGoBack) {
  int64_t ms = fresh_ms();
  auto later = new_time_ordered_uuid(ms);
  auto after_step_back = new_time_ordered_uuid(ms - 60'000);
  EXPECT_LT(later, after_step_back);
  EXPECT_EQ(embedded_ms(after_step_back), ms);
}

}  // namespace
}  // namespace tocsin

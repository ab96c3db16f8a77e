// DeliveryPlan: the compact per-recipient plan of a blast — its chunk encoding survives a round trip and
// refuses what it did not write; its counts, combined with the rows that left it, are the statistics; and
// the SQLite store keeps it (put_plan / load_plan / stop_plan, delivery_groups over plan and rows).
#include "store/delivery_plan.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "core/ids.h"

namespace tocsin::store {
namespace {

namespace fs = std::filesystem;
using S = DeliveryState;

DeliveryPlan sample() {
  DeliveryPlan p;
  p.add("person-0", S::kQueued, "", 1'700'000'000'000'000);
  p.add("person-1", S::kQueued, "quiet_hours", 1'700'000'090'000'000);
  p.add("person-2", S::kSuppressed, "org_suppressed", 0);
  p.add("", S::kBlocked, "no_email_address", 0);  // an empty id survives too
  p.add("person-4", S::kSuppressed, "org_suppressed", 0);
  return p;
}

void expect_same(const DeliveryPlan& a, const DeliveryPlan& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].person_id, b[i].person_id) << i;
    EXPECT_EQ(a[i].state, b[i].state) << i;
    EXPECT_EQ(a[i].reason, b[i].reason) << i;
    EXPECT_EQ(a[i].next_at, b[i].next_at) << i;
  }
}

TEST(DeliveryPlan, KeepsEachEntryAsAdded) {
  DeliveryPlan p = sample();
  ASSERT_EQ(p.size(), 5u);
  EXPECT_EQ(p[1].person_id, "person-1");
  EXPECT_EQ(p[1].reason, "quiet_hours");
  EXPECT_EQ(p[1].next_at, 1'700'000'090'000'000);
  EXPECT_EQ(p[2].state, S::kSuppressed);
  EXPECT_EQ(p[2].next_at, 0);  // only queued entries are due at an instant
  EXPECT_EQ(p[3].person_id, "");
}

TEST(DeliveryPlan, AStateAPlanCannotHoldIsBlockedNotSent) {
  DeliveryPlan p;
  p.add("p", S::kHandedOver, "", 5);
  EXPECT_EQ(p[0].state, S::kBlocked);
  EXPECT_EQ(p[0].reason, "invalid_plan_state");
}

TEST(DeliveryPlan, ChunksRoundTripInOrder) {
  DeliveryPlan p = sample();
  DeliveryPlan back;
  ASSERT_TRUE(back.decode_append(p.encode(0, 2)));
  ASSERT_TRUE(back.decode_append(p.encode(2, 100)));  // the end is clamped
  expect_same(p, back);
}

TEST(DeliveryPlan, AnEmptyChunkDecodesToNothing) {
  DeliveryPlan p = sample();
  DeliveryPlan back;
  ASSERT_TRUE(back.decode_append(p.encode(3, 3)));
  EXPECT_TRUE(back.empty());
}

TEST(DeliveryPlan, MalformedChunksAreRefusedAndAppendNothing) {
  std::string good = sample().encode(0, 5);
  DeliveryPlan back;
  back.add("kept", S::kQueued, "", 1);
  EXPECT_FALSE(back.decode_append(""));
  EXPECT_FALSE(back.decode_append(good.substr(0, good.size() - 1)));  // truncated
  EXPECT_FALSE(back.decode_append(good + "x"));                       // trailing bytes
  std::string version = good;
  version[0] = 2;
  EXPECT_FALSE(back.decode_append(version));
  std::string state = good;
  state[state.find('\x00', 2)] = static_cast<char>(S::kHandedOver);  // the first entry's state byte
  EXPECT_FALSE(back.decode_append(state));
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].person_id, "kept");
}

TEST(DeliveryPlan, AppendRemapsReasons) {
  DeliveryPlan a, b;
  a.add("a", S::kSuppressed, "org_suppressed", 0);
  b.add("b", S::kBlocked, "sender_domain_unverified", 0);
  b.add("c", S::kSuppressed, "org_suppressed", 0);
  a.append(b);
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a[1].reason, "sender_domain_unverified");
  EXPECT_EQ(a[2].reason, "org_suppressed");
  EXPECT_EQ(a[2].person_id, "c");
}

TEST(DeliveryPlan, GroupsCountExclusionsByReasonAndQueuedTogether) {
  auto groups = plan_groups(sample());
  std::map<std::pair<S, std::string>, int64_t> by;
  for (const auto& g : groups) by[{g.state, g.reason}] = g.count;
  EXPECT_EQ(by.size(), 3u);
  EXPECT_EQ((by[{S::kQueued, ""}]), 2);  // the deferred one is queued, due later
  EXPECT_EQ((by[{S::kSuppressed, "org_suppressed"}]), 2);
  EXPECT_EQ((by[{S::kBlocked, "no_email_address"}]), 1);
}

std::map<std::pair<S, std::string>, int64_t> by_key(const std::vector<DeliveryGroup>& groups) {
  std::map<std::pair<S, std::string>, int64_t> by;
  for (const auto& g : groups) by[{g.state, g.reason}] += g.count;
  return by;
}

TEST(DeliveryPlan, CombinedGroupsCountEachRecipientOnce) {
  std::vector<DeliveryGroup> plan = {{S::kQueued, "", 10, 0, 0, 0, 0},
                                     {S::kSuppressed, "bouncing", 3, 0, 0, 0, 0}};
  std::vector<DeliveryGroup> rows = {{S::kHandedOver, "", 4, 1, 0, 0, 4}, {S::kHanding, "", 2, 0, 0, 0, 0}};
  auto by = by_key(combine_groups(plan, false, rows));
  EXPECT_EQ((by[{S::kQueued, ""}]), 4);
  EXPECT_EQ((by[{S::kHandedOver, ""}]), 4);
  EXPECT_EQ((by[{S::kHanding, ""}]), 2);
  EXPECT_EQ((by[{S::kSuppressed, "bouncing"}]), 3);
  int64_t total = 0;
  for (const auto& [k, n] : by) total += n;
  EXPECT_EQ(total, 13);
}

TEST(DeliveryPlan, AStoppedPlansRemainderIsStoppedAndNothingIsNegative) {
  std::vector<DeliveryGroup> plan = {{S::kQueued, "", 5, 0, 0, 0, 0}};
  auto stopped = by_key(combine_groups(plan, true, {{S::kHandedOver, "", 2, 0, 0, 0, 2}}));
  EXPECT_EQ((stopped[{S::kStopped, ""}]), 3);
  EXPECT_EQ(stopped.count({S::kQueued, ""}), 0u);
  auto all_left = by_key(combine_groups(plan, true, {{S::kHandedOver, "", 5, 0, 0, 0, 5}}));
  EXPECT_EQ(all_left.count({S::kStopped, ""}), 0u);
  EXPECT_EQ(all_left.size(), 1u);
}

class PlanStoreTest : public ::testing::Test {
 protected:
  PlanStoreTest() {
    dir_ = fs::temp_directory_path() / ("tocsin-plan-test-" + new_uuid());
    fs::create_directories(dir_);
    auto s = open_sqlite_store((dir_ / "t.db").string());
    EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
    if (s.ok()) store_ = std::move(s).value();
    EXPECT_TRUE(store_->create_org(Org{"org-1", "Test", "US"}).ok());
    EXPECT_TRUE(store_->create_org(Org{"org-2", "Other", "US"}).ok());
  }
  ~PlanStoreTest() override {
    store_.reset();
    fs::remove_all(dir_);
  }
  OrgScope scope(const std::string& org = "org-1") { return store_->scope(org); }

  std::unique_ptr<Store> store_;
  fs::path dir_;
};

DeliveryPlan big(size_t n) {
  DeliveryPlan p;
  for (size_t i = 0; i < n; ++i) {
    std::string id = "person-" + std::to_string(i);
    if (i % 10 == 3)
      p.add(id, S::kSuppressed, "not_subscribed", 0);
    else
      p.add(id, S::kQueued, "", 1'000 + static_cast<Micros>(i));
  }
  return p;
}

TEST_F(PlanStoreTest, APlanOfManyChunksIsStoredAndLoadedWhole) {
  DeliveryPlan p = big(40'000);  // three chunks
  ASSERT_TRUE(scope().put_plan("m1", p).ok());
  DeliveryPlan back;
  auto head = scope().load_plan("m1", &back);
  ASSERT_TRUE(head.ok());
  ASSERT_TRUE(head->has_value());
  EXPECT_EQ((*head)->entries, 40'000);
  EXPECT_FALSE((*head)->stopped);
  expect_same(p, back);
}

TEST_F(PlanStoreTest, NoPlanIsNulloptAndOtherOrgsCannotSeeIt) {
  ASSERT_TRUE(scope().put_plan("m1", sample()).ok());
  DeliveryPlan back;
  auto none = scope().load_plan("m2", &back);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  auto other = scope("org-2").load_plan("m1", &back);
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(other->has_value());
  EXPECT_TRUE(back.empty());
  EXPECT_TRUE(scope("org-2").delivery_groups("m1")->empty());
}

TEST_F(PlanStoreTest, ASecondPlanReplacesTheFirst) {
  ASSERT_TRUE(scope().put_plan("m1", big(20'000)).ok());
  DeliveryPlan small;
  small.add("only", S::kQueued, "", 7);
  ASSERT_TRUE(scope().put_plan("m1", small).ok());
  DeliveryPlan back;
  auto head = scope().load_plan("m1", &back);
  ASSERT_TRUE(head.ok() && head->has_value());
  EXPECT_EQ((*head)->entries, 1);
  expect_same(small, back);
  auto by = by_key(scope().delivery_groups("m1").value());
  EXPECT_EQ(by.size(), 1u);
  EXPECT_EQ((by[{S::kQueued, ""}]), 1);
}

DeliveryRow left_row(int64_t seq, S state) {
  DeliveryRow r;
  r.message_id = "m1";
  r.seq = seq;
  r.person_id = "person-" + std::to_string(seq);
  r.address = r.person_id + "@example.org";
  r.state = state;
  r.handed_at = state == S::kHandedOver ? 5 : 0;
  return r;
}

TEST_F(PlanStoreTest, StatisticsCombineThePlanWithTheRowsThatLeftIt) {
  ASSERT_TRUE(scope().put_plan("m1", big(100)).ok());  // 90 queued, 10 not_subscribed
  ASSERT_TRUE(scope()
                  .put_deliveries({left_row(0, S::kHandedOver), left_row(1, S::kHandedOver),
                                   left_row(2, S::kHanding), left_row(4, S::kDeferred)})
                  .ok());
  auto by = by_key(scope().delivery_groups("m1").value());
  EXPECT_EQ((by[{S::kQueued, ""}]), 86);
  EXPECT_EQ((by[{S::kHandedOver, ""}]), 2);
  EXPECT_EQ((by[{S::kHanding, ""}]), 1);
  EXPECT_EQ((by[{S::kDeferred, ""}]), 1);
  EXPECT_EQ((by[{S::kSuppressed, "not_subscribed"}]), 10);

  ASSERT_TRUE(scope().stop_plan("m1").ok());
  by = by_key(scope().delivery_groups("m1").value());
  EXPECT_EQ((by[{S::kStopped, ""}]), 86);
  EXPECT_EQ(by.count({S::kQueued, ""}), 0u);
  DeliveryPlan back;
  auto head = scope().load_plan("m1", nullptr);
  ASSERT_TRUE(head.ok() && head->has_value());
  EXPECT_TRUE((*head)->stopped);
  EXPECT_EQ((*head)->entries, 100);
}

TEST_F(PlanStoreTest, AMessageWithoutAPlanCountsItsRowsAsBefore) {
  ASSERT_TRUE(scope().put_deliveries({left_row(0, S::kHandedOver), left_row(1, S::kQueued)}).ok());
  ASSERT_TRUE(scope().stop_plan("m1").ok());  // no plan: nothing to mark
  auto by = by_key(scope().delivery_groups("m1").value());
  EXPECT_EQ(by.size(), 2u);
  EXPECT_EQ((by[{S::kQueued, ""}]), 1);
  EXPECT_EQ((by[{S::kHandedOver, ""}]), 1);
}

// Issue #10 item 9: 36 accepted + 1 refused with 550 5.1.1 at RCPT showed `sent` 37. A recipient refused
// during the SMTP transaction is bounced but was never handed over; one bounced by a later DSN was.
TEST_F(PlanStoreTest, OnlyDeliveriesTheRelayAcceptedCountAsHandedOver) {
  ASSERT_TRUE(scope().put_plan("m1", big(40)).ok());  // 36 queued, 4 not_subscribed
  std::vector<DeliveryRow> rows;
  for (int64_t seq : {0,  1,  2,  4,  5,  6,  7,  8,  9,  10, 11, 12, 14, 15, 16, 17, 18,
                      19, 20, 21, 22, 24, 25, 26, 27, 28, 29, 30, 31, 32, 34, 35, 36, 37})
    rows.push_back(left_row(seq, S::kHandedOver));
  DeliveryRow dsn_bounce = left_row(38, S::kBounced);  // accepted, bounced later by a DSN
  dsn_bounce.handed_at = 7;
  rows.push_back(dsn_bounce);
  rows.push_back(left_row(39, S::kBounced));  // refused at RCPT: never handed over
  ASSERT_TRUE(scope().put_deliveries(rows).ok());
  int64_t handed_over = 0, bounced = 0;
  auto groups = scope().delivery_groups("m1");  // kept: a range-for over .value() of a temporary dangles
  ASSERT_TRUE(groups.ok());
  for (const auto& g : *groups) {
    handed_over += g.handed_over;
    if (g.state == S::kBounced) bounced += g.count;
  }
  EXPECT_EQ(handed_over, 35) << "34 accepted and the one bounced after acceptance";
  EXPECT_EQ(bounced, 2);
}

}  // namespace
}  // namespace tocsin::store

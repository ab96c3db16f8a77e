// What the console's dashboard shows, read from an organization's serving state (people::OrgState) under
// its shared lock — the same in-memory state and accessors the API handlers read, never the store.
// Blockers come first on the screen: anything that keeps this organization's messages from leaving.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "people/directory.h"

namespace tocsin::web::admin {

struct Blocker {
  std::string what;  // one sentence: what stops sending
  std::string fix;   // what to do about it
};

struct RecentAction {
  std::string id, kind, title;
  int64_t records = 0;
  Micros created = 0;
};

struct MessageInFlight {
  std::string id, name, status;
  std::string channel;  // "email" | "sms"
  int64_t targeted = 0;
};

inline constexpr size_t kGrowthDays = 30;

struct PeopleCounts {
  int64_t people = 0;
  int64_t with_email = 0, email_subscribed = 0;
  int64_t with_phone = 0, sms_subscribed = 0;
  // Growth: people created on each of the last kGrowthDays UTC days before the count (oldest first, that day
  // last), and the number created before the first of them (erased people are not counted: they are gone).
  Micros growth_from = 0;  // the first day's start
  std::vector<int64_t> new_per_day;
  int64_t before_growth = 0;
};

struct DashboardFacts {
  std::vector<Blocker> blockers;
  // Counted for this view, or (a large organization) the last background count: `counted_at` says when, and
  // `recounting` that a newer count is under way. Null while the first count of a large organization runs.
  std::shared_ptr<const PeopleCounts> counts;
  Micros counted_at = 0;  // 0: counted for this view
  bool recounting = false;
  std::vector<RecentAction> recent_actions;  // newest first, at most `kRecentActions`
  std::vector<MessageInFlight> in_flight;    // scheduled, sending or paused
};

inline constexpr size_t kRecentActions = 10;

// One pass over the organization's people: a subscribed count per channel (a contact hash and a lookup per
// contact point — seconds at a million people, so the console counts large organizations in the background).
// Growth counts the days up to `now`.
PeopleCounts count_people(const people::OrgState& org, Micros now = now_micros());

// Blockers, recent actions and messages in flight (cheap: no pass over people); `counts` left for the caller.
DashboardFacts dashboard_facts(const people::OrgState& org);

}  // namespace tocsin::web::admin

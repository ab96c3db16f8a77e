#include "policy/quiet_hours.h"

#include <algorithm>
#include <chrono>

#include "policy/state_windows.h"

namespace tocsin::policy {
namespace {

using std::chrono::microseconds;
using std::chrono::minutes;

date::sys_time<microseconds> sys(Micros t) {
  return date::sys_time<microseconds>{microseconds{t}};
}

struct LocalMoment {
  date::year_month_day day;
  date::weekday weekday;
  int minute;  // of the local day
};

LocalMoment local_moment(const date::time_zone* zone, Micros t) {
  auto local = zone->to_local(sys(t));
  auto day = date::floor<date::days>(local);
  return LocalMoment{date::year_month_day{day}, date::weekday{day},
                     static_cast<int>(std::chrono::duration_cast<minutes>(local - day).count())};
}

bool window_holds(const StateRule* rule, const date::time_zone* zone, Micros t) {
  LocalMoment m = local_moment(zone, t);
  Window w = rule ? rule->on(m.weekday, is_holiday(m.day)) : kFederalWindow;
  return w.contains(m.minute);
}

// The zone a state's hours are written in: the recipient's, unless the statute fixes one.
const date::time_zone* zone_for(const StateRule& rule, const date::time_zone* recipient_zone) {
  return rule.fixed_zone.empty() ? recipient_zone : date::locate_zone(rule.fixed_zone);
}

std::vector<const StateRule*> rules_of(const Whereabouts& where) {
  std::vector<const StateRule*> rules;
  for (const auto& s : where.states)
    if (const StateRule* r = state_rule(s); r && std::find(rules.begin(), rules.end(), r) == rules.end())
      rules.push_back(r);
  return rules;
}

bool allowed(const Whereabouts& where, const std::vector<const StateRule*>& rules, Micros t) {
  if (where.zones.empty()) return false;
  for (const date::time_zone* zone : where.zones) {
    if (!window_holds(nullptr, zone, t)) return false;
    for (const StateRule* r : rules)
      if (!window_holds(r, zone_for(*r, zone), t)) return false;
  }
  return true;
}

}  // namespace

bool sending_allowed(const Whereabouts& where, Micros t) {
  return allowed(where, rules_of(where), t);
}

std::optional<Micros> next_window_open(const Whereabouts& where, Micros t, int horizon_days) {
  auto rules = rules_of(where);
  if (where.zones.empty()) return std::nullopt;
  if (allowed(where, rules, t)) return t;

  // Sending becomes allowed only when some window opens: at an opening minute of the federal or a state
  // window, on some local day, in some zone those windows are read in. Those instants are the only
  // candidates; the first one at which every window holds is the answer.
  std::vector<std::pair<const date::time_zone*, int>> openings;  // (zone, opening minute)
  auto add = [&](const date::time_zone* z, int minute) {
    std::pair<const date::time_zone*, int> p{z, minute};
    if (std::find(openings.begin(), openings.end(), p) == openings.end()) openings.push_back(p);
  };
  for (const date::time_zone* zone : where.zones) {
    add(zone, kFederalWindow.open);
    for (const StateRule* r : rules)
      for (Window w : {r->weekday, r->saturday, r->sunday, r->holiday.value_or(r->weekday)})
        if (!w.closed()) add(zone_for(*r, zone), w.open);
  }

  std::vector<Micros> candidates;
  for (auto [zone, minute] : openings) {
    auto today = date::floor<date::days>(zone->to_local(sys(t)));
    for (int d = 0; d <= horizon_days; ++d) {
      auto local = today + date::days{d} + minutes{minute};
      Micros c = std::chrono::duration_cast<microseconds>(
                     zone->to_sys(local, date::choose::earliest).time_since_epoch())
                     .count();
      if (c > t) candidates.push_back(c);
    }
  }
  std::sort(candidates.begin(), candidates.end());
  for (Micros c : candidates)
    if (allowed(where, rules, c)) return c;
  return std::nullopt;
}

}  // namespace tocsin::policy

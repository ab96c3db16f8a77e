// Sending windows as data (SMS-Q1, SMS-Q2): the federal window, the stricter US state windows and the
// holiday calendar. The reference asks for tables, not code branches: a change of law is a change of a row
// in state_windows.cc, and the quiet-hours logic (quiet_hours.h) never names a state.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include <date/date.h>

namespace tocsin::policy {

// [open, close) in minutes after local midnight. open == close means no sending that day.
struct Window {
  int16_t open = 0;
  int16_t close = 0;
  bool closed() const { return open >= close; }
  bool contains(int minute) const { return minute >= open && minute < close; }
};

constexpr Window kFederalWindow{8 * 60, 21 * 60};  // 47 CFR 64.1200(c)(1)

struct StateRule {
  std::string_view state;  // USPS code
  Window weekday;          // Monday to Friday
  Window saturday;
  Window sunday;
  std::optional<Window> holiday;  // replaces the day's window on a holiday in the calendar; nullopt: no rule
  std::string_view fixed_zone;    // evaluate in this IANA zone instead of the recipient's ("" = theirs)
  std::string_view source;

  Window on(date::weekday wd, bool holiday_today) const;
};

// The rule of a state, or null when only the federal window applies.
const StateRule* state_rule(std::string_view state);
std::span<const StateRule> state_rules();

// Whether `day` is on the holiday calendar (US federal holidays, by date rule; no observed-day shifting).
bool is_holiday(date::year_month_day day);

}  // namespace tocsin::policy

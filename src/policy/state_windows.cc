// The tables. Sources and caveats are in /shared/reference/compliance-rules.md SMS-Q2 and docs/POLICY.md.
#include "policy/state_windows.h"

#include <array>

namespace tocsin::policy {
namespace {

constexpr int16_t h(int hour, int minute = 0) {
  return static_cast<int16_t>(hour * 60 + minute);
}
constexpr Window w(int open_hour, int close_hour) {
  return Window{h(open_hour), h(close_hour)};
}
constexpr Window kNone{0, 0};

// clang-format off
constexpr std::array kStates{
  //         state weekday   saturday  sunday    holiday   fixed zone   source
  StateRule{"FL", w(8, 20), w(8, 20), w(8, 20), std::nullopt, "", "Fla. Stat. 501.616(6)(a)"},
  StateRule{"OK", w(8, 20), w(8, 20), w(8, 20), std::nullopt, "", "15 O.S. 775C"},
  StateRule{"MD", w(8, 20), w(8, 20), w(8, 20), std::nullopt, "", "Md. Com. Law 14-4502 (Stop the Spam Calls Act 2023)"},
  // Mississippi's statute states the hours in Central Standard Time all year: a fixed UTC-6 zone
  // (POSIX sign: Etc/GMT+6), which is 09:00-21:00 CDT in summer.
  StateRule{"MS", w(8, 20), w(8, 20), kNone,    kNone,        "Etc/GMT+6", "Miss. Code 77-3-723"},
  StateRule{"AL", w(8, 20), w(8, 20), kNone,    kNone,        "", "dropcowboy state compliance (secondary)"},
  StateRule{"LA", w(8, 20), w(8, 20), kNone,    kNone,        "", "dropcowboy state compliance (secondary)"},
  StateRule{"CT", w(9, 20), w(9, 20), w(9, 20), w(9, 20),     "", "dropcowboy state compliance (secondary)"},
  StateRule{"KY", w(10, 21), w(10, 21), w(10, 21), w(10, 21), "", "dropcowboy state compliance (secondary)"},
  StateRule{"MA", w(8, 20), w(8, 20), w(8, 20), w(8, 20),     "", "dropcowboy state compliance (secondary)"},
  StateRule{"MI", w(9, 21), w(9, 21), w(9, 21), w(9, 21),     "", "dropcowboy state compliance (secondary)"},
  StateRule{"MN", w(9, 21), w(9, 21), w(9, 21), w(9, 21),     "", "dropcowboy state compliance (secondary)"},
  StateRule{"NM", w(9, 21), w(9, 21), w(9, 21), w(9, 21),     "", "dropcowboy state compliance (secondary)"},
  StateRule{"NV", w(9, 20), w(9, 20), w(9, 20), w(9, 20),     "", "dropcowboy state compliance (secondary)"},
  // VERIFY: sources conflict on Saturday and Sunday; the weekday window is applied every day.
  StateRule{"PA", w(8, 21), w(8, 21), w(8, 21), kNone,        "", "dropcowboy state compliance (secondary); VERIFY"},
  // Holiday-only rules (dnc.com restricted dates, secondary); their hour windows are unverified (VERIFY)
  // and the federal window applies meanwhile.
  StateRule{"RI", kFederalWindow, kFederalWindow, kFederalWindow, kNone, "", "dnc.com restricted dates; VERIFY"},
  StateRule{"UT", kFederalWindow, kFederalWindow, kFederalWindow, kNone, "", "dnc.com restricted dates; VERIFY"},
};
// clang-format on

enum class DayRule { kFixed, kNthWeekday, kLastWeekday };

struct Holiday {
  std::string_view name;
  unsigned month;
  DayRule rule;
  unsigned day_or_n;  // day of month (kFixed) or n (kNthWeekday)
  unsigned weekday;   // 0 = Sunday (date::weekday encoding); unused for kFixed
};

// US federal holidays (5 U.S.C. 6103). VERIFY per state: the restricted-date lists are secondary sources.
constexpr std::array kHolidays{
    Holiday{"New Year's Day", 1, DayRule::kFixed, 1, 0},
    Holiday{"Birthday of Martin Luther King, Jr.", 1, DayRule::kNthWeekday, 3, 1},
    Holiday{"Washington's Birthday", 2, DayRule::kNthWeekday, 3, 1},
    Holiday{"Memorial Day", 5, DayRule::kLastWeekday, 0, 1},
    Holiday{"Juneteenth", 6, DayRule::kFixed, 19, 0},
    Holiday{"Independence Day", 7, DayRule::kFixed, 4, 0},
    Holiday{"Labor Day", 9, DayRule::kNthWeekday, 1, 1},
    Holiday{"Columbus Day", 10, DayRule::kNthWeekday, 2, 1},
    Holiday{"Veterans Day", 11, DayRule::kFixed, 11, 0},
    Holiday{"Thanksgiving Day", 11, DayRule::kNthWeekday, 4, 4},
    Holiday{"Christmas Day", 12, DayRule::kFixed, 25, 0},
};

date::year_month_day holiday_in(const Holiday& hd, date::year y) {
  using namespace date;
  auto m = month{hd.month};
  switch (hd.rule) {
    case DayRule::kFixed:
      return y / m / day{hd.day_or_n};
    case DayRule::kNthWeekday:
      return year_month_day{sys_days{y / m / weekday{hd.weekday}[hd.day_or_n]}};
    case DayRule::kLastWeekday:
      return year_month_day{sys_days{y / m / weekday{hd.weekday}[last]}};
  }
  return {};
}

}  // namespace

Window StateRule::on(date::weekday wd, bool holiday_today) const {
  if (holiday_today && holiday) return *holiday;
  if (wd == date::Saturday) return saturday;
  if (wd == date::Sunday) return sunday;
  return weekday;
}

const StateRule* state_rule(std::string_view state) {
  for (const auto& r : kStates)
    if (r.state == state) return &r;
  return nullptr;
}

std::span<const StateRule> state_rules() {
  return kStates;
}

bool is_holiday(date::year_month_day day) {
  for (const auto& hd : kHolidays)
    if (holiday_in(hd, day.year()) == day) return true;
  return false;
}

}  // namespace tocsin::policy

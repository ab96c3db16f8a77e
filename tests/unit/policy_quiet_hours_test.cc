// Quiet hours (SMS-Q1..Q3): state x weekday x boundary minute, holidays, DST days, zones that disagree.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "policy/quiet_hours.h"
#include "policy/state_windows.h"

namespace tocsin::policy {
namespace {

using namespace std::chrono;

const date::time_zone* tz(const char* name) {
  return date::locate_zone(name);
}

// The instant of a local wall-clock time in `zone` (earliest of an ambiguous pair).
Micros at(const date::time_zone* zone, int y, unsigned mo, unsigned d, int hh, int mm) {
  auto local = date::local_days{date::year{y} / mo / d} + hours{hh} + minutes{mm};
  return duration_cast<microseconds>(zone->to_sys(local, date::choose::earliest).time_since_epoch()).count();
}

Micros utc(int y, unsigned mo, unsigned d, int hh, int mm) {
  return at(tz("Etc/UTC"), y, mo, d, hh, mm);
}

// Expected windows, written out from the reference's SMS-Q2 table (independently of state_windows.cc).
struct Expect {
  const char* state;  // "" = no state rule: federal 08:00-21:00
  int weekday_open, weekday_close, sat_open, sat_close, sun_open, sun_close;  // open == close: closed
};
constexpr Expect kExpected[] = {
    {"", 8, 21, 8, 21, 8, 21},   {"FL", 8, 20, 8, 20, 8, 20}, {"OK", 8, 20, 8, 20, 8, 20},
    {"MD", 8, 20, 8, 20, 8, 20}, {"MS", 8, 20, 8, 20, 0, 0},  {"AL", 8, 20, 8, 20, 0, 0},
    {"LA", 8, 20, 8, 20, 0, 0},  {"CT", 9, 20, 9, 20, 9, 20}, {"KY", 10, 21, 10, 21, 10, 21},
    {"MA", 8, 20, 8, 20, 8, 20}, {"MI", 9, 21, 9, 21, 9, 21}, {"MN", 9, 21, 9, 21, 9, 21},
    {"NM", 9, 21, 9, 21, 9, 21}, {"NV", 9, 20, 9, 20, 9, 20}, {"PA", 8, 21, 8, 21, 8, 21},
    {"TX", 8, 21, 8, 21, 8, 21},  // no verified rule: federal
};

struct Day {
  const char* name;
  unsigned date;  // January 2026: the 12th is a Monday; no holiday that week
  int Expect::*open;
  int Expect::*close;
};
constexpr Day kDays[] = {
    {"Mon", 12, &Expect::weekday_open, &Expect::weekday_close},
    {"Wed", 14, &Expect::weekday_open, &Expect::weekday_close},
    {"Fri", 16, &Expect::weekday_open, &Expect::weekday_close},
    {"Sat", 17, &Expect::sat_open, &Expect::sat_close},
    {"Sun", 18, &Expect::sun_open, &Expect::sun_close},
};
constexpr int kBoundaryMinutes[] = {7 * 60 + 59, 8 * 60,       9 * 60 - 1, 9 * 60,       10 * 60 - 1,
                                    10 * 60,     19 * 60 + 59, 20 * 60,    20 * 60 + 59, 21 * 60};

TEST(QuietHours, StateByWeekdayByBoundaryMinute) {
  // Chicago in January is CST, so Mississippi's CST-written hours read the same as local hours here.
  const date::time_zone* chicago = tz("America/Chicago");
  int checked = 0;
  for (const Expect& e : kExpected) {
    Whereabouts where{{chicago}, {}};
    if (*e.state) where.states.emplace_back(e.state);
    for (const Day& d : kDays) {
      for (int minute : kBoundaryMinutes) {
        bool want = minute >= e.*d.open * 60 && minute < e.*d.close * 60;
        Micros t = at(chicago, 2026, 1, d.date, minute / 60, minute % 60);
        EXPECT_EQ(sending_allowed(where, t), want)
            << (*e.state ? e.state : "federal") << " " << d.name << " " << minute / 60 << ":" << minute % 60;
        ++checked;
      }
    }
  }
  EXPECT_EQ(checked, 16 * 5 * 10);
}

TEST(QuietHours, EveryStateRuleIsCoveredByTheTable) {
  for (const StateRule& r : state_rules()) {
    if (r.state == "RI" || r.state == "UT") continue;  // holiday-only rows, tested below
    bool found = false;
    for (const Expect& e : kExpected) found |= r.state == e.state;
    EXPECT_TRUE(found) << r.state;
  }
}

TEST(QuietHours, DeferredMessageWaitsForTheExactOpening) {
  const date::time_zone* ny = tz("America/New_York");
  Whereabouts where{{ny}, {}};
  Micros late = at(ny, 2026, 1, 14, 21, 0);
  EXPECT_EQ(next_window_open(where, late), at(ny, 2026, 1, 15, 8, 0));
  Micros open = at(ny, 2026, 1, 14, 12, 34);
  EXPECT_EQ(next_window_open(where, open), open);
}

TEST(QuietHours, NoSundayStatesWaitForMonday) {
  const date::time_zone* chicago = tz("America/Chicago");
  Whereabouts al{{chicago}, {"AL"}};
  // Saturday 20:00 -> Monday 08:00.
  EXPECT_EQ(next_window_open(al, at(chicago, 2026, 1, 10, 20, 0)), at(chicago, 2026, 1, 12, 8, 0));
  // The next weekend is followed by Martin Luther King Day (a holiday): Tuesday 08:00.
  EXPECT_EQ(next_window_open(al, at(chicago, 2026, 1, 17, 20, 0)), at(chicago, 2026, 1, 20, 8, 0));
  // A state without a Sunday rule sends on Sunday.
  EXPECT_EQ(next_window_open(Whereabouts{{chicago}, {"FL"}}, at(chicago, 2026, 1, 17, 20, 0)),
            at(chicago, 2026, 1, 18, 8, 0));
}

TEST(QuietHours, HolidayCalendar) {
  EXPECT_TRUE(is_holiday(date::year{2026} / 12 / 25));
  EXPECT_TRUE(is_holiday(date::year{2026} / 11 / 26));  // 4th Thursday of November
  EXPECT_TRUE(is_holiday(date::year{2026} / 5 / 25));   // last Monday of May
  EXPECT_TRUE(is_holiday(date::year{2026} / 1 / 19));   // 3rd Monday of January
  EXPECT_FALSE(is_holiday(date::year{2026} / 1 / 12));
  EXPECT_FALSE(is_holiday(date::year{2026} / 11 / 19));
}

TEST(QuietHours, NoHolidayStatesSkipTheHoliday) {
  const date::time_zone* chicago = tz("America/Chicago");
  Micros xmas_noon = at(chicago, 2026, 12, 25, 12, 0);  // a Friday
  for (const char* state : {"AL", "LA", "MS", "PA", "RI", "UT"}) {
    Whereabouts w{{chicago}, {state}};
    EXPECT_FALSE(sending_allowed(w, xmas_noon)) << state;
    EXPECT_EQ(next_window_open(w, xmas_noon), at(chicago, 2026, 12, 26, 8, 0)) << state;
  }
  // A holiday row with hours keeps those hours; states without a holiday rule send as on any Friday.
  EXPECT_TRUE(sending_allowed(Whereabouts{{chicago}, {"CT"}}, xmas_noon));
  EXPECT_FALSE(sending_allowed(Whereabouts{{chicago}, {"CT"}}, at(chicago, 2026, 12, 25, 8, 30)));
  EXPECT_TRUE(sending_allowed(Whereabouts{{chicago}, {"FL"}}, xmas_noon));
  EXPECT_TRUE(sending_allowed(Whereabouts{{chicago}, {}}, xmas_noon));
}

TEST(QuietHours, MississippiHoursStayInStandardTimeInSummer) {
  const date::time_zone* chicago = tz("America/Chicago");
  Whereabouts ms{{chicago}, {"MS"}};
  // 2026-07-15 (Wednesday), CDT = CST + 1 h: the window is 09:00-21:00 local.
  EXPECT_FALSE(sending_allowed(ms, at(chicago, 2026, 7, 15, 8, 30)));
  EXPECT_TRUE(sending_allowed(ms, at(chicago, 2026, 7, 15, 9, 0)));
  EXPECT_TRUE(sending_allowed(ms, at(chicago, 2026, 7, 15, 20, 30)));
  EXPECT_FALSE(sending_allowed(ms, at(chicago, 2026, 7, 15, 21, 0)));  // federal closes
  EXPECT_EQ(next_window_open(ms, at(chicago, 2026, 7, 15, 7, 0)), at(chicago, 2026, 7, 15, 9, 0));
}

TEST(QuietHours, SpringForwardDay) {
  // 2026-03-08: New York jumps from 02:00 EST to 03:00 EDT; 08:00 that day is 12:00 UTC, not 13:00.
  const date::time_zone* ny = tz("America/New_York");
  Whereabouts where{{ny}, {}};
  EXPECT_EQ(next_window_open(where, utc(2026, 3, 8, 6, 30)), utc(2026, 3, 8, 12, 0));
  EXPECT_FALSE(sending_allowed(where, utc(2026, 3, 8, 11, 59)));
  EXPECT_TRUE(sending_allowed(where, utc(2026, 3, 8, 12, 0)));
  // The day before, still EST.
  EXPECT_EQ(next_window_open(where, utc(2026, 3, 7, 6, 30)), utc(2026, 3, 7, 13, 0));
  // Evening: 21:00 EDT is 01:00 UTC next day.
  EXPECT_TRUE(sending_allowed(where, utc(2026, 3, 9, 0, 59)));
  EXPECT_FALSE(sending_allowed(where, utc(2026, 3, 9, 1, 0)));
}

TEST(QuietHours, FallBackDay) {
  // 2026-11-01: 02:00 EDT becomes 01:00 EST; 01:30 happens twice. 08:00 that day is 13:00 UTC.
  const date::time_zone* ny = tz("America/New_York");
  Whereabouts where{{ny}, {}};
  EXPECT_EQ(next_window_open(where, utc(2026, 11, 1, 5, 30)), utc(2026, 11, 1, 13, 0));  // 01:30 EDT
  EXPECT_EQ(next_window_open(where, utc(2026, 11, 1, 6, 30)), utc(2026, 11, 1, 13, 0));  // 01:30 EST
  EXPECT_FALSE(sending_allowed(where, utc(2026, 11, 1, 12, 59)));
}

TEST(QuietHours, ArizonaKeepsNoDst) {
  const date::time_zone* phoenix = tz("America/Phoenix");
  Whereabouts where{{phoenix}, {}};
  EXPECT_EQ(next_window_open(where, utc(2026, 1, 14, 10, 0)), utc(2026, 1, 14, 15, 0));
  EXPECT_EQ(next_window_open(where, utc(2026, 7, 14, 10, 0)), utc(2026, 7, 14, 15, 0));
}

TEST(QuietHours, AreaCodeSpanningZonesUsesTheOverlap) {
  // Florida panhandle (850): Eastern and Central, Florida's 08:00-20:00. In January the overlap is
  // 09:00-20:00 Eastern = 14:00-01:00 UTC.
  Whereabouts where{{tz("America/New_York"), tz("America/Chicago")}, {"FL"}};
  EXPECT_FALSE(sending_allowed(where, utc(2026, 1, 14, 13, 30)));  // 08:30 ET but 07:30 CT
  EXPECT_EQ(next_window_open(where, utc(2026, 1, 14, 13, 30)), utc(2026, 1, 14, 14, 0));
  EXPECT_TRUE(sending_allowed(where, utc(2026, 1, 15, 0, 59)));  // 19:59 ET
  EXPECT_FALSE(sending_allowed(where, utc(2026, 1, 15, 1, 0)));  // 20:00 ET, 19:00 CT
  EXPECT_EQ(next_window_open(where, utc(2026, 1, 15, 1, 0)), utc(2026, 1, 15, 14, 0));
}

TEST(QuietHours, StatesIntersect) {
  // A Kentucky number (10:00-21:00) whose owner lives in Connecticut (09:00-20:00): 10:00-20:00.
  const date::time_zone* ny = tz("America/New_York");
  Whereabouts where{{ny}, {"KY", "CT"}};
  EXPECT_FALSE(sending_allowed(where, at(ny, 2026, 1, 14, 9, 30)));
  EXPECT_TRUE(sending_allowed(where, at(ny, 2026, 1, 14, 10, 0)));
  EXPECT_TRUE(sending_allowed(where, at(ny, 2026, 1, 14, 19, 59)));
  EXPECT_FALSE(sending_allowed(where, at(ny, 2026, 1, 14, 20, 0)));
}

TEST(QuietHours, NoCommonWindowAndNoZone) {
  // Zones 13 hours apart with Connecticut's 11-hour window never overlap.
  Whereabouts apart{{tz("America/New_York"), tz("Asia/Shanghai")}, {"CT"}};
  EXPECT_EQ(next_window_open(apart, utc(2026, 1, 14, 0, 0)), std::nullopt);
  Whereabouts nowhere{{}, {"FL"}};
  EXPECT_FALSE(sending_allowed(nowhere, utc(2026, 1, 14, 15, 0)));
  EXPECT_EQ(next_window_open(nowhere, utc(2026, 1, 14, 15, 0)), std::nullopt);
}

}  // namespace
}  // namespace tocsin::policy

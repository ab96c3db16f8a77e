// Quiet hours (SMS-Q1..Q3): may a message reach a recipient at an instant, and if not, when may it?
//
// A recipient's whereabouts are the candidate IANA zones (several when the number or ZIP is ambiguous) and
// the applicable US states (area-code state and address state). Sending is allowed only when every window
// holds in every candidate zone: the federal 08:00-21:00 and each state's row of state_windows.h, with
// weekdays and holidays taken from the local date. That is the intersection the reference asks for when
// the location is uncertain. DST comes from the system tz database through Howard Hinnant's date/tz.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <date/tz.h>

#include "core/clock.h"

namespace tocsin::policy {

struct Whereabouts {
  std::vector<const date::time_zone*> zones;  // candidates; empty means unknown
  std::vector<std::string> states;            // USPS codes; states without a rule are ignored
};

// Whether `t` lies in every window. False when no zone is known.
bool sending_allowed(const Whereabouts& where, Micros t);

// The earliest instant >= t at which sending_allowed holds (t itself when it holds now), looking at most
// `horizon_days` ahead; nullopt when no zone is known or the windows never meet in that horizon.
std::optional<Micros> next_window_open(const Whereabouts& where, Micros t, int horizon_days = 8);

}  // namespace tocsin::policy

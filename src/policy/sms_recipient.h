// An SMS recipient's number, as the gate sees it: may it be texted at all (not an emergency, short or
// premium-rate number), and where may its owner be (candidate zones and states, SMS-Q3)?
//
// Number types come from libphonenumber (PhoneNumberUtil::GetNumberType, ShortNumberInfo); the state from
// its offline geocoder ("Tallahassee, FL", "Florida"); area-code zones from nanp_zones_data.cc, because the
// C++ library has no time-zone mapper. All functions are thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policy/quiet_hours.h"

namespace tocsin::policy {

enum class NumberClass { kTextable, kInvalid, kEmergency, kShort, kPremiumRate };

// `number` is E.164 or national (parsed with `default_region`).
NumberClass classify_number(std::string_view number, std::string_view default_region);

// Zone names of a +1 number's area code from the NANP table (empty when not listed or not +1).
std::vector<std::string> nanp_zones(std::string_view e164);

// USPS code of the state or territory the geocoder places a +1 number in (nullopt when unknown or not US).
std::optional<std::string> number_state(std::string_view e164);

// Whereabouts for quiet hours. Zones: from the ZIP's state when a ZIP is known (the person's address beats
// a portable number), else the area code's zones, else the geocoded state's zones. States: the area-code
// state and the ZIP state (FL and OK presume residence from the area code; the address adds its own).
Whereabouts locate_recipient(std::string_view e164, std::optional<std::string_view> zip);

}  // namespace tocsin::policy

// US places as data, for locating a recipient (SMS-Q3): states and territories with the IANA zones in use
// there, and the ZIP-code prefix ranges of each (USPS 3-digit prefixes).
//
// A state spanning zones lists all of them; callers then intersect windows over the candidates, which is
// the reference's rule for an uncertain location. ZIP-level zone precision would need a ZIP -> zone data
// set that Debian does not package; state level errs on the strict side.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace tocsin::policy {

struct UsPlace {
  std::string_view code;  // USPS: "FL"
  std::string_view name;  // as libphonenumber's English geocoder names it: "Florida"
  std::span<const std::string_view> zones;
};

const UsPlace* us_place_by_code(std::string_view code);
const UsPlace* us_place_by_name(std::string_view name);
// The state of a 5-digit ZIP (or ZIP+4); nullopt for malformed, unassigned or military (APO/FPO) codes.
const UsPlace* us_place_by_zip(std::string_view zip);

}  // namespace tocsin::policy

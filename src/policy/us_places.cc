#include "policy/us_places.h"

#include <array>

namespace tocsin::policy {
namespace {

using Z = std::string_view;
constexpr Z kEastern[] = {"America/New_York"};
constexpr Z kCentral[] = {"America/Chicago"};
constexpr Z kMountain[] = {"America/Denver"};
constexpr Z kPacific[] = {"America/Los_Angeles"};
constexpr Z kEasternCentral[] = {"America/New_York", "America/Chicago"};
constexpr Z kCentralMountain[] = {"America/Chicago", "America/Denver"};
constexpr Z kMountainPacific[] = {"America/Denver", "America/Los_Angeles"};
constexpr Z kArizona[] = {"America/Phoenix", "America/Denver"};  // the Navajo Nation keeps DST
constexpr Z kAlaska[] = {"America/Anchorage", "America/Adak"};
constexpr Z kHawaii[] = {"Pacific/Honolulu"};
constexpr Z kPuertoRico[] = {"America/Puerto_Rico"};
constexpr Z kVirginIslands[] = {"America/St_Thomas"};
constexpr Z kGuam[] = {"Pacific/Guam"};
constexpr Z kMarianas[] = {"Pacific/Saipan"};
constexpr Z kSamoa[] = {"Pacific/Pago_Pago"};

constexpr std::array kPlaces{
    UsPlace{"AL", "Alabama", kCentral},
    UsPlace{"AK", "Alaska", kAlaska},
    UsPlace{"AZ", "Arizona", kArizona},
    UsPlace{"AR", "Arkansas", kCentral},
    UsPlace{"CA", "California", kPacific},
    UsPlace{"CO", "Colorado", kMountain},
    UsPlace{"CT", "Connecticut", kEastern},
    UsPlace{"DE", "Delaware", kEastern},
    UsPlace{"DC", "Washington D.C.", kEastern},
    UsPlace{"FL", "Florida", kEasternCentral},
    UsPlace{"GA", "Georgia", kEastern},
    UsPlace{"HI", "Hawaii", kHawaii},
    UsPlace{"ID", "Idaho", kMountainPacific},
    UsPlace{"IL", "Illinois", kCentral},
    UsPlace{"IN", "Indiana", kEasternCentral},
    UsPlace{"IA", "Iowa", kCentral},
    UsPlace{"KS", "Kansas", kCentralMountain},
    UsPlace{"KY", "Kentucky", kEasternCentral},
    UsPlace{"LA", "Louisiana", kCentral},
    UsPlace{"ME", "Maine", kEastern},
    UsPlace{"MD", "Maryland", kEastern},
    UsPlace{"MA", "Massachusetts", kEastern},
    UsPlace{"MI", "Michigan", kEasternCentral},
    UsPlace{"MN", "Minnesota", kCentral},
    UsPlace{"MS", "Mississippi", kCentral},
    UsPlace{"MO", "Missouri", kCentral},
    UsPlace{"MT", "Montana", kMountain},
    UsPlace{"NE", "Nebraska", kCentralMountain},
    UsPlace{"NV", "Nevada", kMountainPacific},
    UsPlace{"NH", "New Hampshire", kEastern},
    UsPlace{"NJ", "New Jersey", kEastern},
    UsPlace{"NM", "New Mexico", kMountain},
    UsPlace{"NY", "New York", kEastern},
    UsPlace{"NC", "North Carolina", kEastern},
    UsPlace{"ND", "North Dakota", kCentralMountain},
    UsPlace{"OH", "Ohio", kEastern},
    UsPlace{"OK", "Oklahoma", kCentral},
    UsPlace{"OR", "Oregon", kMountainPacific},
    UsPlace{"PA", "Pennsylvania", kEastern},
    UsPlace{"RI", "Rhode Island", kEastern},
    UsPlace{"SC", "South Carolina", kEastern},
    UsPlace{"SD", "South Dakota", kCentralMountain},
    UsPlace{"TN", "Tennessee", kEasternCentral},
    UsPlace{"TX", "Texas", kCentralMountain},
    UsPlace{"UT", "Utah", kMountain},
    UsPlace{"VT", "Vermont", kEastern},
    UsPlace{"VA", "Virginia", kEastern},
    UsPlace{"WA", "Washington", kPacific},
    UsPlace{"WV", "West Virginia", kEastern},
    UsPlace{"WI", "Wisconsin", kCentral},
    UsPlace{"WY", "Wyoming", kMountain},
    UsPlace{"PR", "Puerto Rico", kPuertoRico},
    UsPlace{"VI", "U.S. Virgin Islands", kVirginIslands},
    UsPlace{"GU", "Guam", kGuam},
    UsPlace{"MP", "Northern Mariana Islands", kMarianas},
    UsPlace{"AS", "American Samoa", kSamoa},
};

// 3-digit ZIP prefix ranges (inclusive) by state. Gaps are unassigned or military (AA/AE/AP), which have no
// state and so no zone.
struct ZipRange {
  unsigned from, to;
  std::string_view state;
};
constexpr std::array kZipRanges{
    ZipRange{5, 5, "NY"},     ZipRange{6, 7, "PR"},     ZipRange{8, 8, "VI"},     ZipRange{9, 9, "PR"},
    ZipRange{10, 27, "MA"},   ZipRange{28, 29, "RI"},   ZipRange{30, 38, "NH"},   ZipRange{39, 49, "ME"},
    ZipRange{50, 54, "VT"},   ZipRange{55, 55, "MA"},   ZipRange{56, 59, "VT"},   ZipRange{60, 69, "CT"},
    ZipRange{70, 89, "NJ"},   ZipRange{100, 149, "NY"}, ZipRange{150, 196, "PA"}, ZipRange{197, 199, "DE"},
    ZipRange{200, 200, "DC"}, ZipRange{201, 201, "VA"}, ZipRange{202, 205, "DC"}, ZipRange{206, 219, "MD"},
    ZipRange{220, 246, "VA"}, ZipRange{247, 268, "WV"}, ZipRange{270, 289, "NC"}, ZipRange{290, 299, "SC"},
    ZipRange{300, 319, "GA"}, ZipRange{320, 339, "FL"}, ZipRange{341, 349, "FL"}, ZipRange{350, 369, "AL"},
    ZipRange{370, 385, "TN"}, ZipRange{386, 397, "MS"}, ZipRange{398, 399, "GA"}, ZipRange{400, 427, "KY"},
    ZipRange{430, 459, "OH"}, ZipRange{460, 479, "IN"}, ZipRange{480, 499, "MI"}, ZipRange{500, 528, "IA"},
    ZipRange{530, 549, "WI"}, ZipRange{550, 567, "MN"}, ZipRange{569, 569, "DC"}, ZipRange{570, 577, "SD"},
    ZipRange{580, 588, "ND"}, ZipRange{590, 599, "MT"}, ZipRange{600, 629, "IL"}, ZipRange{630, 658, "MO"},
    ZipRange{660, 679, "KS"}, ZipRange{680, 693, "NE"}, ZipRange{700, 715, "LA"}, ZipRange{716, 729, "AR"},
    ZipRange{730, 732, "OK"}, ZipRange{733, 733, "TX"}, ZipRange{734, 749, "OK"}, ZipRange{750, 799, "TX"},
    ZipRange{800, 816, "CO"}, ZipRange{820, 831, "WY"}, ZipRange{832, 838, "ID"}, ZipRange{840, 847, "UT"},
    ZipRange{850, 865, "AZ"}, ZipRange{870, 884, "NM"}, ZipRange{885, 885, "TX"}, ZipRange{889, 898, "NV"},
    ZipRange{900, 961, "CA"}, ZipRange{967, 968, "HI"}, ZipRange{969, 969, "GU"}, ZipRange{970, 979, "OR"},
    ZipRange{980, 994, "WA"}, ZipRange{995, 999, "AK"},
};

}  // namespace

const UsPlace* us_place_by_code(std::string_view code) {
  for (const auto& p : kPlaces)
    if (p.code == code) return &p;
  return nullptr;
}

const UsPlace* us_place_by_name(std::string_view name) {
  for (const auto& p : kPlaces)
    if (p.name == name) return &p;
  return nullptr;
}

const UsPlace* us_place_by_zip(std::string_view zip) {
  if (zip.size() != 5 && !(zip.size() == 10 && zip[5] == '-')) return nullptr;
  unsigned prefix = 0;
  for (size_t i = 0; i < zip.size(); ++i) {
    if (i == 5) continue;
    if (zip[i] < '0' || zip[i] > '9') return nullptr;
    if (i < 3) prefix = prefix * 10 + static_cast<unsigned>(zip[i] - '0');
  }
  for (const auto& r : kZipRanges)
    if (prefix >= r.from && prefix <= r.to) return us_place_by_code(r.state);
  return nullptr;
}

}  // namespace tocsin::policy

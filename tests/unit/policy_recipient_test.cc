// SMS recipients: number types (libphonenumber), area-code zones, geocoded states and whereabouts (SMS-Q3).
#include <gtest/gtest.h>

#include <algorithm>

#include "policy/sms_recipient.h"
#include "policy/us_places.h"

namespace tocsin::policy {
namespace {

std::vector<std::string> names(const Whereabouts& w) {
  std::vector<std::string> out;
  for (auto* z : w.zones) out.emplace_back(z->name());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(NumberClass, TextableMobileOrLandline) {
  EXPECT_EQ(classify_number("+12125551234", "US"), NumberClass::kTextable);
  EXPECT_EQ(classify_number("(212) 555-1234", "US"), NumberClass::kTextable);
  EXPECT_EQ(classify_number("+442071234567", "US"), NumberClass::kTextable);
}

TEST(NumberClass, EmergencyNumbersAreRefused) {
  EXPECT_EQ(classify_number("911", "US"), NumberClass::kEmergency);
  EXPECT_EQ(classify_number("112", "US"), NumberClass::kEmergency);
}

TEST(NumberClass, ShortNumbersAreRefused) {
  EXPECT_EQ(classify_number("611", "US"), NumberClass::kShort);    // carrier service number
  EXPECT_EQ(classify_number("12345", "US"), NumberClass::kShort);  // a short code
}

TEST(NumberClass, PremiumRateIsRefused) {
  EXPECT_EQ(classify_number("+19005551234", "US"), NumberClass::kPremiumRate);
}

TEST(NumberClass, AnswersAreTheSameWhenAskedAgain) {
  // The answers are kept per number (a blast asks twice per recipient): asking again, in any order and for
  // numbers that differ only in form, gives each its own answer.
  const std::pair<const char*, NumberClass> cases[] = {{"+12125551234", NumberClass::kTextable},
                                                       {"911", NumberClass::kEmergency},
                                                       {"611", NumberClass::kShort},
                                                       {"+19005551234", NumberClass::kPremiumRate},
                                                       {"(212) 555-1234", NumberClass::kTextable},
                                                       {"not a number", NumberClass::kInvalid}};
  for (int round = 0; round < 3; ++round)
    for (const auto& [number, expected] : cases) EXPECT_EQ(classify_number(number, "US"), expected) << number;
  EXPECT_EQ(number_state("+13055551234"), "FL");
  EXPECT_EQ(number_state("+13055551234"), "FL");
  EXPECT_EQ(number_state("+12125551234"), "NY");
}

TEST(NumberClass, GarbageAndUnassignedAreInvalid) {
  EXPECT_EQ(classify_number("not a number", "US"), NumberClass::kInvalid);
  EXPECT_EQ(classify_number("+19765551234", "US"), NumberClass::kInvalid);  // 976 is not a geographic NPA
}

TEST(NanpZones, SingleZoneAreaCode) {
  EXPECT_EQ(nanp_zones("+12125551234"), std::vector<std::string>{"America/New_York"});
  EXPECT_EQ(nanp_zones("+13105551234"), std::vector<std::string>{"America/Los_Angeles"});
}

TEST(NanpZones, AreaCodesSpanningZonesListEveryZone) {
  EXPECT_EQ(nanp_zones("+18505551234"), (std::vector<std::string>{"America/New_York", "America/Chicago"}));
  EXPECT_EQ(nanp_zones("+15415551234"), (std::vector<std::string>{"America/Los_Angeles", "America/Denver"}));
  EXPECT_EQ(nanp_zones("+16055551234").size(), 3u);  // South Dakota: Mountain, ND Center, Central
}

TEST(NanpZones, NotNanpOrUnknown) {
  EXPECT_TRUE(nanp_zones("+442071234567").empty());
  EXPECT_TRUE(nanp_zones("+19995551234").empty());
  EXPECT_TRUE(nanp_zones("+1").empty());
}

TEST(NumberState, FromGeocoderNameOrCityWithCode) {
  EXPECT_EQ(number_state("+18505551234"), "FL");  // "Florida"
  EXPECT_EQ(number_state("+18502221234"), "FL");  // "Tallahassee, FL"
  EXPECT_EQ(number_state("+14055551234"), "OK");
  EXPECT_EQ(number_state("+12125551234"), "NY");          // "New York, NY"
  EXPECT_EQ(number_state("+12025551234"), "DC");          // "Washington D.C."
  EXPECT_EQ(number_state("+12042221234"), std::nullopt);  // Manitoba
  EXPECT_EQ(number_state("+442071234567"), std::nullopt);
}

TEST(Zip, PrefixRangesGiveStates) {
  EXPECT_EQ(us_place_by_zip("33101")->code, "FL");
  EXPECT_EQ(us_place_by_zip("10001")->code, "NY");
  EXPECT_EQ(us_place_by_zip("73301")->code, "TX");  // Austin's 733 inside Oklahoma's range
  EXPECT_EQ(us_place_by_zip("73102")->code, "OK");
  EXPECT_EQ(us_place_by_zip("99501-1234")->code, "AK");
  EXPECT_EQ(us_place_by_zip("09001"), nullptr);  // military (AE)
  EXPECT_EQ(us_place_by_zip("3310"), nullptr);
  EXPECT_EQ(us_place_by_zip("3310a"), nullptr);
}

TEST(Locate, NumberOnlyUsesAreaCodeZonesAndState) {
  Whereabouts w = locate_recipient("+18505551234", std::nullopt);
  EXPECT_EQ(names(w), (std::vector<std::string>{"America/Chicago", "America/New_York"}));
  EXPECT_EQ(w.states, std::vector<std::string>{"FL"});
}

TEST(Locate, ZipBeatsTheNumberForZonesAndAddsItsState) {
  // A Los Angeles number whose owner lives in Oklahoma City.
  Whereabouts w = locate_recipient("+13105551234", std::string("73102"));
  EXPECT_EQ(names(w), std::vector<std::string>{"America/Chicago"});
  EXPECT_EQ(w.states, (std::vector<std::string>{"CA", "OK"}));
}

TEST(Locate, AreaCodeMissingFromTableFallsBackToGeocodedState) {
  // 945 (Dallas overlay, 2021) is newer than the zone table; the geocoder knows it is Texas.
  ASSERT_TRUE(nanp_zones("+19455551234").empty());
  Whereabouts w = locate_recipient("+19455551234", std::nullopt);
  EXPECT_EQ(names(w), (std::vector<std::string>{"America/Chicago", "America/Denver"}));
  EXPECT_EQ(w.states, std::vector<std::string>{"TX"});
}

TEST(Locate, CanadianNumberHasZonesButNoState) {
  Whereabouts ca = locate_recipient("+12042221234", std::nullopt);
  EXPECT_EQ(names(ca), std::vector<std::string>{"America/Winnipeg"});
  EXPECT_TRUE(ca.states.empty());
}

TEST(Locate, ForeignNumberHasNoKnownZone) {
  EXPECT_TRUE(locate_recipient("+442071234567", std::nullopt).zones.empty());
}

}  // namespace
}  // namespace tocsin::policy

#include "policy/sms_recipient.h"

#include <phonenumbers/geocoding/phonenumber_offline_geocoder.h>
#include <phonenumbers/phonenumberutil.h>
#include <phonenumbers/shortnumberinfo.h>
#include <unicode/locid.h>

#include <algorithm>
#include <mutex>
#include <stdexcept>
#include <unordered_map>

#include "policy/us_places.h"

namespace tocsin::policy {

extern const char kNanpZones[];

namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

std::optional<PhoneNumber> parse(std::string_view number, std::string_view region) {
  PhoneNumber n;
  if (PhoneNumberUtil::GetInstance()->Parse(std::string(number), std::string(region), &n) !=
      PhoneNumberUtil::NO_PARSING_ERROR)
    return std::nullopt;
  return n;
}

// "1850" -> "America/New_York&America/Chicago", parsed once.
const std::unordered_map<std::string, std::string>& nanp_table() {
  static const auto table = [] {
    std::unordered_map<std::string, std::string> t;
    std::string_view data(kNanpZones);
    while (!data.empty()) {
      auto eol = data.find('\n');
      std::string_view line = data.substr(0, eol);
      data = eol == std::string_view::npos ? std::string_view{} : data.substr(eol + 1);
      auto bar = line.find('|');
      if (bar != std::string_view::npos) t.emplace(line.substr(0, bar), line.substr(bar + 1));
    }
    return t;
  }();
  return table;
}

const UsPlace* describe(const PhoneNumber& n) {
  static const i18n::phonenumbers::PhoneNumberOfflineGeocoder geocoder;
  std::string where = geocoder.GetDescriptionForNumber(n, icu::Locale("en"));
  // Either a state name ("Florida") or a city with the state's code ("Tallahassee, FL").
  if (const UsPlace* p = us_place_by_name(where)) return p;
  auto comma = where.rfind(", ");
  return comma == std::string::npos ? nullptr : us_place_by_code(std::string_view(where).substr(comma + 2));
}

// The geocoder costs tens of microseconds a call; within the NANP a state is a property of the area code
// (area codes do not cross state lines), so the answer is cached per area code.
const UsPlace* geocoded_place(const PhoneNumber& n) {
  if (n.country_code() != 1) return describe(n);
  std::string national;
  PhoneNumberUtil::GetInstance()->GetNationalSignificantNumber(n, &national);
  std::string npa = national.substr(0, 3);
  static std::mutex mu;
  static std::unordered_map<std::string, const UsPlace*> by_npa;
  {
    std::lock_guard lock(mu);
    if (auto it = by_npa.find(npa); it != by_npa.end()) return it->second;
  }
  const UsPlace* place = describe(n);
  std::lock_guard lock(mu);
  by_npa.emplace(npa, place);
  return place;
}

void add_zone(Whereabouts& w, std::string_view name) {
  try {
    const date::time_zone* z = date::locate_zone(name);
    if (std::find(w.zones.begin(), w.zones.end(), z) == w.zones.end()) w.zones.push_back(z);
  } catch (const std::runtime_error&) {
    // A zone the system tz database lacks adds no candidate; with none left the gate refuses to guess.
  }
}

void add_state(Whereabouts& w, const UsPlace* p) {
  if (p && std::find(w.states.begin(), w.states.end(), p->code) == w.states.end())
    w.states.emplace_back(p->code);
}

NumberClass classify(const PhoneNumber& n, std::string_view number, std::string_view default_region) {
  auto* util = PhoneNumberUtil::GetInstance();
  // A valid full-length number is never an emergency or short number, so the ordinary recipient costs one
  // type lookup (UNKNOWN exactly when the number is not valid; libphonenumber's regex matching is ~20 us).
  auto type = util->GetNumberType(n);
  if (type == PhoneNumberUtil::PREMIUM_RATE) return NumberClass::kPremiumRate;
  if (type != PhoneNumberUtil::UNKNOWN) return NumberClass::kTextable;
  // Loading the short-number metadata is costly; the object is immutable afterwards (const methods).
  static const i18n::phonenumbers::ShortNumberInfo short_numbers;
  // Emergency numbers are dialled without a country code: judge the digits as given, in the default region.
  if (short_numbers.IsEmergencyNumber(std::string(number), std::string(default_region)))
    return NumberClass::kEmergency;
  if (short_numbers.IsValidShortNumber(n)) return NumberClass::kShort;
  return NumberClass::kInvalid;
}

// What the gate asks of a number as a "US"-default recipient: its class, the state the geocoder places it
// in and its area code's zones.
struct NumberFacts {
  NumberClass cls = NumberClass::kInvalid;
  const UsPlace* place = nullptr;
  std::vector<std::string> area_zones;
};

NumberFacts compute_facts(std::string_view number) {
  NumberFacts f;
  auto n = parse(number, "US");
  if (!n) return f;
  f.cls = classify(*n, number, "US");
  if (n->country_code() == 1) f.place = geocoded_place(*n);
  f.area_zones = nanp_zones(number);
  return f;
}

// The facts are pure functions of the number (libphonenumber's metadata does not change while the process
// runs), and a blast asks them of every recipient twice (plan, then dispatch) at ~50 us of regex matching
// each time. So they are kept per number, in shards so the hand-over threads rarely meet on a mutex, and
// bounded: a full shard is emptied (recomputing is only slower, never different).
class NumberFactsCache {
 public:
  NumberFacts get(std::string_view number) {
    Shard& s = shards_[std::hash<std::string_view>{}(number) % kShards];
    {
      std::lock_guard lock(s.mu);
      if (auto it = s.facts.find(std::string(number)); it != s.facts.end()) return it->second;
    }
    NumberFacts f = compute_facts(number);
    std::lock_guard lock(s.mu);
    if (s.facts.size() >= kPerShard) s.facts.clear();
    s.facts.emplace(std::string(number), f);
    return f;
  }

 private:
  static constexpr size_t kShards = 16, kPerShard = size_t{1} << 16;  // ~1M numbers, ~100 MiB at most
  struct Shard {
    std::mutex mu;
    std::unordered_map<std::string, NumberFacts> facts;
  };
  Shard shards_[kShards];
};

NumberFacts facts_of(std::string_view number) {
  static NumberFactsCache cache;
  return cache.get(number);
}

}  // namespace

NumberClass classify_number(std::string_view number, std::string_view default_region) {
  if (default_region == "US") return facts_of(number).cls;
  auto n = parse(number, default_region);
  return n ? classify(*n, number, default_region) : NumberClass::kInvalid;
}

std::vector<std::string> nanp_zones(std::string_view e164) {
  std::vector<std::string> out;
  if (e164.size() < 5 || e164.substr(0, 2) != "+1") return out;
  auto it = nanp_table().find(std::string(e164.substr(1, 4)));
  if (it == nanp_table().end()) return out;
  std::string_view zones = it->second;
  while (!zones.empty()) {
    auto amp = zones.find('&');
    out.emplace_back(zones.substr(0, amp));
    zones = amp == std::string_view::npos ? std::string_view{} : zones.substr(amp + 1);
  }
  return out;
}

std::optional<std::string> number_state(std::string_view e164) {
  if (const UsPlace* p = facts_of(e164).place) return std::string(p->code);
  return std::nullopt;
}

Whereabouts locate_recipient(std::string_view e164, std::optional<std::string_view> zip) {
  Whereabouts w;
  NumberFacts f = facts_of(e164);
  const UsPlace* by_number = f.place;
  const UsPlace* by_zip = zip ? us_place_by_zip(*zip) : nullptr;
  add_state(w, by_number);
  add_state(w, by_zip);

  if (by_zip) {
    for (auto z : by_zip->zones) add_zone(w, z);
  } else if (!f.area_zones.empty()) {
    for (const auto& z : f.area_zones) add_zone(w, z);
  } else if (by_number) {
    for (auto z : by_number->zones) add_zone(w, z);
  }
  return w;
}

}  // namespace tocsin::policy

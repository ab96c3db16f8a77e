#include "people/age_gate.h"

#include <charconv>
#include <chrono>

namespace tocsin::people {
namespace {

std::optional<int> whole_number(std::string_view s) {
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

}  // namespace

std::optional<int> age_on(std::string_view birthdate, Micros now) {
  // The date is the first ten characters ("YYYY-MM-DD", anything after it ignored); parse_iso8601 validates
  // it (no 2019-02-29) and gives midnight UTC of that day.
  auto born_at = parse_iso8601(birthdate.substr(0, 10));
  if (!born_at) return std::nullopt;
  using namespace std::chrono;
  year_month_day born{floor<days>(sys_time<microseconds>(microseconds(*born_at)))};
  year_month_day today{floor<days>(sys_time<microseconds>(microseconds(now)))};
  int age = static_cast<int>(today.year()) - static_cast<int>(born.year());
  if (std::pair{static_cast<unsigned>(today.month()), static_cast<unsigned>(today.day())} <
      std::pair{static_cast<unsigned>(born.month()), static_cast<unsigned>(born.day())})
    --age;
  return age;
}

namespace {

std::optional<int> age_in_field(const std::string& value, Micros now) {
  if (auto years = whole_number(value)) return years;
  return age_on(value, now);
}

// The age a write gives: OSDI birthdate first, then the configured custom field.
std::optional<int> age_given(const PersonInput& in, const std::string& age_field, Micros now) {
  std::optional<int> age;
  if (in.birthdate.present()) age = age_on(in.birthdate.value, now);
  if (!age && !age_field.empty()) {
    auto it = in.custom_fields.find(age_field);
    if (it != in.custom_fields.end() && it->second) age = age_in_field(*it->second, now);
  }
  return age;
}

}  // namespace

std::optional<int> stored_age(const Person& p, const std::string& age_field, Micros now) {
  std::optional<int> age;
  if (p.birthdate) age = age_on(*p.birthdate, now);
  if (!age && !age_field.empty()) {
    auto it = p.custom_fields.find(age_field);
    if (it != p.custom_fields.end()) age = age_in_field(it->second, now);
  }
  return age;
}

Status check_sms_age(const PersonInput& in, const Person* stored, const std::string& age_field, Micros now) {
  if (in.phone_status != consent::Status::kSubscribed) return Ok{};
  if (age_given(in, age_field, now) || (stored && stored_age(*stored, age_field, now))) return Ok{};
  return unprocessable(
      "this organization texts only people whose age it knows: an SMS opt-in needs the person's birthdate" +
      (age_field.empty() ? std::string() : " (or their age in the custom field " + age_field + ")") +
      "; nothing was stored");
}

Status check_age(const people::PersonInput& in, const std::string& age_field, bool gdpr_applies, Micros now) {
  const int minimum = minimum_age(gdpr_applies);
  std::optional<int> age = age_given(in, age_field, now);
  if (age && *age < minimum)
    return unprocessable("we cannot accept this: people under " + std::to_string(minimum) +
                         " cannot sign up here, and nothing about them was stored");
  return Ok{};
}

}  // namespace tocsin::people

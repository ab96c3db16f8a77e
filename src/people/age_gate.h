// Children are not collected (DESIGN "Privacy"; COPPA, GDPR art. 8): when a write is given a birthdate
// (OSDI `birthdate`) or an age or birthdate in the configured custom field, a person under 13, or under 16
// where the organization marks GDPR as applicable, is refused with 422 before anything is stored.
// people::signup and people::update (people/upsert.h) ask it first, so every entry point that writes a
// person (signup helper, record helpers, PUT, CSV import) is checked without having to remember to.
#pragma once

#include <optional>
#include <string>

#include "core/clock.h"
#include "core/person.h"
#include "core/result.h"
#include "people/person_input.h"

namespace tocsin::people {

// Whole years between an ISO date "YYYY-MM-DD" and `now`; nullopt when the date cannot be read.
std::optional<int> age_on(std::string_view birthdate, Micros now);

// The youngest a supporter may be: 13 (COPPA), 16 where the organization marks GDPR as applicable (Art. 8).
inline int minimum_age(bool gdpr_applies) {
  return gdpr_applies ? 16 : 13;
}

// `age_field` is the custom field that carries an age ("15") or a birthdate; empty: none configured.
Status check_age(const PersonInput& in, const std::string& age_field, bool gdpr_applies, Micros now);

// The age a person's record holds (OSDI birthdate, else the configured custom field); nullopt: unknown.
std::optional<int> stored_age(const Person& p, const std::string& age_field, Micros now);

// Where the organization asks for it (messaging settings `sms_age_required`), an SMS opt-in needs a known
// age: given by this write, or already on the person's record (`stored`, null for a new person). Without
// one the write is refused with 422 before anything is stored; the age gate then decides on the age.
Status check_sms_age(const PersonInput& in, const Person* stored, const std::string& age_field, Micros now);

}  // namespace tocsin::people

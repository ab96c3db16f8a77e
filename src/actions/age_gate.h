// Children are not collected (DESIGN "Privacy"; COPPA, GDPR art. 8): when a record helper or the signup
// helper (POST /people) is given a birthdate (OSDI `birthdate`) or an age or birthdate in the configured
// custom field, a person under 13, or under 16 where the organization marks GDPR as applicable, is refused
// with 422 before anything is stored.
#pragma once

#include <optional>
#include <string>

#include "core/clock.h"
#include "core/result.h"
#include "people/person_input.h"

namespace tocsin::actions {

// Whole years between an ISO date "YYYY-MM-DD" and `now`; nullopt when the date cannot be read.
std::optional<int> age_on(std::string_view birthdate, Micros now);

// `age_field` is the custom field that carries an age ("15") or a birthdate; empty: none configured.
Status check_age(const people::PersonInput& in, const std::string& age_field, bool gdpr_applies, Micros now);

}  // namespace tocsin::actions

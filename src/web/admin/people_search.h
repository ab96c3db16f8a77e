// The People screen's search: one box that takes an email address, a phone number, or Action Network's
// filter expression (`family_name eq 'Doe'`, the same OData subset and the same people::PersonMatcher as
// GET /people). An address or number is an equality on an indexed field, answered by one hash lookup.
// Reads the organization's serving state under its shared lock.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "people/directory.h"

namespace tocsin::web::admin {

struct PersonRow {
  std::string id, name, email, email_status, phone, sms_status;
};

inline constexpr size_t kMaxSearchRows = 50;

// At most kMaxSearchRows people; 400 for a filter that does not parse.
Result<std::vector<PersonRow>> search_people(const people::OrgState& org, const std::string& query);

}  // namespace tocsin::web::admin

// The OData subset Action Network accepts in ?filter=: clauses `field op 'value'` joined by `and`,
// op one of eq, gt, lt (also accepted: ne, ge, le — harmless extras OSDI defines).
// Examples: "modified_date gt '2014-03-25'", "email_address eq 'jdoe@mail.com' and given_name eq 'J'".
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace tocsin {

enum class FilterOp { kEq, kNe, kGt, kGe, kLt, kLe };

struct FilterClause {
  std::string field;  // lower-cased as written; aliasing (email -> email_address) is the caller's business
  FilterOp op;
  std::string value;  // unquoted; '' inside a quoted value is an escaped single quote
};

struct Filter {
  std::vector<FilterClause> clauses;  // all must hold (and)
};

// Parses an already percent-decoded filter expression. Values may be single- or double-quoted; unquoted
// values (numbers, true/false) are accepted too. Whitespace is flexible; keywords are case-insensitive.
// Errors (400) say what is wrong and where: "invalid filter: expected operator after 'email' at 6".
Result<Filter> parse_filter(std::string_view expression);

// True when `op` holds between a field's value and the clause's value, comparing as strings
// (ISO dates compare correctly as strings once both are in the same form).
bool compare(std::string_view field_value, FilterOp op, std::string_view clause_value);
// The same for instants and other numbers.
bool compare(int64_t field_value, FilterOp op, int64_t clause_value);

}  // namespace tocsin

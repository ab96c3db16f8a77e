// The storage form of a Person: a compact JSON document (one column), so that adding a field needs no
// schema migration. Distinct from the API's HAL form (api/person_view.h), which is a presentation.
#pragma once

#include <string>
#include <string_view>

#include "core/person.h"
#include "core/result.h"

namespace tocsin {

std::string encode_person(const Person& p);
Result<Person> decode_person(std::string_view doc);

}  // namespace tocsin

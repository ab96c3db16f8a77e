// Person text that ends up in mail headers (names in To and in merge fields of subjects, the address parts
// merge fields offer) must hold no line break or other control character: one CR/LF in a name would make
// every later message to that person fail to build ("a header value contains a line break"). Every write
// of a person (people::signup, people::update) normalizes them here, so API, record helpers and import all
// store the same clean value: each C0 control character, DEL, NEL (U+0085) and the Unicode line and
// paragraph separators (U+2028, U+2029) becomes a space, and the ends are trimmed. Custom fields keep their
// line breaks (a comment may have paragraphs); they reach a header only through a subject template, which
// the message's own checks guard.
#pragma once

#include <string>
#include <string_view>

#include "people/person_input.h"

namespace tocsin::people {

// `s` with control characters and line separators replaced by spaces, ends trimmed.
std::string header_safe_text(std::string_view s);

// Applies header_safe_text to given and family name and to every postal-address text field of `in`.
void normalize_header_bound_text(PersonInput& in);

}  // namespace tocsin::people

#include "people/header_text.h"

#include "core/text.h"

namespace tocsin::people {

std::string header_safe_text(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f) {
      out.push_back(' ');
    } else if (c == 0xc2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x85) {
      out.push_back(' ');  // NEL
      ++i;
    } else if (c == 0xe2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
               (static_cast<unsigned char>(s[i + 2]) == 0xa8 ||
                static_cast<unsigned char>(s[i + 2]) == 0xa9)) {
      out.push_back(' ');  // LINE SEPARATOR, PARAGRAPH SEPARATOR
      i += 2;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return std::string(trim_ascii_space(out));
}

void normalize_header_bound_text(PersonInput& in) {
  for (auto* f : {&in.given_name, &in.family_name})
    if (f->present()) f->value = header_safe_text(f->value);
  if (!in.postal_addresses.present()) return;
  for (auto& a : in.postal_addresses.value) {
    for (auto& line : a.address_lines) line = header_safe_text(line);
    for (auto* s : {&a.locality, &a.region, &a.postal_code, &a.country, &a.language})
      *s = header_safe_text(*s);
  }
}

}  // namespace tocsin::people

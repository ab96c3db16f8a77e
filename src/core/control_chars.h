// Control characters in text bound for protocol headers (mail headers first of all).
#pragma once

#include <string_view>

namespace tocsin {

// C0 control characters and DEL. In a mail header they break the field (CR, LF), cut it short (NUL) or
// mean nothing a reader could be shown.
constexpr bool is_ascii_control(char c) {
  auto u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7f;
}

constexpr bool has_ascii_control(std::string_view s) {
  for (char c : s)
    if (is_ascii_control(c)) return true;
  return false;
}

}  // namespace tocsin

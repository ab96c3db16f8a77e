// How fuzz inputs name a delivery: the first 20 bytes as (message id, seq), and placeholders in the text
// that the target replaces with that delivery's signed tokens (the fuzzer has no key, so it cannot write
// a valid token itself, and without them it would never get past the MAC).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "email/delivery_token.h"

namespace tocsin::fuzz {

inline constexpr size_t kDeliveryBytes = email::kUuidBytes + 4;

// `data` has at least kDeliveryBytes bytes: any 16 bytes are a UUID, any 4 a seq (0 .. 2^32-1).
inline email::DeliveryRef delivery_from(const uint8_t* data) {
  const uint8_t* s = data + email::kUuidBytes;
  return {email::uuid_from_bytes(data),
          int64_t{s[0]} << 24 | int64_t{s[1]} << 16 | int64_t{s[2]} << 8 | s[3]};
}

inline void replace_all(std::string& s, std::string_view placeholder, const std::string& value) {
  for (size_t at = s.find(placeholder); at != std::string::npos; at = s.find(placeholder, at + value.size()))
    s.replace(at, placeholder.size(), value);
}

}  // namespace tocsin::fuzz

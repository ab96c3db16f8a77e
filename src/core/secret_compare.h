// Comparing a secret someone presented (a shared secret, a CSRF token, a bearer token) with the one we hold,
// in constant time, so the time an answer takes tells nothing about how much of a guess was right.
#pragma once

#include <sodium.h>

#include <string_view>

namespace tocsin {

// False when nothing is configured: an empty secret never matches.
inline bool same_secret(std::string_view configured, std::string_view given) {
  return !configured.empty() && configured.size() == given.size() &&
         sodium_memcmp(configured.data(), given.data(), configured.size()) == 0;
}

}  // namespace tocsin

// Identifiers: every resource id is a random lowercase UUID v4, as Action Network's are.
#pragma once

#include <string>
#include <string_view>

namespace tocsin {

std::string new_uuid();
bool is_uuid(std::string_view s);

// A secret of `bytes` random bytes, hex-encoded (API keys, signing keys).
std::string random_hex(size_t bytes);

}  // namespace tocsin

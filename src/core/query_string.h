// Decoding of URL targets: path and query string split, percent-decoding, '+' as space in queries.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace tocsin {

// Percent-decodes; with `plus_as_space` (query strings) '+' becomes ' '. Invalid escapes are kept as-is.
std::string percent_decode(std::string_view s, bool plus_as_space);

// Percent-encodes everything but RFC 3986 unreserved characters (query values, share links).
std::string percent_encode(std::string_view s);

struct Target {
  std::string path;                               // decoded, trailing slashes removed (except the root "/")
  std::multimap<std::string, std::string> query;  // decoded keys and values
  std::optional<std::string> param(std::string_view key) const;  // first value of key
};

Target parse_target(std::string_view raw_target);

}  // namespace tocsin

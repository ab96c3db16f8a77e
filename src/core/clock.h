// Time: instants are microseconds since the Unix epoch, UTC. The API shows them as ISO-8601
// "2014-03-25T15:26:45Z" (Action Network's form); the ledger keeps the full microseconds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tocsin {

using Micros = int64_t;

Micros now_micros();

// "2014-03-25T15:26:45Z"
std::string format_iso8601(Micros t);
// "2014-03-25T15:26:45.123456Z", for evidence where order within a second matters.
std::string format_iso8601_micros(Micros t);

// Accepts "YYYY-MM-DD", "YYYY-MM-DDTHH:MM:SS[.fff][Z|+hh:mm|+hhmm]" and a space instead of 'T'.
std::optional<Micros> parse_iso8601(std::string_view s);

}  // namespace tocsin

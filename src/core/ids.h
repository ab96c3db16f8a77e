// Identifiers: every resource id is a lowercase UUID in the canonical 8-4-4-4-12 text form, as Action
// Network's are; clients treat them as opaque strings.
//
// Two kinds are made:
// - new_uuid(): random (version 4). For ids whose order must not reveal anything (organizations, tags,
//   lists, import batches).
// - new_time_ordered_uuid(): version 7 (RFC 9562): 48 bits of Unix milliseconds, then a 12-bit counter,
//   then 62 random bits. Ids made by one process sort in creation order, both as bytes and as text, so the
//   (org_id, id) indexes of people, taggings and list items grow at their right edge instead of dirtying a
//   random page per insert. Creation time is already public (created_date), so the id reveals nothing new.
// Both are thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tocsin {

std::string new_uuid();
std::string new_time_ordered_uuid();
// The same, at a given Unix time in milliseconds (tests; clocks that step back are clamped by the
// monotonic state, so ids from one process never go backwards).
std::string new_time_ordered_uuid(int64_t unix_ms);
bool is_uuid(std::string_view s);

// A secret of `bytes` random bytes, hex-encoded (API keys, signing keys).
std::string random_hex(size_t bytes);

}  // namespace tocsin

// Staff passwords: argon2id through libsodium's crypto_pwhash_str (the PHC string carries salt and
// parameters, so raising the cost later only needs needs_rehash at the next login).
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace tocsin::staff {

// Cost of one hash. kInteractive (libsodium's INTERACTIVE limits: 2 passes over 64 MiB) is what accounts
// get; kMinimum exists for tests, which would otherwise spend most of their time hashing.
enum class HashCost { kInteractive, kMinimum };

// Bounds on what is accepted as a new password (and, for the upper one, as any password given at login:
// hashing is deliberately expensive, so its input is bounded).
inline constexpr size_t kMinPasswordLength = 12;
inline constexpr size_t kMaxPasswordLength = 256;

// 422 when the password is too short or too long.
Status check_new_password(std::string_view password);

// The encoded hash ("$argon2id$v=19$m=...,t=...,p=1$salt$hash"); 500 if libsodium runs out of memory.
Result<std::string> hash_password(std::string_view password, HashCost cost = HashCost::kInteractive);

// True when `password` matches `encoded`. Constant-time in the password; false for an over-long password.
bool verify_password(std::string_view encoded, std::string_view password);

// True when `encoded` was made with other parameters than `cost` now asks for (rehash after a good login).
bool needs_rehash(std::string_view encoded, HashCost cost = HashCost::kInteractive);

}  // namespace tocsin::staff

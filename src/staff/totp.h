// TOTP two-factor codes (RFC 6238: HMAC-SHA-1, 6 digits, 30-second steps) through liboath.
//
// A code is accepted in the current step or one step either side (clock drift), and only in a step later
// than the last one accepted for the account: a code seen once (shoulder-surfed, replayed from a proxy
// log) cannot log in again.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace tocsin::staff {

inline constexpr unsigned kTotpStepSeconds = 30;
inline constexpr unsigned kTotpDigits = 6;

// A new random secret (20 bytes, the RFC 4226 recommended length), base32 without padding as
// authenticator apps take it.
Result<std::string> new_totp_secret();

// otpauth://totp/ISSUER:ACCOUNT?secret=...&issuer=ISSUER&algorithm=SHA1&digits=6&period=30
std::string totp_enrolment_uri(std::string_view issuer, std::string_view account,
                               std::string_view secret_b32);

// The code of the step containing `unix_seconds` (tests and the enrolment check).
Result<std::string> totp_code(std::string_view secret_b32, int64_t unix_seconds);

// The step `code` belongs to when it is valid at `unix_seconds` (±1 step) and that step is after
// `last_used_step`; nullopt otherwise (wrong, expired, malformed, or replayed).
std::optional<int64_t> totp_accept(std::string_view secret_b32, std::string_view code, int64_t unix_seconds,
                                   int64_t last_used_step);

}  // namespace tocsin::staff

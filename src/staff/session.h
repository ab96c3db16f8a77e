// Console sessions. The browser holds a random 256-bit token in a cookie; the server stores only its
// BLAKE2b hash (libsodium crypto_generichash) as the id of a platform-level document (kind `staff_session`),
// so a copy of the database does not yield a usable cookie. A session ends at its absolute expiry, after
// kIdleTimeout without use, on logout (the document is marked revoked), or when its account's password is
// reset (Account::sessions_valid_after).
#pragma once

#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"

namespace tocsin::staff {

inline constexpr std::string_view kSessionKind = "staff_session";
inline constexpr std::string_view kSessionCookie = "tocsin_staff";
inline constexpr Micros kSessionLifetime = 12LL * 3600 * 1'000'000;
inline constexpr Micros kIdleTimeout = 30LL * 60 * 1'000'000;
// last_seen is written at most this often, so a busy console does not write on every request.
inline constexpr Micros kTouchInterval = 60LL * 1'000'000;

struct Session {
  std::string id;          // hex BLAKE2b of the token
  std::string account_id;  // Account::id
  std::string org_id;      // the organization this session works in
  Micros created = 0, last_seen = 0, expires = 0;
  bool revoked = false;
  std::string ip;  // where it was opened (shown to the user's own session list later)
};

std::string encode_session(const Session& s);
Result<Session> decode_session(std::string_view doc);

// A fresh random token (64 hex characters).
std::string new_session_token();
// The stored id of a token: hex BLAKE2b-256. Empty for a token that is not 64 hex characters.
std::string session_id_of(std::string_view token);

// True when the session is usable at `now` (not revoked, expired, idle, or older than `valid_after`).
bool session_live(const Session& s, Micros now, Micros valid_after);

// The Set-Cookie value: HttpOnly, SameSite=Strict, Path=/admin, and Secure unless `secure` is false — only
// for a server that serves plain HTTP on a loopback address (see docs/CONSOLE.md).
std::string session_cookie(std::string_view token, bool secure);
// The Set-Cookie value that deletes it (logout).
std::string clear_session_cookie(bool secure);

}  // namespace tocsin::staff

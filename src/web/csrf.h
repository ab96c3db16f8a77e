// CSRF tokens for same-site form posts: HMAC-SHA-256 (libsodium) of the strictly necessary session cookie
// and the form's purpose under a process key. A token from another session or for another form does not
// verify. Thread-safe (immutable after construction).
#pragma once

#include <array>
#include <string>
#include <string_view>

namespace tocsin::web {

class CsrfGuard {
 public:
  // A fresh random key: tokens of forms rendered before a restart fail once and the form is shown again.
  CsrfGuard();
  explicit CsrfGuard(const std::array<unsigned char, 32>& key) : key_(key) {}

  std::string token(std::string_view session, std::string_view purpose) const;
  bool verify(std::string_view session, std::string_view purpose, std::string_view token) const;

  // A new session id (32 hex characters, random).
  static std::string new_session();

 private:
  std::array<unsigned char, 32> key_;
};

}  // namespace tocsin::web

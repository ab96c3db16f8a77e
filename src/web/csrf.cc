#include "web/csrf.h"

#include <sodium.h>

#include "core/ids.h"

namespace tocsin::web {

CsrfGuard::CsrfGuard() {
  randombytes_buf(key_.data(), key_.size());
}

std::string CsrfGuard::token(std::string_view session, std::string_view purpose) const {
  std::string msg = std::string(session) + '\n' + std::string(purpose);
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256(mac, reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), key_.data());
  char hex[sizeof mac * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
  return hex;
}

bool CsrfGuard::verify(std::string_view session, std::string_view purpose, std::string_view token) const {
  if (session.empty() || token.size() != crypto_auth_hmacsha256_BYTES * 2) return false;
  std::string want = this->token(session, purpose);
  return sodium_memcmp(want.data(), token.data(), want.size()) == 0;
}

std::string CsrfGuard::new_session() {
  return random_hex(16);
}

}  // namespace tocsin::web

// The installation's Ed25519 key that signs consent-evidence packets (libsodium crypto_sign), kept in the
// data directory as `evidence.key` (the 64-byte libsodium secret key, 0600), created on first use. The
// public key is what an operator hands a carrier to check packets (`tocsin evidence public-key`).
#pragma once

#include <sodium.h>

#include <array>
#include <string>
#include <string_view>

#include "core/result.h"

namespace tocsin::privacy {

class SigningKey {
 public:
  // Reads DIR/evidence.key, or creates it (fsync'd, 0600) when absent.
  static Result<SigningKey> load_or_create(const std::string& data_dir);
  // A key that lives only in memory (tests, benches).
  static SigningKey generate();

  // Detached signature over `message`, base64 (standard alphabet, padded).
  std::string sign_b64(std::string_view message) const;
  std::string public_key_b64() const;

 private:
  std::array<unsigned char, crypto_sign_SECRETKEYBYTES> secret_{};
  std::array<unsigned char, crypto_sign_PUBLICKEYBYTES> public_{};
};

std::string base64(const unsigned char* data, size_t n);

}  // namespace tocsin::privacy

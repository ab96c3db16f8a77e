#include "staff/password.h"

#include <sodium.h>

namespace tocsin::staff {
namespace {

struct Limits {
  unsigned long long ops;
  size_t mem;
};

Limits limits(HashCost cost) {
  if (cost == HashCost::kMinimum)
    return {crypto_pwhash_argon2id_OPSLIMIT_MIN, crypto_pwhash_argon2id_MEMLIMIT_MIN};
  return {crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE, crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE};
}

bool sodium_ready() {
  static const bool ok = sodium_init() >= 0;
  return ok;
}

}  // namespace

Status check_new_password(std::string_view password) {
  if (password.size() < kMinPasswordLength)
    return unprocessable("a password needs at least " + std::to_string(kMinPasswordLength) + " characters");
  if (password.size() > kMaxPasswordLength)
    return unprocessable("a password has at most " + std::to_string(kMaxPasswordLength) + " characters");
  return Ok{};
}

Result<std::string> hash_password(std::string_view password, HashCost cost) {
  if (!sodium_ready()) return internal_error("libsodium did not initialize");
  if (password.size() > kMaxPasswordLength) return unprocessable("password too long");
  char out[crypto_pwhash_STRBYTES];
  const Limits l = limits(cost);
  // crypto_pwhash_argon2id_str, not crypto_pwhash_str: the algorithm is named, not libsodium's default.
  if (crypto_pwhash_argon2id_str(out, password.data(), password.size(), l.ops, l.mem) != 0)
    return internal_error("cannot hash a password (out of memory)");
  return std::string(out);
}

bool verify_password(std::string_view encoded, std::string_view password) {
  if (!sodium_ready() || password.size() > kMaxPasswordLength || encoded.size() >= crypto_pwhash_STRBYTES)
    return false;
  std::string e(encoded);  // NUL-terminated for libsodium
  return crypto_pwhash_argon2id_str_verify(e.c_str(), password.data(), password.size()) == 0;
}

bool needs_rehash(std::string_view encoded, HashCost cost) {
  if (!sodium_ready() || encoded.size() >= crypto_pwhash_STRBYTES) return true;
  std::string e(encoded);
  const Limits l = limits(cost);
  return crypto_pwhash_argon2id_str_needs_rehash(e.c_str(), l.ops, l.mem) != 0;
}

}  // namespace tocsin::staff

#include "email/token_keys.h"

#include <sodium.h>

#include <cstdlib>
#include <cstring>

namespace tocsin::email {

TokenKey TokenKey::generate(uint16_t id) {
  if (sodium_init() < 0) std::abort();
  TokenKey k;
  k.id = id;
  randombytes_buf(k.secret.data(), k.secret.size());
  return k;
}

TokenKeyRing::TokenKeyRing(std::vector<TokenKey> keys) : keys_(std::move(keys)) {
  for (size_t i = 0; i < keys_.size(); ++i) {
    if (!keys_[i].retired && (!signer() || keys_[i].id > signer()->id)) signer_index_ = i;
  }
}

const TokenKey* TokenKeyRing::find(uint16_t id) const {
  for (const auto& k : keys_) {
    if (k.id == id && !k.retired) return &k;
  }
  return nullptr;
}

void token_mac(const TokenKey& key, std::initializer_list<std::string_view> parts, unsigned char* out,
               size_t out_len) {
  unsigned char full[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, key.secret.data(), key.secret.size());
  for (auto p : parts)
    crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(p.data()), p.size());
  crypto_auth_hmacsha256_final(&st, full);
  std::memcpy(out, full, std::min(out_len, sizeof full));
}

std::string to_link_text(const unsigned char* raw, size_t len) {
  constexpr int variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_ENCODED_LEN(len, variant), '\0');
  sodium_bin2base64(out.data(), out.size(), raw, len, variant);
  out.resize(std::strlen(out.c_str()));
  return out;
}

bool from_link_text(std::string_view text, unsigned char* out, size_t len) {
  size_t got = 0;
  const char* end = nullptr;
  return text.size() <= 2 * len &&
         sodium_base642bin(out, len, text.data(), text.size(), nullptr, &got, &end,
                           sodium_base64_VARIANT_URLSAFE_NO_PADDING) == 0 &&
         got == len && end == text.data() + text.size();
}

bool uuid_to_bytes(std::string_view text, unsigned char* out) {
  if (text.size() != 36) return false;
  size_t len = 0;
  const char* end = nullptr;
  return sodium_hex2bin(out, kUuidBytes, text.data(), text.size(), "-", &len, &end) == 0 &&
         len == kUuidBytes && end == text.data() + text.size();
}

std::string uuid_from_bytes(const unsigned char* in) {
  char hex[kUuidBytes * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, in, kUuidBytes);
  std::string s(hex, kUuidBytes * 2);
  for (size_t pos : {8, 13, 18, 23}) s.insert(pos, 1, '-');
  return s;
}

}  // namespace tocsin::email

#include "email/delivery_token.h"

#include <sodium.h>

namespace tocsin::email {
namespace {

// Layout (31 bytes, 50 base32 characters): version, key id (big-endian), message UUID (16 bytes), seq
// (big-endian uint32), then 8 bytes of HMAC-SHA-256 over the purpose byte, everything before the MAC and
// the bound bytes (none for bounce and unsubscribe tokens, so their MACs are what they always were).
constexpr unsigned char kVersion = 1;
constexpr size_t kMacBytes = 8;
constexpr size_t kBodyBytes = 1 + 2 + kUuidBytes + 4;
constexpr size_t kTokenBytes = kBodyBytes + kMacBytes;
constexpr std::string_view kAlphabet = "abcdefghijklmnopqrstuvwxyz234567";

void mac(const TokenKey& key, TokenPurpose purpose, const unsigned char* body, std::string_view bound,
         unsigned char* out) {
  char p = static_cast<char>(purpose);
  token_mac(
      key,
      {std::string_view(&p, 1), std::string_view(reinterpret_cast<const char*>(body), kBodyBytes), bound},
      out, kMacBytes);
}

Error invalid_token() {
  return not_found("not a valid delivery token");
}

}  // namespace

std::string base32_encode(const unsigned char* data, size_t n) {
  std::string out;
  out.reserve((n * 8 + 4) / 5);
  uint32_t buffer = 0;
  int bits = 0;
  for (size_t i = 0; i < n; ++i) {
    buffer = (buffer << 8) | data[i];
    bits += 8;
    while (bits >= 5) {
      out.push_back(kAlphabet[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(buffer << (5 - bits)) & 31]);
  return out;
}

bool base32_decode(std::string_view text, std::vector<unsigned char>& out) {
  out.clear();
  // Lengths mod 8 of 1, 3 and 6 characters never come out of an encoder.
  size_t rem = text.size() % 8;
  if (rem == 1 || rem == 3 || rem == 6) return false;
  uint32_t buffer = 0;
  int bits = 0;
  for (char ch : text) {
    char c = (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch - 'A' + 'a') : ch;
    auto v = kAlphabet.find(c);
    if (v == std::string_view::npos) return false;
    buffer = (buffer << 5) | static_cast<uint32_t>(v);
    bits += 5;
    if (bits >= 8) {
      out.push_back(static_cast<unsigned char>((buffer >> (bits - 8)) & 0xff));
      bits -= 8;
    }
  }
  return (buffer & ((1u << bits) - 1)) == 0;  // leftover bits must be zero (one encoding per value)
}

Result<std::string> DeliveryTokens::issue(TokenPurpose purpose, const DeliveryRef& ref,
                                          std::string_view bound) const {
  const TokenKey* key = keys_.signer();
  if (!key) return bad_request("no live token key");
  if (ref.seq < 0 || ref.seq > int64_t{UINT32_MAX}) return bad_request("delivery seq out of range");
  unsigned char raw[kTokenBytes];
  raw[0] = kVersion;
  raw[1] = static_cast<unsigned char>(key->id >> 8);
  raw[2] = static_cast<unsigned char>(key->id & 0xff);
  if (!uuid_to_bytes(ref.message_id, raw + 3)) return bad_request("delivery tokens need a UUID message id");
  auto seq = static_cast<uint32_t>(ref.seq);
  for (int i = 0; i < 4; ++i) raw[3 + kUuidBytes + i] = static_cast<unsigned char>(seq >> (24 - 8 * i));
  mac(*key, purpose, raw, bound, raw + kBodyBytes);
  return base32_encode(raw, kTokenBytes);
}

Result<DeliveryRef> DeliveryTokens::verify(TokenPurpose purpose, std::string_view token,
                                           std::string_view bound) const {
  std::vector<unsigned char> raw;
  if (token.size() > 2 * kTokenBytes || !base32_decode(token, raw) || raw.size() != kTokenBytes ||
      raw[0] != kVersion)
    return invalid_token();
  const TokenKey* key = keys_.find(static_cast<uint16_t>(raw[1] << 8 | raw[2]));
  if (!key) return invalid_token();
  unsigned char expected[kMacBytes];
  mac(*key, purpose, raw.data(), bound, expected);
  if (sodium_memcmp(expected, raw.data() + kBodyBytes, kMacBytes) != 0) return invalid_token();
  uint32_t seq = 0;
  for (int i = 0; i < 4; ++i) seq = (seq << 8) | raw[3 + kUuidBytes + i];
  return DeliveryRef{uuid_from_bytes(raw.data() + 3), int64_t{seq}};
}

}  // namespace tocsin::email

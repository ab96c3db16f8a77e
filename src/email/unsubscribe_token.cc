#include "email/unsubscribe_token.h"

#include <sodium.h>

#include <cstring>

namespace tocsin::email {
namespace {

// Layout (67 bytes before base64url): version (the LinkPurpose), key id (big-endian), org, person, message
// (16 bytes each, the UUIDs' binary form), then the first 16 bytes of HMAC-SHA-256 over everything before it.
// 128 bits of MAC are far beyond guessing over HTTP; the full tag would only lengthen every link.
constexpr size_t kMacBytes = 16;
constexpr size_t kBodyBytes = 1 + 2 + 3 * kUuidBytes;
constexpr size_t kTokenBytes = kBodyBytes + kMacBytes;

void mac(const TokenKey& key, const unsigned char* body, unsigned char* out) {
  token_mac(key, {std::string_view(reinterpret_cast<const char*>(body), kBodyBytes)}, out, kMacBytes);
}

Error invalid_token() {
  return not_found("this unsubscribe link is not valid");
}

}  // namespace

UnsubscribeTokens::UnsubscribeTokens(std::vector<TokenKey> keys, LinkPurpose purpose)
    : keys_(std::move(keys)), purpose_(purpose) {}

Result<std::string> UnsubscribeTokens::issue(const UnsubscribeClaim& claim) const {
  const TokenKey* key = keys_.signer();
  if (!key) return bad_request("no live unsubscribe token key");
  unsigned char raw[kTokenBytes];
  raw[0] = static_cast<unsigned char>(purpose_);
  raw[1] = static_cast<unsigned char>(key->id >> 8);
  raw[2] = static_cast<unsigned char>(key->id & 0xff);
  if (!uuid_to_bytes(claim.org_id, raw + 3) || !uuid_to_bytes(claim.person_id, raw + 3 + kUuidBytes) ||
      !uuid_to_bytes(claim.message_id, raw + 3 + 2 * kUuidBytes)) {
    return bad_request("unsubscribe tokens need UUID ids");
  }
  mac(*key, raw, raw + kBodyBytes);
  return to_link_text(raw, kTokenBytes);
}

Result<UnsubscribeClaim> UnsubscribeTokens::verify(std::string_view token) const {
  unsigned char raw[kTokenBytes];
  if (!from_link_text(token, raw, kTokenBytes) || raw[0] != static_cast<unsigned char>(purpose_))
    return invalid_token();
  const TokenKey* key = keys_.find(static_cast<uint16_t>(raw[1] << 8 | raw[2]));
  if (!key) return invalid_token();
  unsigned char expected[kMacBytes];
  mac(*key, raw, expected);
  if (sodium_memcmp(expected, raw + kBodyBytes, kMacBytes) != 0) return invalid_token();
  return UnsubscribeClaim{uuid_from_bytes(raw + 3), uuid_from_bytes(raw + 3 + kUuidBytes),
                          uuid_from_bytes(raw + 3 + 2 * kUuidBytes)};
}

}  // namespace tocsin::email

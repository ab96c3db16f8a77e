#include "email/preference_token.h"

#include <sodium.h>

#include <cstring>

#include "email/unsubscribe_token.h"

namespace tocsin::email {
namespace {

// Layout (56 bytes before base64url): purpose, key id (big-endian), org, person (16 bytes each), channel
// (0 email, 1 SMS), expiry (unix seconds, big-endian u32), then 16 bytes of HMAC-SHA-256 over those 40 bytes
// followed by the contact point's canonical form. The body has a fixed length, so body and address cannot
// be shifted into each other.
constexpr size_t kMacBytes = 16;
constexpr size_t kBodyBytes = 1 + 2 + 2 * kUuidBytes + 1 + 4;
constexpr size_t kTokenBytes = kBodyBytes + kMacBytes;
constexpr size_t kChannelAt = 3 + 2 * kUuidBytes;
constexpr size_t kExpiresAt = kChannelAt + 1;

std::string canonical(Channel c, std::string_view address) {
  return c == Channel::kEmail ? email_match_key(address) : std::string(address);
}

void mac(const TokenKey& key, const unsigned char* body, std::string_view address, unsigned char* out) {
  token_mac(key, {std::string_view(reinterpret_cast<const char*>(body), kBodyBytes), address}, out,
            kMacBytes);
}

Error invalid_token() {
  return not_found("this link is not valid or has expired");
}

}  // namespace

Result<std::string> PreferenceTokens::issue(const PreferenceClaim& claim, std::string_view address) const {
  const TokenKey* key = keys_.signer();
  if (!key) return bad_request("no live link token key");
  if (address.empty()) return bad_request("a preference link needs the contact point it is sent to");
  unsigned char raw[kTokenBytes];
  raw[0] = static_cast<unsigned char>(LinkPurpose::kPreferences);
  raw[1] = static_cast<unsigned char>(key->id >> 8);
  raw[2] = static_cast<unsigned char>(key->id & 0xff);
  if (!uuid_to_bytes(claim.org_id, raw + 3) || !uuid_to_bytes(claim.person_id, raw + 3 + kUuidBytes))
    return bad_request("preference tokens need UUID ids");
  raw[kChannelAt] = claim.channel == Channel::kSms ? 1 : 0;
  auto seconds = static_cast<uint32_t>(std::max<Micros>(0, claim.expires / 1'000'000));
  for (int i = 0; i < 4; ++i) raw[kExpiresAt + i] = static_cast<unsigned char>(seconds >> (24 - 8 * i));
  mac(*key, raw, canonical(claim.channel, address), raw + kBodyBytes);
  return to_link_text(raw, kTokenBytes);
}

Result<PreferenceClaim> PreferenceTokens::verify(std::string_view token, Micros now,
                                                 const AddressOf& address_of) const {
  unsigned char raw[kTokenBytes];
  if (!from_link_text(token, raw, kTokenBytes) ||
      raw[0] != static_cast<unsigned char>(LinkPurpose::kPreferences) || raw[kChannelAt] > 1)
    return invalid_token();
  const TokenKey* key = keys_.find(static_cast<uint16_t>(raw[1] << 8 | raw[2]));
  if (!key) return invalid_token();
  PreferenceClaim claim;
  claim.org_id = uuid_from_bytes(raw + 3);
  claim.person_id = uuid_from_bytes(raw + 3 + kUuidBytes);
  claim.channel = raw[kChannelAt] == 1 ? Channel::kSms : Channel::kEmail;
  uint32_t seconds = 0;
  for (int i = 0; i < 4; ++i) seconds = seconds << 8 | raw[kExpiresAt + i];
  claim.expires = Micros{seconds} * 1'000'000;
  // The address is looked up from the (not yet trusted) ids only to recompute the MAC; nothing about it
  // leaves this function unless the MAC matches.
  auto address = address_of(claim);
  if (!address || address->empty()) return invalid_token();
  unsigned char expected[kMacBytes];
  mac(*key, raw, canonical(claim.channel, *address), expected);
  if (sodium_memcmp(expected, raw + kBodyBytes, kMacBytes) != 0) return invalid_token();
  if (claim.expires <= now) return invalid_token();
  return claim;
}

std::string preference_url(std::string_view public_url, std::string_view token) {
  if (!public_url.empty() && public_url.back() == '/') public_url.remove_suffix(1);
  return std::string(public_url) + "/my/" + std::string(token);
}

}  // namespace tocsin::email

// Delivery tokens: a short signed name for one delivery (message id, seq), for the places where the
// 90-character unsubscribe token does not fit — the local part of an address, which RFC 5321 §4.5.3.1.1
// limits to 64 octets: the VERP envelope sender `bounce+<token>@<mail domain>` that DSNs come back to, and
// the List-Unsubscribe mailto `unsubscribe+<token>@<mail domain>` — and for the X-Tocsin-Delivery header
// that complaint reports quote back.
//
// Contract: a token is 50 characters of lower-case base32 (RFC 4648 alphabet, no padding), so it survives
// MTAs that fold the case of local parts. It carries the delivery and a 64-bit MAC under the installation's
// token keys (email/token_keys.h, same rotation rules as unsubscribe links) over the purpose and the
// delivery: a bounce token is not an unsubscribe token and nobody can name another delivery. 64 bits are
// enough here: each guess costs the forger a mail to us. Thread-safe: immutable.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "email/token_keys.h"

namespace tocsin::email {

struct DeliveryRef {
  std::string message_id;  // a UUID
  int64_t seq = 0;         // 0 .. 2^32-1
  bool operator==(const DeliveryRef&) const = default;
};

// kClick and kOpen name a delivery in tracking links (email/tracking_links.h); a click token is also bound
// to the link it redirects to.
enum class TokenPurpose : char { kBounce = 'b', kUnsubscribe = 'u', kClick = 'c', kOpen = 'o' };

class DeliveryTokens {
 public:
  explicit DeliveryTokens(std::vector<TokenKey> keys) : keys_(std::move(keys)) {}

  // A 400 error if the message id is not a UUID, seq is out of range, or no key is live. `bound`, when
  // given, is covered by the MAC but not carried in the token: verify needs the same bytes.
  Result<std::string> issue(TokenPurpose purpose, const DeliveryRef& ref, std::string_view bound = {}) const;
  // The delivery, or 404 for anything altered, forged, of the other purpose, bound to other bytes or under
  // a retired key.
  Result<DeliveryRef> verify(TokenPurpose purpose, std::string_view token, std::string_view bound = {}) const;

 private:
  TokenKeyRing keys_;
};

// RFC 4648 base32, lower-case, no padding. Hand-written: neither libsodium nor OpenSSL offers base32, and
// base64 is case-sensitive (wrong for local parts). decode returns false on any character outside the
// alphabet (either case accepted) or a length no encoder produces.
std::string base32_encode(const unsigned char* data, size_t n);
bool base32_decode(std::string_view text, std::vector<unsigned char>& out);

}  // namespace tocsin::email

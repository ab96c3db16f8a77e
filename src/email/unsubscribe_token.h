// Unsubscribe tokens: the per-recipient secret in every List-Unsubscribe URL and footer link
// (compliance-rules EM-2, RFC 8058).
//
// Contract: a token names (organization, person, message) and carries a MAC under one of the installation's
// token keys, so the unsubscribe endpoint can trust it without a lookup table and nobody can forge or alter
// one. Keys rotate: the newest key that is not retired signs; every key not retired verifies, so links in
// mail already sent keep working until their key is retired. Tokens are URL-safe (base64url, no padding,
// 90 characters). Ids must be UUIDs (every tocsin id is). Thread-safe: the object is immutable.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "email/token_keys.h"

namespace tocsin::email {

// What a token may be used for. The purpose is the token's first byte and is covered by its MAC, so a token
// issued for one purpose never verifies for another (an unsubscribe link cannot confirm a re-subscription).
enum class LinkPurpose : unsigned char {
  kUnsubscribe = 1,
  kResubscribeConfirmation = 2,  // messaging/resubscribe_confirmation.h; message_id = the confirmation's id
  kPreferences = 3,              // email/preference_token.h: a supporter's own page /my/{token}
};

struct UnsubscribeClaim {
  std::string org_id;
  std::string person_id;
  std::string message_id;
};

class UnsubscribeTokens {
 public:
  // At least one key must not be retired to issue; verifying works with whatever keys are live.
  explicit UnsubscribeTokens(std::vector<TokenKey> keys, LinkPurpose purpose = LinkPurpose::kUnsubscribe);

  // The token for one recipient of one message; a 400 error if an id is not a UUID or no key is live.
  Result<std::string> issue(const UnsubscribeClaim& claim) const;

  // The claim a token carries, or 404 (unknown, altered, truncated, or signed with a retired key): the
  // endpoint answers the same way for all of them so a prober learns nothing.
  Result<UnsubscribeClaim> verify(std::string_view token) const;

 private:
  TokenKeyRing keys_;
  LinkPurpose purpose_;
};

}  // namespace tocsin::email

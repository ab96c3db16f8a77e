// Preference tokens: the signed part of a supporter's own page, /my/{token} (web/preference_center.h), put in
// every blast's footer and, when the program asks for it, in the SMS HELP answer.
//
// Contract: a token names (organization, person, channel) and an expiry, and its MAC (under one of the
// installation's token keys, email/token_keys.h) also covers the contact point it was sent to — the address
// or number itself, which the token does not carry (nothing personal is in the URL). It verifies only while
//  - its key is live and its first byte is LinkPurpose::kPreferences (an unsubscribe or confirmation token
//    never opens the page, and this one never unsubscribes by one click),
//  - it has not expired, and
//  - the person still holds that same contact point: the caller says what the person's address on the
//    channel is now, and a changed address (or a person gone) makes the MAC fail.
// So the holder of a token has shown that they received a message at that contact point, and the page may
// treat them as its owner — for that contact point only. Every failure is the same 404, so a prober learns
// nothing. URL-safe (base64url, no padding, 75 characters). Thread-safe: immutable.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/contact_point.h"
#include "core/result.h"
#include "email/token_keys.h"

namespace tocsin::email {

// How long a link works: long enough for a message read weeks later, short enough that an old forwarded
// message stops opening the page.
inline constexpr Micros kPreferenceLinkLifetime = int64_t{60} * 86400 * 1'000'000;

struct PreferenceClaim {
  std::string org_id;
  std::string person_id;
  Channel channel = Channel::kEmail;  // the channel of the contact point the link was sent to
  Micros expires = 0;                 // whole seconds
};

class PreferenceTokens {
 public:
  explicit PreferenceTokens(std::vector<TokenKey> keys) : keys_(std::move(keys)) {}

  // The token for `claim`, bound to `address` (normalized: an email as normalize_email gives it, a number in
  // E.164; emails are compared in their canonical form, so case variants are the same address). 400 when an
  // id is not a UUID or no key is live.
  Result<std::string> issue(const PreferenceClaim& claim, std::string_view address) const;

  // The person's contact point on the claim's channel now, or nullopt (organization or person unknown).
  using AddressOf = std::function<std::optional<std::string>(const PreferenceClaim&)>;

  // The claim, when the token is intact, of a live key, not expired at `now`, and bound to the address
  // `address_of` gives; else 404.
  Result<PreferenceClaim> verify(std::string_view token, Micros now, const AddressOf& address_of) const;

 private:
  TokenKeyRing keys_;
};

// "<public_url>/my/<token>".
std::string preference_url(std::string_view public_url, std::string_view token);

}  // namespace tocsin::email

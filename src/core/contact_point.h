// Contact points: the email addresses and phone numbers through which a person is reached.
// Normalization and the canonical form below are the single definition of "the same address": matching,
// suppression and the consent ledger all key on them (via ContactHasher), never on what a client typed.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace tocsin {

enum class Channel { kEmail, kSms };
const char* channel_name(Channel c);  // "email" | "sms"

// Trims surrounding whitespace and lower-cases the domain; the local part keeps its case as typed, for
// display and sending. Error (400) names the field: "invalid email address: ...".
Result<std::string> normalize_email(std::string_view raw);

// The canonical form that decides whether two addresses are the same contact point: the whole normalized
// address lower-cased. RFC 5321 lets a host treat local parts case-sensitively, but every real mailbox
// provider delivers Jane.Doe@ and jane.doe@ to one inbox, so matching, dedup, suppression, evidence and
// unsubscribe treat them as one person (docs/API.md "Matching"). ContactHasher applies it to every email
// hash, so a keyed lookup cannot forget it; compare plaintext addresses only through this.
std::string email_match_key(std::string_view normalized);
bool same_email(std::string_view a, std::string_view b);

// Parses with libphonenumber using `default_region` (ISO 3166 alpha-2, e.g. "US") for numbers without a
// country code and returns E.164 ("+12021234444"). Accepts AN's digits-with-country-code form
// ("12021234444"), "+1 (202) 123-4444", etc. Error (400): "invalid phone number: ...".
Result<std::string> normalize_phone(std::string_view raw, std::string_view default_region);

// Action Network shows numbers as digits with country code and no '+': "+12021234444" -> "12021234444".
std::string phone_for_display(std::string_view e164);

// A keyed hash of a normalized contact point (BLAKE2b-256 via libsodium crypto_generichash, keyed with the
// installation's 32-byte secret). Lookups, suppressions and ledger entries use it instead of plaintext, so
// plaintext can be encrypted at rest (and erased) without changing any query.
using ContactHash = std::array<unsigned char, 32>;

class ContactHasher {
 public:
  explicit ContactHasher(const std::array<unsigned char, 32>& key) : key_(key) {}
  // `normalized` must already be normalized; the channel is part of the hashed input. An email address is
  // hashed in its canonical form (email_match_key), so case variants share one hash.
  ContactHash hash(Channel channel, std::string_view normalized) const;

 private:
  std::array<unsigned char, 32> key_;
};

std::string to_hex(const ContactHash& h);
// The inverse of to_hex; nullopt unless exactly 64 hex digits.
std::optional<ContactHash> contact_hash_from_hex(std::string_view hex);

}  // namespace tocsin

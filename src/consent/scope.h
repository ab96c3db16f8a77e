// What a subscription covers: the purposes a contact point's consent was given for and the legal basis it
// was recorded under (GDPR Art. 5(1)(b) purpose limitation, Art. 6(1) and 9(2) bases).
//
// Each subscribing ledger entry carries a purpose (e.g. "newsletter", "climate-campaign", an SMS program's
// name) and a legal basis. An entry without a purpose is a general subscription to the organization's
// messages on that channel — what every entry meant before purposes were recorded, and what a signup that
// names none still means. Blasts declare the purpose they serve; the gate sends a blast to a subscribed
// contact point only if its consent covers that purpose (reason `purpose_not_consented`).
//
// The projection rule, applied in ledger order (so a replay at start rebuilds the same scope):
//  - a change to anything but subscribed clears the scope (an opt-out withdraws every purpose);
//  - a subscription from not-subscribed starts a new scope: general, or limited to the entry's purpose;
//  - a subscribing entry while subscribed (a reaffirmation, or consent to one more purpose) widens it:
//    a general entry makes it general, a purposed one adds its purpose to a limited scope;
//  - the latest subscribing entry's basis is the scope's basis.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "consent/status.h"

namespace tocsin::consent {

// Art. 6(1)(a) consent; Art. 9(2)(a) explicit consent (needed to process special-category data such as
// political opinions on consent); Art. 9(2)(d) a not-for-profit body's members and regular contacts;
// Art. 6(1)(f) legitimate interest (transactional mail); Art. 6(1)(b) contract.
enum class LegalBasis : unsigned char {
  kConsent,
  kExplicitConsent,
  kMembership,
  kLegitimateInterest,
  kContract
};

std::string_view legal_basis_name(LegalBasis b);  // "consent", "explicit_consent", "membership", ...
std::optional<LegalBasis> parse_legal_basis(std::string_view name);
// The accepted names, comma-separated, for error messages.
std::string_view legal_basis_names();
// Whether the basis allows processing special-category data (Art. 9(2)(a) or (d)).
bool covers_special_category(LegalBasis b);

// A purpose as stored and compared: trimmed and lower-cased; empty means general. Nullopt (invalid) when it
// is longer than kMaxPurpose bytes or holds control characters.
inline constexpr size_t kMaxPurpose = 100;
std::optional<std::string> normalize_purpose(std::string_view raw);

struct ConsentScope {
  std::vector<std::string> purposes;  // empty: general (covers every purpose)
  LegalBasis basis = LegalBasis::kConsent;

  bool general() const { return purposes.empty(); }
  // Whether a blast declaring `purpose` (normalized; empty = a general message) may go: a general scope
  // covers all; a limited one only its own purposes — a general message is not one of them.
  bool covers(std::string_view purpose) const;
  // The default scope (general, plain consent) is not stored by projections.
  bool is_default() const { return purposes.empty() && basis == LegalBasis::kConsent; }
  bool operator==(const ConsentScope&) const = default;
};

// The scope after one ledger entry (the rule above). `was` is the status before the entry.
ConsentScope next_scope(const ConsentScope& scope, Status was, Status now, std::string_view purpose,
                        LegalBasis basis);

}  // namespace tocsin::consent

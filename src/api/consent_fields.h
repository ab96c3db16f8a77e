// The consent-scope fields a write may carry at the top level of its body (consent/scope.h):
// `tocsin:purpose` (what the consent is for) and `tocsin:legal_basis` (consent, explicit_consent, membership,
// legitimate_interest, contract). They go into the ledger entries the write records.
#pragma once

#include <simdjson.h>

#include <optional>
#include <string>

#include "consent/ledger_entry.h"
#include "core/result.h"

namespace tocsin::api {

// `tocsin:purpose` of a body, normalized (consent/scope.h); nullopt when absent; 400 on a wrong type or a
// purpose too long. The one reader for people, record, action and message bodies.
Result<std::optional<std::string>> read_purpose(simdjson::dom::element body);

// Reads both fields into `ev` (unchanged when absent); 400 on a wrong type, an unknown basis or a purpose
// too long. Only an organization's key may assert a basis other than consent or explicit consent: a keyless
// form cannot make someone a member, so there the claim is recorded as plain consent.
Status read_consent_fields(simdjson::dom::element body, bool keyed, consent::Evidence& ev);

}  // namespace tocsin::api

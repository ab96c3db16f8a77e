#include "api/consent_fields.h"

namespace tocsin::api {

Status read_consent_fields(simdjson::dom::element body, bool keyed, consent::Evidence& ev) {
  simdjson::dom::element v;
  std::string_view s;
  if (!body["tocsin:purpose"].get(v)) {
    if (v.get_string().get(s)) return bad_request("tocsin:purpose must be a string");
    auto purpose = consent::normalize_purpose(s);
    if (!purpose)
      return bad_request("tocsin:purpose must be at most " + std::to_string(consent::kMaxPurpose) +
                         " bytes without control characters");
    ev.purpose = std::move(purpose).value();
  }
  if (!body["tocsin:legal_basis"].get(v)) {
    if (v.get_string().get(s)) return bad_request("tocsin:legal_basis must be a string");
    auto basis = consent::parse_legal_basis(s);
    if (!basis)
      return bad_request("tocsin:legal_basis must be one of " + std::string(consent::legal_basis_names()));
    if (!keyed && *basis != consent::LegalBasis::kExplicitConsent) basis = consent::LegalBasis::kConsent;
    ev.legal_basis = basis;
  }
  return Ok{};
}

}  // namespace tocsin::api

#include "api/consent_fields.h"

namespace tocsin::api {

Result<std::optional<std::string>> read_purpose(simdjson::dom::element body) {
  simdjson::dom::element v;
  if (body["tocsin:purpose"].get(v)) return std::optional<std::string>{};
  std::string_view s;
  if (v.get_string().get(s)) return bad_request("tocsin:purpose must be a string");
  auto purpose = consent::normalize_purpose(s);
  if (!purpose)
    return bad_request("tocsin:purpose must be at most " + std::to_string(consent::kMaxPurpose) +
                       " bytes without control characters");
  return purpose;
}

Status read_consent_fields(simdjson::dom::element body, bool keyed, consent::Evidence& ev) {
  auto purpose = read_purpose(body);
  if (!purpose) return purpose.error();
  if (*purpose) ev.purpose = std::move(**purpose);
  simdjson::dom::element v;
  std::string_view s;
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

#include "consent/scope.h"

#include <algorithm>
#include <array>

namespace tocsin::consent {
namespace {

constexpr std::array<std::string_view, 5> kBasisNames{"consent", "explicit_consent", "membership",
                                                      "legitimate_interest", "contract"};

}  // namespace

std::string_view legal_basis_name(LegalBasis b) {
  return kBasisNames[static_cast<size_t>(b)];
}

std::optional<LegalBasis> parse_legal_basis(std::string_view name) {
  for (size_t i = 0; i < kBasisNames.size(); ++i)
    if (kBasisNames[i] == name) return static_cast<LegalBasis>(i);
  return std::nullopt;
}

std::string_view legal_basis_names() {
  return "consent, explicit_consent, membership, legitimate_interest, contract";
}

bool covers_special_category(LegalBasis b) {
  return b == LegalBasis::kExplicitConsent || b == LegalBasis::kMembership;
}

std::optional<std::string> normalize_purpose(std::string_view raw) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!raw.empty() && space(raw.front())) raw.remove_prefix(1);
  while (!raw.empty() && space(raw.back())) raw.remove_suffix(1);
  if (raw.size() > kMaxPurpose) return std::nullopt;
  std::string out;
  out.reserve(raw.size());
  for (char c : raw) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return std::nullopt;
    out.push_back(u < 0x80 ? static_cast<char>(std::tolower(u)) : c);
  }
  return out;
}

bool ConsentScope::covers(std::string_view purpose) const {
  if (general()) return true;
  if (purpose.empty()) return false;
  return std::find(purposes.begin(), purposes.end(), purpose) != purposes.end();
}

ConsentScope next_scope(const ConsentScope& scope, Status was, Status now, std::string_view purpose,
                        LegalBasis basis) {
  if (now != Status::kSubscribed) return {};
  ConsentScope next;
  next.basis = basis;
  if (was != Status::kSubscribed) {
    if (!purpose.empty()) next.purposes.emplace_back(purpose);
    return next;
  }
  if (scope.general() || purpose.empty()) return next;
  next.purposes = scope.purposes;
  if (!scope.covers(purpose)) next.purposes.emplace_back(purpose);
  return next;
}

}  // namespace tocsin::consent

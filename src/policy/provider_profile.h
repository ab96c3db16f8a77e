// An SMS provider's own acceptable-use rules as data the gate applies (docs/SMS.md "Provider profiles").
//
// Providers add rules to the carriers': one allows no mass marketing on any of its numbers (not only on plain
// long codes, where the carriers forbid it), another limits blasts, text length or throughput per kind of
// number. The profiles ship as data (src/policy/data/provider_profiles.toml, compiled in); `[sms] profile` in
// tocsin.toml picks the one of the installation's gateway. The gate asks `provider_rule` for every text
// after its sender rules; the dispatcher paces each number at no more than `max_mps` of its kind.
//
// Immutable once built; thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "policy/decision.h"
#include "policy/facts.h"

namespace tocsin::policy {

// What a provider allows on one kind of number. Zero: no limit of the provider's.
struct NumberTypeRules {
  bool marketing = true;
  int64_t max_recipients = 0;
  int max_segments = 0;
  double max_mps = 0;
};

struct ProviderProfile {
  std::string name = "default";
  std::string description;
  std::array<NumberTypeRules, 4> rules{};  // by SenderType

  const NumberTypeRules& of(SenderType t) const { return rules[static_cast<size_t>(t)]; }
  // The pace a number of kind `t` granted `mps` by its carrier may send at under this provider.
  double pace(SenderType t, double mps) const;
};

// The profile shipped under `name`; 400 naming the known ones otherwise.
Result<ProviderProfile> provider_profile(std::string_view name);
// Every shipped profile, in the data file's order.
const std::vector<ProviderProfile>& provider_profiles();

// The provider's refusal of a text from a number of kind `type` (marketing or not, in a blast of
// `recipients`, `segments` long), or nullopt.
std::optional<Decision> provider_rule(const ProviderProfile& p, SenderType type, bool marketing,
                                      int64_t recipients, int segments);

}  // namespace tocsin::policy

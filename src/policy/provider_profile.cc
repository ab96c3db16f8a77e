#include "policy/provider_profile.h"

#include <toml++/toml.h>

#include <cstdlib>

#include "policy/provider_profiles_data.h"

namespace tocsin::policy {
namespace {

constexpr std::array<std::pair<SenderType, std::string_view>, 4> kTypes{
    {{SenderType::kLongCode, "long_code"},
     {SenderType::kTenDlc, "10dlc"},
     {SenderType::kTollFree, "toll_free"},
     {SenderType::kShortCode, "short_code"}}};

std::string_view type_words(SenderType t) {
  switch (t) {
    case SenderType::kLongCode:
      return "a plain long code";
    case SenderType::kTenDlc:
      return "a 10DLC number";
    case SenderType::kTollFree:
      return "a toll-free number";
    case SenderType::kShortCode:
      return "a short code";
  }
  return "this number";
}

void read_rules(const toml::table& t, NumberTypeRules& r) {
  r.marketing = t["marketing"].value_or(r.marketing);
  r.max_recipients = t["max_recipients"].value_or(r.max_recipients);
  r.max_segments = static_cast<int>(t["max_segments"].value_or(int64_t{r.max_segments}));
  r.max_mps = t["max_mps"].value_or(r.max_mps);
}

// The shipped data is part of the program: a mistake in it is a build error a test catches, so it aborts.
std::vector<ProviderProfile> parse_shipped() {
  toml::table doc;
  try {
    doc = toml::parse(data::kProviderProfiles);
  } catch (const toml::parse_error&) {
    std::abort();
  }
  std::vector<ProviderProfile> out;
  for (const auto& [name, node] : doc) {
    const auto* t = node.as_table();
    if (!t) std::abort();
    ProviderProfile p;
    p.name = std::string(name.str());
    p.description = (*t)["description"].value_or(std::string());
    if (const auto* all = (*t)["all"].as_table())
      for (auto& r : p.rules) read_rules(*all, r);
    for (const auto& [type, key] : kTypes)
      if (const auto* own = (*t)[key].as_table()) read_rules(*own, p.rules[static_cast<size_t>(type)]);
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace

double ProviderProfile::pace(SenderType t, double mps) const {
  double cap = of(t).max_mps;
  return cap > 0 && cap < mps ? cap : mps;
}

const std::vector<ProviderProfile>& provider_profiles() {
  static const std::vector<ProviderProfile> profiles = parse_shipped();
  return profiles;
}

Result<ProviderProfile> provider_profile(std::string_view name) {
  std::string known;
  for (const auto& p : provider_profiles()) {
    if (p.name == name) return p;
    known += (known.empty() ? "" : ", ") + p.name;
  }
  return bad_request("no SMS provider profile \"" + std::string(name) + "\" (known: " + known + ")");
}

std::optional<Decision> provider_rule(const ProviderProfile& p, SenderType type, bool marketing,
                                      int64_t recipients, int segments) {
  const NumberTypeRules& r = p.of(type);
  std::string whose = "Provider profile \"" + p.name + "\", " + std::string(type_words(type)) + ": ";
  if (marketing && !r.marketing)
    return Decision::refuse(Reason::kProviderForbidsMarketing,
                            whose + "this message is marked marketing and the provider allows none.");
  if (r.max_recipients > 0 && recipients > r.max_recipients)
    return Decision::refuse(Reason::kProviderBlastLimit,
                            whose + "the blast has " + std::to_string(recipients) +
                                " recipients; the provider allows " + std::to_string(r.max_recipients) + ".");
  if (r.max_segments > 0 && segments > r.max_segments)
    return Decision::refuse(Reason::kProviderSegmentLimit,
                            whose + "the text needs " + std::to_string(segments) +
                                " segments; the provider allows " + std::to_string(r.max_segments) + ".");
  return std::nullopt;
}

}  // namespace tocsin::policy

#include "policy/content/verdict.h"

namespace tocsin::policy::content {

std::string_view verdict_name(Verdict v) {
  constexpr std::string_view kNames[] = {"pass", "warn", "hold", "block"};
  return kNames[static_cast<int>(v)];
}

std::string_view part_name(Part p) {
  constexpr std::string_view kNames[] = {"body", "subject", "from"};
  return kNames[static_cast<int>(p)];
}

void Screening::add(Finding f) {
  if (f.verdict > verdict) verdict = f.verdict;
  findings.push_back(std::move(f));
}

const Finding* Screening::decisive() const {
  if (verdict == Verdict::kPass) return nullptr;
  for (const auto& f : findings)
    if (f.verdict == verdict) return &f;
  return nullptr;
}

}  // namespace tocsin::policy::content

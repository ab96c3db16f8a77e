#include "policy/org_trust.h"

#include <fmt/format.h>

#include <cmath>

namespace tocsin::policy {
namespace {

// `count` of `of` at or over `percent`, compared in parts per million so 0.3 % is exactly 3 in 1,000.
bool at_or_over(int64_t count, int64_t of, double percent) {
  if (percent <= 0 || of <= 0) return false;
  auto ppm = static_cast<int64_t>(std::llround(percent * 10'000));
  return count * 1'000'000 >= ppm * of;
}

std::string figures(const char* what, int64_t count, const char* noun, int64_t of, const char* of_noun,
                    double limit, const std::string& message_id) {
  return fmt::format("{} rate {:.2f}% ({} {} of {} {}) on message {} passed {:.1f}%", what,
                     100.0 * static_cast<double>(count) / static_cast<double>(of), count, noun, of, of_noun,
                     message_id, limit);
}

}  // namespace

std::optional<Decision> new_org_review(const OrgMessaging& org, const TrustPolicy& policy, int64_t recipients,
                                       bool approved) {
  if (policy.review_first_blasts <= 0 || org.trusted || approved ||
      recipients <= policy.review_over_recipients)
    return std::nullopt;
  int64_t large = 0;
  for (int64_t n : org.started_blasts) large += n > policy.review_over_recipients;
  if (large >= policy.review_first_blasts) return std::nullopt;
  return Decision::refuse(
      Reason::kNewOrgReview,
      fmt::format("The organization's first {} blasts over {} recipients are reviewed; this one has {} "
                  "recipients and would be large blast {} of {}.",
                  policy.review_first_blasts, policy.review_over_recipients, recipients, large + 1,
                  policy.review_first_blasts));
}

std::optional<std::string> email_pause_reason(const BlastFigures& f, const PauseLimits& limits,
                                              const std::string& message_id) {
  if (f.handed_over < limits.email_min_handed_over) return std::nullopt;
  if (at_or_over(f.complained, f.handed_over, limits.complaint_percent))
    return figures("complaint", f.complained, "complaints", f.handed_over, "handed over",
                   limits.complaint_percent, message_id);
  if (at_or_over(f.unknown_user, f.handed_over, limits.unknown_user_percent))
    return figures("unknown-user", f.unknown_user, "hard bounces 5.1.1", f.handed_over, "handed over",
                   limits.unknown_user_percent, message_id);
  return std::nullopt;
}

std::optional<std::string> spam_trap_pause_reason(int64_t hits, const PauseLimits& limits,
                                                  const std::string& message_id) {
  if (limits.spam_trap_hits <= 0 || hits < limits.spam_trap_hits) return std::nullopt;
  return fmt::format(
      "spam-trap hits {} (known spam-trap addresses in the list of message {}, refused, none "
      "mailed) reached {}",
      hits, message_id, limits.spam_trap_hits);
}

std::optional<std::string> texts_pause_reason(const BlastFigures& f, const PauseLimits& limits,
                                              const std::string& message_id) {
  if (f.handed_over < limits.texts_min_handed_over) return std::nullopt;
  if (at_or_over(f.undeliverable, f.handed_over, limits.undeliverable_percent))
    return figures("undeliverable", f.undeliverable, "undelivered or carrier-refused texts", f.handed_over,
                   "handed over", limits.undeliverable_percent, message_id);
  return std::nullopt;
}

}  // namespace tocsin::policy

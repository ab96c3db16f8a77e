// An organization's standing with the platform, as the gate and the automatic pauses judge it
// (docs/POLICY.md "Per-organization trust").
//
// Review of new organizations: an organization the platform operator has not marked trusted (`tocsin org
// trust`) has its first `review_first_blasts` blasts over `review_over_recipients` recipients held for the
// operator's review (`new_org_review`), released through the content review queue (`tocsin review approve`,
// which approves exactly that content). Small blasts and everything a person asked for are never held: the
// review is about a sender nobody has seen blast yet, and the harm a bad one does grows with its size.
//
// Automatic pauses: a blast's figures (what was handed over, and what came back) past a limit pause the
// organization's blasts on that channel — email: complaints (0.3 %, Gmail's and Yahoo's bulk-sender
// limit) or unknown users (hard bounces 5.1.1, the sign of a bought or stale list); texts: undeliverable or
// carrier-blocked texts. The pause names its figures, so whoever reads the refusal sees why.
//
// Pure functions of their arguments; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "policy/decision.h"
#include "policy/facts.h"

namespace tocsin::policy {

// [trust] review_first_blasts / review_over_recipients in tocsin.toml. review_first_blasts = 0: no review.
struct TrustPolicy {
  int review_first_blasts = 3;
  int64_t review_over_recipients = 1000;
};

// Whether a blast of `recipients` must wait for review: the refusal (kNewOrgReview, with which large blast it
// would be and the limits), or nullopt. `approved`: the platform operator approved this content already.
std::optional<Decision> new_org_review(const OrgMessaging& org, const TrustPolicy& policy, int64_t recipients,
                                       bool approved);

// The limits of the automatic pauses ([trust] in tocsin.toml). A percentage of 0 turns that breaker off.
struct PauseLimits {
  double complaint_percent = 0.3;        // Gmail/Yahoo bulk-sender requirement (EM-F2)
  double unknown_user_percent = 5.0;     // hard bounces 5.1.1 of handed-over mail
  double undeliverable_percent = 10.0;   // texts undelivered or refused by the carrier, of those handed over
  int64_t email_min_handed_over = 1000;  // below it one report is noise, not a rate
  int64_t texts_min_handed_over = 200;
  // Known spam traps (policy/spam_traps.h) one blast's list holds: a count, not a rate, because a list
  // collected with consent holds none at all, and every trap is refused by the gate anyway (never mailed).
  // 3 leaves room for a typo trap or two (a supporter mistyping "gmial.com" on a petition); 0 turns it off.
  int64_t spam_trap_hits = 3;
};

// One blast's figures, as the store counts them.
struct BlastFigures {
  int64_t handed_over = 0;
  int64_t complained = 0;
  int64_t unknown_user = 0;   // email: hard bounces with status 5.1.1 (DSN or SMTP time)
  int64_t undeliverable = 0;  // texts: receipts undelivered or rejected by the carrier
};

// The pause's reason (the figures, the limit and the message) when an email blast's figures pass a limit,
// else nullopt. Complaints are judged first: they are the stronger signal.
std::optional<std::string> email_pause_reason(const BlastFigures& f, const PauseLimits& limits,
                                              const std::string& message_id);
// The pause's reason when one email blast's list held `hits` known spam traps, at or over the limit.
std::optional<std::string> spam_trap_pause_reason(int64_t hits, const PauseLimits& limits,
                                                  const std::string& message_id);
// The same for a text blast.
std::optional<std::string> texts_pause_reason(const BlastFigures& f, const PauseLimits& limits,
                                              const std::string& message_id);

}  // namespace tocsin::policy

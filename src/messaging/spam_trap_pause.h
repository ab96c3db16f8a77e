// The spam-trap breaker (docs/POLICY.md "Spam traps"): the gate refuses every hand-over to a known spam trap
// (policy/spam_traps.h, reason `spam_trap`), so a trap is never mailed — but a list that holds traps was not
// collected with consent, so the refusals are the organization's trap hits. When one blast's refusals with
// `spam_trap` (in its plan and at dispatch, as the store counts them) reach [trust] spam_trap_pause_hits, the
// organization's bulk email pauses (`bulk_email_paused`, the reason naming the figures), exactly as the
// unknown-user breaker pauses it; the platform operator lifts it (`tocsin org resume`, or the console).
#pragma once

#include <string>

#include "core/clock.h"
#include "people/directory.h"
#include "policy/org_trust.h"
#include "store/group_commit.h"

namespace tocsin::messaging {

// Pauses the organization's bulk email when `hits` (the message's refusals with `spam_trap`) reach the limit
// and it is not paused yet; true when this call paused it. Durable on return.
bool pause_on_spam_traps(store::GroupCommitter& committer, people::OrgState& org,
                         const std::string& message_id, int64_t hits, const policy::PauseLimits& limits,
                         Micros now);

}  // namespace tocsin::messaging

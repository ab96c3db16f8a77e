// The automatic pause of an organization's text blasts (policy/org_trust.h): when a blast's texts come back
// undelivered or refused by carriers past the limit, the organization's text blasts stop, with the figures,
// until the platform operator lifts the pause (`tocsin org resume --channel sms`). The counterpart of the
// bulk-email pause (messaging/mail_ingest.h), judged on the texts' final receipts (messaging/sms_receipts.h).
#pragma once

#include <optional>
#include <string>

#include "core/result.h"
#include "people/directory.h"
#include "policy/org_trust.h"
#include "store/store.h"

namespace tocsin::messaging {

// Judged before a final receipt is committed: the blast's figures as stored plus this receipt
// (`undeliverable`: it marks the text bounced or failed), so the pause is written in the same commit as the
// receipt that passes the limit. nullopt: no pause (or the receipt is not undeliverable, which only lowers
// the rate).
Result<std::optional<std::string>> texts_pause_due(store::Store& store, const std::string& org_id,
                                                   const std::string& message_id, bool undeliverable,
                                                   const policy::PauseLimits& limits);

// In a write (committer thread, the organization's lock held exclusively): pauses the organization's text
// blasts with `reason` unless they are paused already. True when it paused them now.
bool pause_texts(people::OrgState& org, store::WriteBatch::OrgWrites& w, const std::string& reason,
                 Micros now);

}  // namespace tocsin::messaging

// The ledger side of mail feedback: an unsubscribe, a bounce or a complaint changes one email address's
// status (compliance-rules EM-2, EM-B1, EM-F1), durably, before anyone is told it was handled.
#pragma once

#include <string>

#include "consent/ledger_entry.h"
#include "consent/status.h"
#include "core/contact_point.h"
#include "people/directory.h"
#include "store/group_commit.h"
#include "store/store.h"

namespace tocsin::messaging {

// Whose address: from the delivery row when there is one (its address and keyed hash), else the person's
// primary email.
struct FeedbackTarget {
  std::string person_id;
  std::string address;  // normalized; empty when erased or unknown
  std::optional<ContactHash> contact;
  static FeedbackTarget of(const store::DeliveryRow& d) { return {d.person_id, d.address, d.contact}; }
};

// Records `to` (kUnsubscribed, kBouncing or kSpamComplaint) for the target's address with `ev`, unless its
// current status already keeps mail from it — only `subscribed` is unsubscribed; a complaint is never
// downgraded to a bounce — so a repeated report or a second POST writes nothing. When the person or the
// address is gone (erased), the organization suppresses the keyed hash instead (once).
// Runs as one committer job and returns after the write is durable: true if anything was written.
bool record_feedback(store::GroupCommitter& committer, people::OrgState& org, const FeedbackTarget& target,
                     consent::Status to, const consent::Evidence& ev, Micros now);

// A hard bounce of delivery `d` — from a DSN (messaging/mail_ingest.h) or a 5.1.x reply at SMTP time
// (messaging/smtp_rejection.h): the address becomes `bouncing` (record_feedback) and its soft-bounce count
// is spent, so a later re-subscription starts a fresh one. True if the status changed; an error only when
// the store failed.
Result<bool> record_hard_bounce(store::Store& store, store::GroupCommitter& committer, people::OrgState& org,
                                const store::DeliveryRow& d, const consent::Evidence& ev, Micros now);

}  // namespace tocsin::messaging

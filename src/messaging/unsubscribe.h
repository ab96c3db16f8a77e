// Unsubscribing the recipient of one message — from the one-click POST (api/unsubscribe_handlers.cc) or a
// mail to the List-Unsubscribe mailto address (messaging/mail_ingest.h), compliance-rules EM-2, EM-U2.
//
// Contract: the ledger entry (email -> unsubscribed, evidence as given) is durable before this returns, so
// the gate, which reads the projection, refuses the address from then on — including for the rest of a
// running blast. Idempotent: a second call writes nothing. The delivery, when it can be found, gets its
// kUnsubscribed event bit for the message's statistics.
#pragma once

#include <optional>
#include <string>

#include "consent/ledger_entry.h"
#include "people/directory.h"
#include "store/group_commit.h"
#include "store/store.h"

namespace tocsin::messaging {

struct UnsubscribeRequest {
  std::string person_id;
  std::string message_id;
  std::optional<store::DeliveryRow> delivery;  // looked up by (message, person) when not given
  consent::Evidence evidence;
};

// true if the ledger (or, for an erased person, the suppression list) changed; an error only when the
// store failed (the caller answers so the sender retries: the retry is harmless).
Result<bool> unsubscribe_recipient(store::Store& store, store::GroupCommitter& committer,
                                   people::OrgState& org, UnsubscribeRequest request, Micros now);

}  // namespace tocsin::messaging

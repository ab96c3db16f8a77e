// Delivery receipts of texts (Kannel DLRs, Twilio StatusCallbacks) -> the delivery state of the blast
// recipient they name.
//
// The receipt names tocsin's delivery id "<message id>:<seq>", which the dispatcher gave the driver and the
// driver put in the callback URL (sms/kannel_driver.h, sms/twilio_driver.h). The message id finds the
// organization (messaging/message_owner.h), the store the delivery (OrgScope::delivery).
//
// State rules (the first final receipt wins; repeating one changes nothing):
//   delivered                  -> delivered
//   undelivered                -> bounced (the network gave up: the SMS counterpart of a bounce; it still
//                                 counts as sent in the statistics, like a bounced email)
//   rejected by SMSC/carrier   -> failed
//   buffered / gateway accepted: no state change (not final).
// Only a delivery that was handed to the gateway (handing, handed_over, unknown) takes a receipt: a receipt
// resolves an `unknown` left by a crash. The dispatcher's own write of its hand-over outcome does not undo
// a receipt that arrived first (store::Store::put_deliveries keeps receipt states).
#pragma once

#include <string>

#include "people/directory.h"
#include "sms/inbound.h"
#include "store/store.h"

namespace tocsin::messaging {

struct ReceiptOutcome {
  std::string message_id;
  int64_t seq = 0;
  store::DeliveryState state = store::DeliveryState::kHandedOver;  // the delivery's state now
  bool changed = false;
};

// "queued", "handed_over", "delivered", "bounced", "failed", ... (for callback answers and logs).
std::string_view delivery_state_name(store::DeliveryState s);

// The parts of a delivery id; 400 when `id` is not "<message id>:<seq>".
Result<std::pair<std::string, int64_t>> parse_delivery_id(std::string_view id);

// What a receipt does to the delivery it names, judged against the stored row (a read; nothing written).
// When it changes the delivery, `write` is the change to commit for `org_id` (keep_final set: if another
// final receipt commits first, that one stands) and `outcome` is the state after it.
struct ReceiptJudgement {
  ReceiptOutcome outcome;
  std::string org_id;
  std::optional<store::op::MarkDelivery> write;
};

// 404 (nothing changed) for an unknown message or delivery, 409 for a delivery never handed over, 500/503
// when the store fails.
Result<ReceiptJudgement> judge_receipt(store::Store& store, const people::Directory& directory,
                                       const sms::DeliveryReceipt& receipt, Micros now);

// judge_receipt and, when it changes the delivery, its write in a transaction of its own. The callback
// endpoints instead commit the write through the group committer (api/sms_handlers.cc), so receipts
// arriving together share one fsync.
Result<ReceiptOutcome> apply_receipt(store::Store& store, const people::Directory& directory,
                                     const sms::DeliveryReceipt& receipt, Micros now);

}  // namespace tocsin::messaging

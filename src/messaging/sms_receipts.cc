#include "messaging/sms_receipts.h"

#include <charconv>

#include "messaging/delivery_metrics.h"
#include "messaging/message_owner.h"

namespace tocsin::messaging {
namespace {

using store::DeliveryState;

bool handed(DeliveryState s) {
  return s == DeliveryState::kHanding || s == DeliveryState::kHandedOver || s == DeliveryState::kUnknown;
}

bool final_by_receipt(DeliveryState s) {
  return s == DeliveryState::kDelivered || s == DeliveryState::kBounced || s == DeliveryState::kFailed ||
         s == DeliveryState::kComplained;
}

// The state a final receipt puts a delivery in, and the reason it records.
std::pair<DeliveryState, std::string> outcome_of(const sms::DeliveryReceipt& r) {
  std::string detail = r.detail.empty() ? "" : ": " + r.detail.substr(0, 300);
  switch (r.status) {
    case sms::ReceiptStatus::kDelivered:
      return {DeliveryState::kDelivered, "delivered" + detail};
    case sms::ReceiptStatus::kUndelivered:
      return {DeliveryState::kBounced, "undelivered" + detail};
    case sms::ReceiptStatus::kGatewayRejected:
      return {DeliveryState::kFailed, "rejected by the carrier" + detail};
    case sms::ReceiptStatus::kBuffered:
    case sms::ReceiptStatus::kGatewayAccepted:
      break;
  }
  return {DeliveryState::kHandedOver, ""};
}

}  // namespace

std::string_view delivery_state_name(DeliveryState s) {
  switch (s) {
    case DeliveryState::kQueued:
      return "queued";
    case DeliveryState::kDeferred:
      return "deferred";
    case DeliveryState::kHanding:
      return "handing";
    case DeliveryState::kHandedOver:
      return "handed_over";
    case DeliveryState::kDelivered:
      return "delivered";
    case DeliveryState::kBounced:
      return "bounced";
    case DeliveryState::kComplained:
      return "complained";
    case DeliveryState::kFailed:
      return "failed";
    case DeliveryState::kSuppressed:
      return "suppressed";
    case DeliveryState::kBlocked:
      return "blocked";
    case DeliveryState::kUnknown:
      return "unknown";
    case DeliveryState::kStopped:
      return "stopped";
  }
  return "unknown";
}

Result<std::pair<std::string, int64_t>> parse_delivery_id(std::string_view id) {
  size_t colon = id.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == id.size())
    return bad_request("the delivery id is not <message id>:<seq>");
  int64_t seq = -1;
  const char* begin = id.data() + colon + 1;
  const char* end = id.data() + id.size();
  auto [p, ec] = std::from_chars(begin, end, seq);
  if (ec != std::errc() || p != end || seq < 0)
    return bad_request("the delivery id is not <message id>:<seq>");
  return std::pair{std::string(id.substr(0, colon)), seq};
}

Result<ReceiptJudgement> judge_receipt(store::Store& store, const people::Directory& directory,
                                       const sms::DeliveryReceipt& receipt, Micros now) {
  auto id = parse_delivery_id(receipt.delivery_id);
  if (!id) return id.error();
  auto& [message_id, seq] = id.value();
  people::OrgState* org = owner_of_message(directory, message_id);
  if (!org) return not_found("no such delivery: " + receipt.delivery_id);
  auto row = store.scope(org->org.id).delivery(message_id, seq);
  if (!row) return row.error();
  if (!row.value() || row.value()->channel != Channel::kSms)
    return not_found("no such delivery: " + receipt.delivery_id);
  const store::DeliveryRow& d = *row.value();
  ReceiptJudgement j{{message_id, seq, d.state, false}, org->org.id, std::nullopt};
  if (!handed(d.state) && !final_by_receipt(d.state))
    return Error{409, "delivery " + receipt.delivery_id + " was never handed to a gateway"};
  if (!sms::receipt_is_final(receipt.status) || final_by_receipt(d.state)) return j;
  auto [state, reason] = outcome_of(receipt);
  store::DeliveryMark mark;
  mark.state = state;
  mark.reason = reason;
  mark.updated = now;
  mark.keep_final = true;
  j.write = store::op::MarkDelivery{message_id, seq, std::move(mark)};
  j.outcome.state = state;
  j.outcome.changed = true;
  // Counted as judged: both callers commit the write (or the process aborts). Two final receipts racing for
  // one text count twice although the first committed stands (keep_final).
  count_delivery(Channel::kSms, state);
  if (state == store::DeliveryState::kBounced)
    metrics::process().bounces.at({org->org.id, "sms", "hard"}).inc();
  return j;
}

Result<ReceiptOutcome> apply_receipt(store::Store& store, const people::Directory& directory,
                                     const sms::DeliveryReceipt& receipt, Micros now) {
  auto j = judge_receipt(store, directory, receipt, now);
  if (!j) return j.error();
  if (j->write)
    if (auto s = store.scope(j->org_id).mark_delivery(j->write->message_id, j->write->seq, j->write->mark);
        !s)
      return s.error();
  return j->outcome;
}

}  // namespace tocsin::messaging

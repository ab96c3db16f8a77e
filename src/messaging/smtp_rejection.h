// What a 5xx reply at SMTP time says about a delivery (compliance-rules EM-B1), read as ingest reads the same
// enhanced status in a DSN (messaging/mail_ingest.h), so a relay that refuses at RCPT time and one that
// accepts and bounces later leave the same trace:
//   5.1.x  the address is bad: delivery `bounced`, and the address `bouncing` in the ledger
//          (messaging/feedback_status.h record_hard_bounce) — the gate refuses it from then on;
//   5.7.x  a policy failure of ours (authentication, reputation): delivery `bounced`, "counted against the
//          sending domain"; the recipient's status does not change;
//   other  (no enhanced code, 5.2.x, 5.3.x, ...): delivery `failed` with the reply, nothing else.
#pragma once

#include <string>
#include <string_view>

#include "store/store.h"

namespace tocsin::messaging {

struct SmtpRejection {
  store::DeliveryState state = store::DeliveryState::kFailed;
  std::string reason;               // for the delivery row
  bool recipient_bouncing = false;  // record_hard_bounce the address
  std::string status;               // the enhanced status code, or ""
};

// `reply`: the relay's reply line, e.g. "550 5.1.1 <ada@example.net>: Recipient address rejected".
SmtpRejection classify_rejection(std::string_view reply);

}  // namespace tocsin::messaging

// Mail that comes back to us — bounces (DSN, RFC 3464), complaints (ARF, RFC 5965) and mails to a
// List-Unsubscribe mailto address — applied to the ledger and to the delivery it is about
// (compliance-rules EM-B1, EM-F1, EM-F2, EM-2). One entry point for `tocsin ingest-mail` (a Postfix pipe
// transport) and POST /mail/inbound.
//
// Finding the delivery: the first signed delivery token (email/bounce_address.h) in, in order, the
// envelope recipient, the report's X-Original-To / Delivered-To / To, and the original message's
// X-Tocsin-Delivery, Message-ID and Return-Path and the ARF Original-Mail-From. A token is signed, so a
// forged report can name no delivery; then the message (by id) finds its organization.
//
// Rules:
// - mailto unsubscribe: as the one-click POST (messaging/unsubscribe.h);
// - hard bounce (5.x.x but 5.2.1/5.2.2/5.7.x; email/mail_report.h classify_status): ledger `bouncing`,
//   delivery `bounced`;
// - soft bounce (4.x.x, 5.2.1, 5.2.2): counted once per delivery (store soft_bounces); the third spanning
//   at least 72 h makes the address `bouncing`; a `failed` soft bounce marks the delivery `bounced`;
// - sender policy (5.7.x, 4.7.2x; ARF auth-failure): the delivery records the reason (counted against the
//   sending domain), the recipient's status does not change;
// - complaint (ARF abuse, fraud, virus, other): ledger `spam complaint`, delivery `complained`; then the
//   message's complaint rate: at kComplaintRateLimit of at least kComplaintMinimumHandedOver handed-over
//   deliveries, the organization's bulk email is paused with a reason naming message and rate (the limits
//   are FeedbackContext::limits, [trust] in tocsin.toml; policy/org_trust.h); a hard bounce 5.1.1 (unknown
//   user) is judged the same way against the unknown-user limit;
// - anything else (not-spam, a delivered notice without failure, an auto-reply, malformed input, an
//   unknown or forged delivery) is ignored and changes nothing.
// Each write is durable before the next step and each step is idempotent, so a report applied twice — a
// retry after a crash, a duplicate from the reporter — changes nothing the second time.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "email/delivery_token.h"
#include "people/directory.h"
#include "policy/org_trust.h"
#include "store/group_commit.h"
#include "store/store.h"

namespace tocsin::messaging {

// Soft bounces: this many, the first and last at least kSoftBounceSpan apart, make an address bouncing.
inline constexpr size_t kSoftBounceLimit = 3;
inline constexpr Micros kSoftBounceSpan = int64_t{72} * 3600 * 1'000'000;

struct FeedbackContext {
  store::Store& store;
  store::GroupCommitter& committer;
  const email::DeliveryTokens& tokens;
  // The organization that sent a message (by message id), or null.
  std::function<people::OrgState*(const std::string& message_id)> owner_of;
  Micros now = 0;
  // The automatic pauses' limits (complaint and unknown-user rates); the defaults unless configured.
  policy::PauseLimits limits = {};
};

struct IngestOutcome {
  // "unsubscribe", "hard_bounce", "soft_bounce", "sender_policy", "complaint", "delivered", "ignored"
  std::string kind;
  std::string detail;    // one sentence for logs and the operator
  std::string delivery;  // "<message_id>:<seq>", or empty
  bool status_changed = false;
  bool bulk_email_paused = false;
  // The address of the delivery it is about (empty when none): an opt-out's answer waits for hand-overs to
  // it still at the relay (messaging/opt_out_fence.h). Not part of to_json.
  std::optional<ContactHash> contact;
  std::string to_json() const;
};

// An error only when a write failed: the caller must make the sender retry (EX_TEMPFAIL, HTTP 503).
Result<IngestOutcome> ingest_mail(FeedbackContext& ctx, std::string_view raw,
                                  std::string_view envelope_recipient = {});

}  // namespace tocsin::messaging

// EmailTransport: the contract of an email delivery driver (SMTP relay, outbox folder, ...).
//
// A driver hands one signed message to the next hop and says how that went. It accepts only a
// policy::ClearedEmail — a clearance only the gate constructs (DESIGN invariant 1) — and the envelope
// recipient is always cleared.message().to.address: nothing else can be addressed, whatever the message's
// header says.
//
// Outcomes:
//   kAccepted  the next hop took responsibility for the message (SMTP 250 after DATA, file renamed in place);
//   kDeferred  a 4xx reply or trouble reaching the next hop (connection, TLS, timeout, authentication): the
//              dispatcher retries with backoff;
//   kRejected  a 5xx reply: permanent for this message; `detail` keeps the reply with its enhanced status
//              code (e.g. "550 5.1.1 <ada@example.net>: Recipient address rejected") for bounce handling;
//   kWithheld  the last look (below) refused: nothing was sent; `detail` is its reason code (e.g.
//              "org_suppressed", policy/decision.h).
// `code` is the SMTP reply code when there was one, else 0. `detail` never contains credentials.
//
// Hooks (HandoverHooks, both optional):
//  - last_look: called exactly once per send, at the last moment before the driver commits the hand-over —
//    after any wait of its own (pacing, a free connection), right before the next hop can take the message
//    (SMTP: before MAIL FROM). A reason code means the recipient opted out since the gate cleared the
//    message: the driver sends nothing and answers kWithheld. messaging/opt_out_fence.h supplies it, so an
//    opt-out that was acknowledged is never followed by a hand-over that was still waiting; the dispatcher
//    also writes its durable `handing` mark there.
//  - answered: a driver that holds something for the send (an SMTP session) calls it with the result once
//    the next hop answered, before it lets go of that, when last_look passed; others need not call it. The
//    dispatcher queues the outcome there, so a session's next hand-over is marked only after the previous
//    outcome is on its way to the store: after a crash, at most one delivery per session is left unknown.
//
// Implementations are thread-safe: send() is called concurrently from dispatcher threads.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "policy/gate.h"

namespace tocsin::email {

struct Handover {
  enum class Outcome { kAccepted, kDeferred, kRejected, kWithheld } outcome;
  int code = 0;
  std::string detail;
};

// Empty (nullopt) when the message may go, else the reason code it must not.
using LastLook = std::function<std::optional<std::string>()>;

struct HandoverHooks {
  LastLook last_look;
  std::function<void(const Handover&)> answered;
};

class EmailTransport {
 public:
  virtual ~EmailTransport() = default;
  // Hands one signed message (`data`, CRLF line ends) to the next hop. `envelope_from` is the SMTP MAIL FROM
  // (the bounce address), without angle brackets.
  virtual Handover send(const policy::ClearedEmail& cleared, const std::string& envelope_from,
                        std::string_view data, const HandoverHooks& hooks) = 0;
  Handover send(const policy::ClearedEmail& cleared, const std::string& envelope_from,
                std::string_view data) {
    return send(cleared, envelope_from, data, HandoverHooks{});
  }
};

}  // namespace tocsin::email

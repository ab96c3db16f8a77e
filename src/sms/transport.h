// SmsTransport: the contract every SMS driver (Kannel, Twilio-compatible REST, outbox file) keeps.
//
// A driver hands one text the gate cleared to its gateway and says what the gateway answered. It never
// retries by itself: throttling and temporary failures go back to the caller (the dispatcher), which owns
// pacing, retry schedules and delivery state. A driver only accepts policy::ClearedSms, which nothing but
// policy::Gate constructs, so an unchecked text cannot reach a gateway (DESIGN invariant 1).
#pragma once

#include <string>
#include <string_view>

#include "policy/gate.h"

namespace tocsin::sms {

struct SmsHandover {
  // kAccepted: the gateway took the text (it may still fail later: a delivery receipt says so).
  // kThrottled: the gateway asks us to slow down; retry this text later, after backing off the sender.
  // kTemporary: the gateway or the network failed in a way that may pass (5xx, timeout); retry later.
  // kRejected: the gateway refused this text for good (bad number, bad credentials, bad request).
  // kWithheld: not handed to the gateway: the last look (messaging/opt_out_fence.h) found the recipient
  //   opted out since the gate cleared the text; `detail` is the reason code.
  enum class Outcome { kAccepted, kThrottled, kTemporary, kRejected, kWithheld };
  Outcome outcome = Outcome::kRejected;
  std::string gateway_id;  // the gateway's message id when it gives one (Twilio's sid), else empty
  std::string detail;      // for people and logs: the gateway's answer or the transport error; no secrets
};

std::string_view outcome_name(
    SmsHandover::Outcome o);  // "accepted" | "throttled" | "temporary" | "rejected" | "withheld"

class SmsTransport {
 public:
  virtual ~SmsTransport() = default;
  // Hands one cleared text to the gateway: from = cleared.message().sender, to =
  // cleared.message().to.address, body = cleared.message().body (UTF-8). `delivery_id` is tocsin's id for
  // this (message, recipient); the driver passes it to the gateway so that delivery-receipt callbacks echo
  // it. Blocks for at most the driver's configured timeout. Thread-safe.
  virtual SmsHandover send(const policy::ClearedSms& cleared, const std::string& delivery_id) = 0;
};

}  // namespace tocsin::sms

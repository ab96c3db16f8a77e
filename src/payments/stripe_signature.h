// The signed webhook of a Stripe-compatible provider: header `Stripe-Signature: t=<unix seconds>,v1=<hex>`
// (more v1 entries while the provider rolls its secret; v0 and unknown schemes ignored), where v1 is
// HMAC-SHA256 under the endpoint's webhook secret of "<t>.<raw body>" (Stripe, "Verify webhook signatures
// manually"). A message is believed only when one v1 matches in constant time, t is within `tolerance`
// of now (either way: a clock ahead of ours is as suspect as one behind), and — through ReplayGuard — the
// same signed message was not accepted before. Errors say which check failed (HTTP 400), never the secret.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/clock.h"
#include "core/result.h"

namespace tocsin::payments {

struct VerifiedSignature {
  int64_t t = 0;    // signed at (unix seconds)
  std::string mac;  // the matching HMAC (hex): names these exact signed bytes for the ReplayGuard
};

// Checks the header against `payload`.
Result<VerifiedSignature> verify_stripe_signature(const std::string* header, std::string_view payload,
                                                  std::string_view secret, Micros now,
                                                  int64_t tolerance_seconds);

// "t=<t>,v1=<hex HMAC>" for `payload` (the provider's side; used by tests and the fuzz target).
std::string stripe_signature_header(std::string_view payload, std::string_view secret, int64_t t);

// Remembers the signatures of messages accepted within the tolerance window, so the same signed bytes
// cannot be delivered twice (an older copy is refused by its timestamp anyway, so entries expire with the
// window). In memory: after a restart a replay inside the window passes this check, and the donation's
// own id (web/donation_checkout.h) keeps it from counting twice. Thread-safe.
class ReplayGuard {
 public:
  explicit ReplayGuard(int64_t tolerance_seconds) : tolerance_(tolerance_seconds) {}
  // True the first time `signature` (of a message signed at `t`) is seen; false for a replay.
  bool first_time(const std::string& signature, int64_t t, Micros now);

 private:
  int64_t tolerance_;
  std::mutex mu_;
  std::unordered_map<std::string, int64_t> seen_;  // signature -> signed at (unix seconds)
};

}  // namespace tocsin::payments

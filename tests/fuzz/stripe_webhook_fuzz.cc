// Fuzz target: the payment provider's webhook (payments/stripe_signature.h, StripeCheckout::parse_event).
// Input: "<Stripe-Signature header>\n<body>". The body is checked twice: with the input's header, which must
// be refused unless it is exactly the correct signature for a fresh timestamp, and signed correctly (computed
// here), so the event parser behind the check is reached.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "payments/stripe_checkout.h"
#include "payments/stripe_signature.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tocsin::payments;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  size_t nl = in.find('\n');
  std::string header(in.substr(0, nl));
  std::string body(nl == std::string_view::npos ? std::string_view{} : in.substr(nl + 1));
  constexpr std::string_view kSecret = "whsec_fuzz_secret_0123456789";
  constexpr int64_t kT = 1'700'000'000;
  const tocsin::Micros now = kT * 1'000'000;

  auto given = verify_stripe_signature(&header, body, kSecret, now, 300);
  if (given) {
    // Accepted only when the header carries the body's true HMAC at a fresh timestamp.
    const std::string truth = stripe_signature_header(body, kSecret, given->t);
    if (truth != "t=" + std::to_string(given->t) + ",v1=" + given->mac) std::abort();
    if (header.find(given->mac) == std::string::npos || given->t < kT - 300 || given->t > kT + 300)
      std::abort();
  }
  const std::string good = stripe_signature_header(body, kSecret, kT);
  auto signed_ok = verify_stripe_signature(&good, body, kSecret, now, 300);
  if (!signed_ok) std::abort();  // a correct signature must pass
  (void)StripeCheckout::parse_event(body);
  return 0;
}

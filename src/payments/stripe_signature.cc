#include "payments/stripe_signature.h"

#include <sodium.h>

#include <cstdlib>
#include <vector>

#include "core/secret_compare.h"

namespace tocsin::payments {
namespace {

std::string hmac_hex(std::string_view secret, std::string_view signed_part) {
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(signed_part.data()),
                                signed_part.size());
  crypto_auth_hmacsha256_final(&st, mac);
  char hex[crypto_auth_hmacsha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
  return hex;
}

bool all_digits(std::string_view s) {
  if (s.empty() || s.size() > 12) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

}  // namespace

Result<VerifiedSignature> verify_stripe_signature(const std::string* header, std::string_view payload,
                                                  std::string_view secret, Micros now,
                                                  int64_t tolerance_seconds) {
  if (secret.empty()) return Error{503, "payments: no webhook secret is configured"};
  if (!header || header->empty()) return bad_request("missing Stripe-Signature header");
  std::string t_text;
  std::vector<std::string> v1;
  std::string_view rest = *header;
  while (!rest.empty()) {
    auto comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    auto eq = item.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view k = item.substr(0, eq), v = item.substr(eq + 1);
    if (k == "t") t_text = std::string(v);
    if (k == "v1" && v.size() == crypto_auth_hmacsha256_BYTES * 2) v1.emplace_back(v);
  }
  if (!all_digits(t_text)) return bad_request("Stripe-Signature: no timestamp (t=)");
  if (v1.empty()) return bad_request("Stripe-Signature: no v1 signature");
  const int64_t t = std::strtoll(t_text.c_str(), nullptr, 10);
  std::string signed_part = t_text + "." + std::string(payload);
  std::string expected = hmac_hex(secret, signed_part);
  bool match = false;
  for (const auto& s : v1) match = same_secret(expected, s) || match;  // every entry, no early exit
  if (!match) return bad_request("Stripe-Signature: the signature does not match the payload");
  const int64_t now_s = now / 1'000'000;
  if (t < now_s - tolerance_seconds || t > now_s + tolerance_seconds)
    return bad_request("Stripe-Signature: the timestamp is outside the " + std::to_string(tolerance_seconds) +
                       " s tolerance (stale or replayed message)");
  return VerifiedSignature{t, expected};
}

std::string stripe_signature_header(std::string_view payload, std::string_view secret, int64_t t) {
  std::string ts = std::to_string(t);
  return "t=" + ts + ",v1=" + hmac_hex(secret, ts + "." + std::string(payload));
}

bool ReplayGuard::first_time(const std::string& signature, int64_t t, Micros now) {
  const int64_t now_s = now / 1'000'000;
  std::lock_guard lock(mu_);
  std::erase_if(seen_, [&](const auto& e) { return e.second < now_s - 2 * tolerance_; });
  return seen_.emplace(signature, t).second;
}

}  // namespace tocsin::payments

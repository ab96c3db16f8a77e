#include "staff/totp.h"

#include <liboath/oath.h>
#include <sodium.h>

#include <cstdlib>
#include <memory>

namespace tocsin::staff {
namespace {

bool oath_ready() {
  static const bool ok = oath_init() == OATH_OK && sodium_init() >= 0;
  return ok;
}

std::optional<std::string> decode_secret(std::string_view b32) {
  char* raw = nullptr;
  size_t len = 0;
  if (oath_base32_decode(b32.data(), b32.size(), &raw, &len) != OATH_OK) return std::nullopt;
  std::unique_ptr<char, decltype(&std::free)> hold(raw, &std::free);
  return std::string(raw, len);
}

// RFC 3986 unreserved characters pass, everything else is %XX. Hand-rolled: the only URL encoder in the
// tree lives in api/ (a higher room), and this is a few lines.
std::string uri_component(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace

Result<std::string> new_totp_secret() {
  if (!oath_ready()) return internal_error("liboath did not initialize");
  unsigned char raw[20];
  randombytes_buf(raw, sizeof raw);
  char* out = nullptr;
  size_t len = 0;
  if (oath_base32_encode(reinterpret_cast<const char*>(raw), sizeof raw, &out, &len) != OATH_OK)
    return internal_error("cannot encode a TOTP secret");
  std::unique_ptr<char, decltype(&std::free)> hold(out, &std::free);
  std::string s(out, len);
  while (!s.empty() && s.back() == '=') s.pop_back();
  sodium_memzero(raw, sizeof raw);
  return s;
}

std::string totp_enrolment_uri(std::string_view issuer, std::string_view account,
                               std::string_view secret_b32) {
  const std::string i = uri_component(issuer);
  return "otpauth://totp/" + i + ":" + uri_component(account) + "?secret=" + std::string(secret_b32) +
         "&issuer=" + i + "&algorithm=SHA1&digits=" + std::to_string(kTotpDigits) +
         "&period=" + std::to_string(kTotpStepSeconds);
}

Result<std::string> totp_code(std::string_view secret_b32, int64_t unix_seconds) {
  if (!oath_ready()) return internal_error("liboath did not initialize");
  auto secret = decode_secret(secret_b32);
  if (!secret) return internal_error("stored TOTP secret is not base32");
  char code[kTotpDigits + 1] = {};
  if (oath_totp_generate(secret->data(), secret->size(), static_cast<time_t>(unix_seconds), kTotpStepSeconds,
                         OATH_TOTP_DEFAULT_START_TIME, kTotpDigits, code) != OATH_OK)
    return internal_error("cannot compute a TOTP code");
  return std::string(code, kTotpDigits);
}

std::optional<int64_t> totp_accept(std::string_view secret_b32, std::string_view code, int64_t unix_seconds,
                                   int64_t last_used_step) {
  if (!oath_ready() || code.size() != kTotpDigits) return std::nullopt;
  for (char c : code)
    if (c < '0' || c > '9') return std::nullopt;
  auto secret = decode_secret(secret_b32);
  if (!secret) return std::nullopt;
  const std::string otp(code);
  int pos = 0;
  uint64_t counter = 0;
  const int r =
      oath_totp_validate3(secret->data(), secret->size(), static_cast<time_t>(unix_seconds), kTotpStepSeconds,
                          OATH_TOTP_DEFAULT_START_TIME, 1, &pos, &counter, otp.c_str());
  sodium_memzero(secret->data(), secret->size());
  if (r < 0) return std::nullopt;
  const auto step = static_cast<int64_t>(counter);
  if (step <= last_used_step) return std::nullopt;
  return step;
}

}  // namespace tocsin::staff

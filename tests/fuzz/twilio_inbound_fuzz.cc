// Fuzz target: Twilio-compatible webhooks (sms/twilio_inbound.h): an inbound message and a status callback.
// Input: "<query string>\n<X-Twilio-Signature>\n<form body>". Each webhook is read twice: signed correctly
// (computed here, so the fields behind the signature check are reached) and with the input's signature,
// which must be refused unless it is the correct one.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "sms/twilio_inbound.h"

namespace {

// Splits off the text up to the next '\n' (all of it when there is none).
std::string_view next_line(std::string_view& rest) {
  size_t nl = rest.find('\n');
  std::string_view line = rest.substr(0, nl);
  rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
  return line;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tocsin::sms;
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  std::string_view query = next_line(rest);
  std::string_view signature = next_line(rest);
  constexpr std::string_view kToken = "fuzz-auth-token";

  TwilioWebhook hook;
  hook.url = "https://tocsin.example.org/sms/twilio/status";
  if (!query.empty()) hook.url += "?" + std::string(query);
  hook.params = parse_form(rest);
  const std::string good = twilio_signature(kToken, hook.url, hook.params);

  // Past the signature check: accepted, or refused for something other than authentication (403).
  auto past_check = [&](const auto& result) { return result.ok() || result.error().http_status != 403; };
  hook.signature = signature;
  if (hook.signature != good &&
      (past_check(parse_twilio_inbound(hook, kToken)) || past_check(parse_twilio_status(hook, kToken))))
    std::abort();  // a webhook with a wrong signature was read
  hook.signature = good;
  (void)parse_twilio_inbound(hook, kToken);
  (void)parse_twilio_status(hook, kToken);
  return 0;
}

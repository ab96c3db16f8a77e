// TwilioDriver: hands cleared texts to a Twilio-compatible REST API (Twilio itself, or a compatible
// provider or stand-in reached through `base_url`).
//
// Request: POST {base_url}/2010-04-01/Accounts/{account_sid}/Messages.json, HTTP Basic auth
// (account_sid:auth_token), Content-Type application/x-www-form-urlencoded, fields To, From (or
// MessagingServiceSid when configured: the service then picks the number), Body and, when configured,
// StatusCallback = {status_callback_url}?delivery=<delivery id> so the callback names tocsin's delivery.
//
// Answers: 201/200 with JSON {"sid": "SM...", "status": "queued"|"accepted"|...} -> kAccepted, gateway_id =
// sid; 429 -> kThrottled; 5xx and transport errors -> kTemporary; other 4xx -> kRejected with Twilio's
// {"code", "message"} in `detail`. A 2xx whose body has no sid is kTemporary (the text may or may not have
// been accepted; the dispatcher decides whether a retry is safe).
// The auth token never appears in `detail` or logs. Thread-safe; keep-alive per calling thread.
#pragma once

#include <string>

#include "sms/transport.h"

namespace tocsin::sms {

struct TwilioConfig {
  std::string base_url = "https://api.twilio.com";
  std::string account_sid;
  std::string auth_token;
  std::string messaging_service_sid;  // when set, sent instead of From
  std::string status_callback_url;    // tocsin's status endpoint; empty: no StatusCallback
  long timeout_ms = 10'000;
};

class TwilioDriver final : public SmsTransport {
 public:
  explicit TwilioDriver(TwilioConfig config) : config_(std::move(config)) {}
  SmsHandover send(const policy::ClearedSms& cleared, const std::string& delivery_id) override;

  // The form fields for one text, in the order sent (exposed for tests).
  std::vector<std::pair<std::string, std::string>> form(const policy::OutboundSms& m,
                                                        const std::string& delivery_id) const;
  // Maps the API's answer to an outcome (exposed for tests).
  static SmsHandover interpret(long status, const std::string& body, const std::string& transport_error);

 private:
  TwilioConfig config_;
};

}  // namespace tocsin::sms

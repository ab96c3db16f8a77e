// KannelDriver: hands cleared texts to Kannel's smsbox over its HTTP `sendsms` interface.
//
// Request: GET {sendsms_url}?username&password&from&to&text&charset=UTF-8[&coding=2]&dlr-mask&dlr-url
// [&smsc]. A text that fits GSM-7 goes as coding 0 (Kannel converts UTF-8 to the GSM alphabet); one non-GSM
// character makes the whole text UCS-2 (coding=2; Kannel converts from the given charset), the same rule
// policy::count_segments uses, so the segment count the gate checked is the one the network sees.
// Texts longer than one segment need `max-messages` > 1 and `concatenation = true` in the sendsms-user.
//
// Delivery receipts: dlr-url is {dlr_url}?delivery=<delivery id>&secret=<shared secret>&type=%d&answer=%A
// &ts=%T; smsbox substitutes %d (DLR type), %A (the SMSC's answer) and %T (unix time) and calls it. See
// sms/kannel_inbound.h for the parser of that callback.
//
// Answers (smsbox 1.4): 202 "0: Accepted for delivery" / "3: Queued for later delivery" -> kAccepted;
// 503 "Temporal failure, try again later." (bearerbox queue full) and 429 -> kThrottled; other 5xx and
// transport errors (refused, timeout) -> kTemporary; 4xx (bad auth, bad number, missing field) -> kRejected.
// Kannel's sendsms answer carries no message id, so SmsHandover::gateway_id stays empty; receipts are matched
// by tocsin's delivery id.
//
// The password is sent in the query string (Kannel's interface) and never appears in `detail` or logs.
// Thread-safe; each calling thread reuses its own keep-alive connection (sms/http_client.h).
#pragma once

#include <string>

#include "sms/transport.h"

namespace tocsin::sms {

struct KannelConfig {
  std::string sendsms_url;  // e.g. "http://127.0.0.1:13013/cgi-bin/sendsms"
  std::string username;     // a sendsms-user group
  std::string password;
  std::string dlr_url;  // tocsin's DLR endpoint, e.g. "http://127.0.0.1:8080/sms/kannel/dlr"; empty: no DLRs
  std::string dlr_secret;  // shared secret echoed in the DLR callback
  // Final reports only: delivered, undelivered, SMSC rejected. Buffered (4) and SMSC accepted (8) change no
  // delivery state (messaging/sms_receipts.h), and asking for them doubles the callbacks of a blast.
  int dlr_mask = 1 | 2 | 16;
  std::string smsc_id;  // route to one smsc group; empty lets Kannel choose
  long timeout_ms = 10'000;
};

class KannelDriver final : public SmsTransport {
 public:
  explicit KannelDriver(KannelConfig config) : config_(std::move(config)) {}
  SmsHandover send(const policy::ClearedSms& cleared, const std::string& delivery_id) override;

  // The sendsms URL for one text (exposed for tests; contains the password: never log it).
  std::string request_url(const policy::OutboundSms& m, const std::string& delivery_id) const;
  // Maps smsbox's HTTP answer to an outcome (exposed for tests).
  static SmsHandover interpret(long status, const std::string& body, const std::string& transport_error);

 private:
  KannelConfig config_;
};

}  // namespace tocsin::sms

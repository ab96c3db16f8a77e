// Hand-over latency per transport for GET /metrics (tocsin_handover_seconds{transport, outcome},
// core/metrics.h): decorators around the email and SMS drivers that app/serve.cc builds, so every driver (and
// any new one) is timed the same way without a line of its own.
//
// Email: the clock starts when the last look passes (the driver holds its pacing slot and its session and is
// about to send MAIL FROM, or to write the file), so waits for a slot are not counted, and stops when the
// driver returns with the next hop's answer. A withheld message is not observed (nothing was handed over).
// SMS drivers do not wait on their own: the whole send() is timed.
#pragma once

#include <string>

#include "email/transport.h"
#include "sms/transport.h"

namespace tocsin::messaging {

class TimedEmailTransport final : public email::EmailTransport {
 public:
  // `inner` must outlive this object; `name` is the label ("smtp_relay", "outbox_folder", ...).
  TimedEmailTransport(email::EmailTransport& inner, std::string name)
      : inner_(inner), name_(std::move(name)) {}
  using email::EmailTransport::send;
  email::Handover send(const policy::ClearedEmail& cleared, const std::string& envelope_from,
                       std::string_view data, const email::HandoverHooks& hooks) override;

 private:
  email::EmailTransport& inner_;
  std::string name_;
};

class TimedSmsTransport final : public sms::SmsTransport {
 public:
  TimedSmsTransport(sms::SmsTransport& inner, std::string name) : inner_(inner), name_(std::move(name)) {}
  sms::SmsHandover send(const policy::ClearedSms& cleared, const std::string& delivery_id) override;

 private:
  sms::SmsTransport& inner_;
  std::string name_;
};

}  // namespace tocsin::messaging

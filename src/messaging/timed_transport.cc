#include "messaging/timed_transport.h"

#include "core/metrics.h"

namespace tocsin::messaging {
namespace {

std::string_view email_outcome_name(email::Handover::Outcome o) {
  using O = email::Handover::Outcome;
  switch (o) {
    case O::kAccepted:
      return "accepted";
    case O::kDeferred:
      return "deferred";
    case O::kRejected:
      return "rejected";
    case O::kWithheld:
      return "withheld";
  }
  return "other";
}

}  // namespace

email::Handover TimedEmailTransport::send(const policy::ClearedEmail& cleared,
                                          const std::string& envelope_from, std::string_view data,
                                          const email::HandoverHooks& hooks) {
  int64_t started = 0;
  email::HandoverHooks timed{[&]() -> std::optional<std::string> {
                               if (hooks.last_look)
                                 if (auto why = hooks.last_look()) return why;
                               started = metrics::steady_now_ns();
                               return std::nullopt;
                             },
                             hooks.answered};
  email::Handover h = inner_.send(cleared, envelope_from, data, timed);
  if (started)
    metrics::process()
        .handover_seconds.at({name_, email_outcome_name(h.outcome)})
        .observe(metrics::seconds_since(started));
  return h;
}

sms::SmsHandover TimedSmsTransport::send(const policy::ClearedSms& cleared, const std::string& delivery_id) {
  int64_t started = metrics::steady_now_ns();
  sms::SmsHandover h = inner_.send(cleared, delivery_id);
  if (h.outcome != sms::SmsHandover::Outcome::kWithheld)
    metrics::process()
        .handover_seconds.at({name_, sms::outcome_name(h.outcome)})
        .observe(metrics::seconds_since(started));
  return h;
}

}  // namespace tocsin::messaging

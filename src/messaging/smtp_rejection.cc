#include "messaging/smtp_rejection.h"

#include "email/mail_report.h"

namespace tocsin::messaging {

SmtpRejection classify_rejection(std::string_view reply) {
  SmtpRejection r;
  r.status = email::find_enhanced_code(reply);
  std::string text(reply.substr(0, 300));
  r.reason = text;
  if (r.status.rfind("5.", 0) != 0) return r;
  auto cls = email::classify_status(r.status, "failed");
  if (cls == email::BounceClass::kSenderPolicy) {
    r.state = store::DeliveryState::kBounced;
    r.reason = "sender policy at SMTP time " + text + "; counted against the sending domain";
  } else if (cls == email::BounceClass::kHard && r.status.rfind("5.1.", 0) == 0) {
    r.state = store::DeliveryState::kBounced;
    r.recipient_bouncing = true;
    r.reason = "hard bounce at SMTP time " + text;
  }
  return r;
}

}  // namespace tocsin::messaging

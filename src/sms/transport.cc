#include "sms/transport.h"

namespace tocsin::sms {

std::string_view outcome_name(SmsHandover::Outcome o) {
  switch (o) {
    case SmsHandover::Outcome::kAccepted:
      return "accepted";
    case SmsHandover::Outcome::kThrottled:
      return "throttled";
    case SmsHandover::Outcome::kTemporary:
      return "temporary";
    case SmsHandover::Outcome::kRejected:
      return "rejected";
    case SmsHandover::Outcome::kWithheld:
      return "withheld";
  }
  return "rejected";
}

}  // namespace tocsin::sms

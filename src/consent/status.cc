#include "consent/status.h"

namespace tocsin::consent {

std::string_view status_name(Status s) {
  switch (s) {
    case Status::kSubscribed:
      return "subscribed";
    case Status::kBouncing:
      return "bouncing";
    case Status::kPreviousBounce:
      return "previous bounce";
    case Status::kSpamComplaint:
      return "spam complaint";
    case Status::kPreviousSpamComplaint:
      return "previous spam complaint";
    case Status::kNone:
    case Status::kUnsubscribed:
      break;
  }
  return "unsubscribed";
}

std::optional<Status> parse_status(std::string_view n) {
  if (n == "subscribed") return Status::kSubscribed;
  if (n == "unsubscribed") return Status::kUnsubscribed;
  if (n == "bouncing") return Status::kBouncing;
  if (n == "previous bounce") return Status::kPreviousBounce;
  if (n == "spam complaint") return Status::kSpamComplaint;
  if (n == "previous spam complaint") return Status::kPreviousSpamComplaint;
  return std::nullopt;
}

}  // namespace tocsin::consent

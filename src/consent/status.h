// Subscription statuses, as Action Network names them. Email and SMS each have their own status per
// contact point; "none" means the ledger holds nothing for it (treated as not subscribed).
#pragma once

#include <optional>
#include <string_view>

namespace tocsin::consent {

enum class Status : unsigned char {
  kNone = 0,
  kSubscribed,
  kUnsubscribed,
  kBouncing,
  kPreviousBounce,
  kSpamComplaint,
  kPreviousSpamComplaint,
};

std::string_view status_name(Status s);  // "subscribed", "previous bounce", ... ; kNone -> "unsubscribed"
std::optional<Status> parse_status(std::string_view name);  // exact AN names; kNone is never parsed

// Bouncing and complaint statuses are set by the system from delivery evidence; a client's "subscribed"
// must never silently clear them (a complaint is a withdrawal of consent until proven otherwise).
inline bool is_hard_suppression(Status s) {
  return s == Status::kBouncing || s == Status::kSpamComplaint;
}

}  // namespace tocsin::consent

// A data-subject request (GDPR Art. 15-21, CCPA): a durable record, stored as an organization document of
// kind `privacy_request`. The subject is an email address or phone number; every person of the organization
// holding it is covered. Due 30 days after receipt where the organization is under the GDPR, else 45 (CCPA
// and US state laws); one extension with its reason. Every step is in the audit trail with its actor.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json_out.h"
#include "privacy/evidence_request.h"
#include "store/store.h"

namespace tocsin::privacy {

inline constexpr std::string_view kPrivacyRequestKind = "privacy_request";

enum class RequestKind {
  kAccess,
  kRectification,
  kErasure,
  kRestriction,
  kPortability,
  kObjection,
  kWithdrawal
};
enum class RequestState { kOpen, kInProgress, kDone, kRefused };
// What an objection objects to: everything (unsubscribed on every channel, and no tracking), or only open and
// click tracking (privacy/tracking_objection.h), which leaves the subscriptions as they are.
enum class ObjectionScope { kAll, kTracking };

std::string_view kind_name(RequestKind k);  // "access", ...
std::optional<RequestKind> parse_kind(std::string_view s);
std::string_view state_name(RequestState s);  // "open", "in_progress", "done", "refused"
// The API's and the CLI's `objection_to`: "tracking" or "all" (the default); nullopt for anything else.
std::optional<ObjectionScope> parse_objection_to(std::string_view s);

struct PrivacyRequest {
  std::string id;
  RequestKind kind = RequestKind::kAccess;
  ObjectionScope objection_to = ObjectionScope::kAll;  // objections only
  ContactRef subject;
  Micros received = 0;
  Micros due = 0;  // with the extension, if any
  std::string extension_reason;
  RequestState state = RequestState::kOpen;
  std::string refusal_reason;
  std::string actor;  // who entered it ("api_key:<id>", "platform:cli")
  std::string note;
  std::vector<AuditEvent> audit;
};

inline constexpr int64_t kDayMicros = int64_t{86400} * 1'000'000;
// 30 days under the GDPR (Art. 12(3)), else 45 (CCPA §1798.130).
inline Micros due_after(Micros received, bool gdpr) {
  return received + (gdpr ? 30 : 45) * kDayMicros;
}
// The longest extension: 60 days more under the GDPR (Art. 12(3)), 45 under the CCPA.
inline int64_t max_extension_days(bool gdpr) {
  return gdpr ? 60 : 45;
}

inline bool is_overdue(const PrivacyRequest& r, Micros now) {
  return (r.state == RequestState::kOpen || r.state == RequestState::kInProgress) && r.due <= now;
}

// A request as it is received: a new id, due from `received` by the organization's law (`gdpr`), state open,
// entered by `actor`, with the first audit line ("received; [N matching person(s); ]due ..."). The one way a
// request comes to exist, whoever enters it: the organization's key (API), the operator (CLI) or the subject
// through their signed preference-center link (web/preference_center.h).
PrivacyRequest receive_privacy_request(RequestKind kind, ContactRef subject, bool gdpr, std::string actor,
                                       std::string note, Micros received, std::optional<size_t> matched);

std::string encode_privacy_request(const PrivacyRequest& r);
// The request as the organization document it is stored as.
store::OrgDoc privacy_request_doc(const PrivacyRequest& r);
Result<PrivacyRequest> decode_privacy_request(std::string_view doc);

// The API's representation (fields of the open object).
void write_privacy_request(JsonOut& j, const PrivacyRequest& r, Micros now, bool with_audit);

// Requests in the order they are worked: overdue first (most overdue first), then open by due date, then
// closed ones, newest first.
void sort_for_work(std::vector<PrivacyRequest>& v, Micros now);

}  // namespace tocsin::privacy

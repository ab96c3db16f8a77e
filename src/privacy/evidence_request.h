// A consent-evidence request: the platform operator, answering a carrier's or mailbox provider's complaint,
// asks an organization to prove consent for a set of contact points by a deadline (AUP: within 24 hours).
// Stored as an organization document of kind `evidence_request` (no table of its own). The contact points
// are fixed when the request is opened (a complaint names numbers; a message's recipients are resolved
// then), so answering reads only the ledger.
#pragma once

#include <simdjson.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/contact_point.h"
#include "core/json_out.h"
#include "core/result.h"

namespace tocsin::privacy {

inline constexpr std::string_view kEvidenceRequestKind = "evidence_request";

struct ContactRef {
  Channel channel = Channel::kEmail;
  std::string address;  // email as email_match_key (lower-cased), phone in E.164
  bool operator<(const ContactRef& o) const {
    return channel != o.channel ? channel < o.channel : address < o.address;
  }
  bool operator==(const ContactRef& o) const { return channel == o.channel && address == o.address; }
};

struct AuditEvent {
  Micros time = 0;
  std::string actor;  // "platform:cli", "api_key:<id>", "tocsin:evidence_clock"
  std::string event;  // one sentence
};

struct EvidenceRequest {
  std::string id;
  Micros opened = 0;
  Micros deadline = 0;
  std::string opened_by;
  std::string scope;  // what the complaint named: "contacts", "message:<id>", "sender:<number>", "list:<id>"
  std::string note;   // the complaint's reference, free text from the operator
  std::vector<ContactRef> contacts;
  Micros suspended_at = 0;  // when the clock suspended the organization for it (0: never)
  Micros answered = 0;      // 0 while open
  std::string answered_by;
  std::string packet_sha256;  // of the last packet handed over
  std::vector<AuditEvent> audit;
};

std::string encode_evidence_request(const EvidenceRequest& r);
Result<EvidenceRequest> decode_evidence_request(std::string_view doc);

// Unanswered and past its deadline at `now`.
inline bool overdue(const EvidenceRequest& r, Micros now) {
  return r.answered == 0 && r.deadline <= now;
}

// An audit trail as stored (times in microseconds) or shown (`iso`: ISO 8601 times), as the array `key`
// of the open object; and read back from a stored document's root.
void write_audit(JsonOut& j, std::string_view key, const std::vector<AuditEvent>& audit, bool iso);
std::vector<AuditEvent> read_audit(simdjson::dom::element root);

// "email:a@example.org" / "sms:+12025550100" and back (the stored form of a contact point).
std::string contact_key(const ContactRef& c);
std::optional<ContactRef> parse_contact_key(std::string_view key);

// The API's representation (GET /tocsin:evidence_requests[/{id}]); contact points only when asked for.
void write_evidence_request(JsonOut& j, const EvidenceRequest& r, Micros now, bool with_contacts);

}  // namespace tocsin::privacy

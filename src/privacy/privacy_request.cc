#include "privacy/privacy_request.h"

#include <algorithm>
#include <array>

#include "core/doc_fields.h"
#include "core/ids.h"

namespace tocsin::privacy {
namespace {

constexpr std::array kKinds{"access",      "rectification", "erasure",   "restriction",
                            "portability", "objection",     "withdrawal"};
constexpr std::array kStates{"open", "in_progress", "done", "refused"};

}  // namespace

std::string_view kind_name(RequestKind k) {
  return kKinds[static_cast<size_t>(k)];
}

std::optional<RequestKind> parse_kind(std::string_view s) {
  for (size_t i = 0; i < kKinds.size(); ++i)
    if (s == kKinds[i]) return static_cast<RequestKind>(i);
  return std::nullopt;
}

std::string_view state_name(RequestState s) {
  return kStates[static_cast<size_t>(s)];
}

std::optional<ObjectionScope> parse_objection_to(std::string_view s) {
  if (s == "tracking") return ObjectionScope::kTracking;
  if (s == "all") return ObjectionScope::kAll;
  return std::nullopt;
}

PrivacyRequest receive_privacy_request(RequestKind kind, ContactRef subject, bool gdpr, std::string actor,
                                       std::string note, Micros received, std::optional<size_t> matched) {
  PrivacyRequest r;
  r.id = new_uuid();
  r.kind = kind;
  r.subject = std::move(subject);
  r.received = received;
  r.due = due_after(received, gdpr);
  r.actor = std::move(actor);
  r.note = std::move(note);
  std::string found = matched ? std::to_string(*matched) + " matching person(s); " : std::string();
  r.audit.push_back({now_micros(), r.actor, "received; " + found + "due " + format_iso8601(r.due)});
  return r;
}

store::OrgDoc privacy_request_doc(const PrivacyRequest& r) {
  return {std::string(kPrivacyRequestKind), r.id, encode_privacy_request(r)};
}

std::string encode_privacy_request(const PrivacyRequest& r) {
  JsonOut j;
  j.begin()
      .kv("id", r.id)
      .kv("kind", kind_name(r.kind))
      .kv("subject", contact_key(r.subject))
      .kv("received", r.received)
      .kv("due", r.due)
      .kv("extension_reason", r.extension_reason)
      .kv("state", state_name(r.state))
      .kv("refusal_reason", r.refusal_reason)
      .kv("actor", r.actor)
      .kv("note", r.note);
  if (r.objection_to == ObjectionScope::kTracking) j.kv("objection_to", "tracking");
  write_audit(j, "audit", r.audit, false);
  return j.end().take();
}

Result<PrivacyRequest> decode_privacy_request(std::string_view doc) {
  thread_local simdjson::dom::parser parser;
  auto root = parse_doc(doc, parser, "privacy request");
  if (!root) return root.error();
  DocFields f(root.value());
  PrivacyRequest r;
  r.id = f.str("id");
  auto kind = parse_kind(f.str("kind"));
  auto subject = parse_contact_key(f.str("subject"));
  if (!kind || !subject)
    return internal_error("stored privacy request " + r.id + " lacks its kind or subject");
  r.kind = *kind;
  r.subject = *subject;
  // Absent in requests stored before objections had a scope: those objected to everything.
  r.objection_to = parse_objection_to(f.str("objection_to")).value_or(ObjectionScope::kAll);
  r.received = f.integer("received");
  r.due = f.integer("due");
  r.extension_reason = f.str("extension_reason");
  std::string state = f.str("state", "open");
  for (size_t i = 0; i < kStates.size(); ++i)
    if (state == kStates[i]) r.state = static_cast<RequestState>(i);
  r.refusal_reason = f.str("refusal_reason");
  r.actor = f.str("actor");
  r.note = f.str("note");
  r.audit = read_audit(root.value());
  return r;
}

void write_privacy_request(JsonOut& j, const PrivacyRequest& r, Micros now, bool with_audit) {
  j.kv("id", r.id)
      .kv("kind", kind_name(r.kind))
      .kv("subject", contact_key(r.subject))
      .kv("received", format_iso8601(r.received))
      .kv("due", format_iso8601(r.due))
      .kv("state", state_name(r.state))
      .kv("overdue", is_overdue(r, now))
      .kv("actor", r.actor)
      .kv("note", r.note);
  if (r.kind == RequestKind::kObjection)
    j.kv("objection_to", r.objection_to == ObjectionScope::kTracking ? "tracking" : "all");
  if (!r.extension_reason.empty()) j.kv("extension_reason", r.extension_reason);
  if (r.state == RequestState::kRefused) j.kv("refusal_reason", r.refusal_reason);
  if (with_audit) {
    write_audit(j, "audit", r.audit, true);
  }
}

void sort_for_work(std::vector<PrivacyRequest>& v, Micros now) {
  auto rank = [now](const PrivacyRequest& r) {
    return is_overdue(r, now)                                                         ? 0
           : (r.state == RequestState::kOpen || r.state == RequestState::kInProgress) ? 1
                                                                                      : 2;
  };
  std::stable_sort(v.begin(), v.end(), [&](const PrivacyRequest& a, const PrivacyRequest& b) {
    if (rank(a) != rank(b)) return rank(a) < rank(b);
    return rank(a) == 2 ? a.received > b.received : a.due < b.due;
  });
}

}  // namespace tocsin::privacy

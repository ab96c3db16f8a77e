#include "oversight/content_review.h"

#include <algorithm>
#include <map>

#include "core/clock.h"
#include "core/doc_fields.h"
#include "core/ids.h"
#include "core/json_out.h"
#include "core/text.h"

namespace tocsin::oversight {

Result<std::vector<HeldMessage>> held_messages(store::Store& store, const std::string& org_id) {
  auto orgs = store.orgs();
  if (!orgs) return orgs.error();
  std::vector<HeldMessage> out;
  bool found = org_id.empty();
  for (const auto& o : orgs.value()) {
    if (!org_id.empty() && o.id != org_id) continue;
    found = true;
    auto docs = store.scope(o.id).docs_of_kind(messaging::kMessageKind);
    if (!docs) return docs.error();
    // Later documents of the same message replace earlier ones.
    std::map<std::string, messaging::Message> latest;
    for (const auto& d : docs.value()) {
      auto m = messaging::decode_message(d.doc);
      if (m) latest[d.id] = std::move(m).value();
    }
    std::vector<HeldMessage> mine;
    for (auto& [id, m] : latest)
      if (m.status == messaging::MessageStatus::kHeld) mine.push_back({o.id, std::move(m)});
    std::sort(mine.begin(), mine.end(),
              [](const auto& a, const auto& b) { return a.message.modified < b.message.modified; });
    for (auto& h : mine) out.push_back(std::move(h));
  }
  if (!found) return not_found("no organization " + org_id);
  return out;
}

std::vector<HeldFinding> held_findings(const messaging::Message& m) {
  std::vector<HeldFinding> out;
  if (m.review_findings.empty()) return out;
  simdjson::dom::parser parser;
  simdjson::dom::array items;
  if (parser.parse(m.review_findings).get_array().get(items)) return out;
  for (simdjson::dom::element e : items) {
    if (!e.is_object()) continue;
    DocFields f(e);
    out.push_back({f.str("verdict"), f.str("code"), f.str("part"), f.str("excerpt"), f.str("sentence")});
  }
  return out;
}

Result<ReviewOutcome> decide_review(store::Store& store, staff::AuditLog& audit, const ReviewDecision& d) {
  const std::string by(trim_ascii_space(d.by));
  const std::string note(trim_ascii_space(d.note));
  if (by.empty()) return bad_request("who decides is required (kept in the audit)");
  if (!d.approve && note.empty())
    return bad_request("a note is required to reject: the organization is told why");
  if (note.size() > 2000) return bad_request("the note is over 2,000 bytes");
  auto doc = store.org_doc(d.org_id, messaging::kMessageKind, d.message_id);
  if (!doc) return doc.error();
  if (!doc.value()) return not_found("organization " + d.org_id + " has no message " + d.message_id);
  auto decoded = messaging::decode_message(doc.value()->doc);
  if (!decoded) return decoded.error();
  messaging::Message m = std::move(decoded).value();
  if (m.status != messaging::MessageStatus::kHeld)
    return bad_request("message " + d.message_id + " is " + std::string(messaging::status_name(m.status)) +
                       ", not held");

  Micros now = now_micros();
  std::string digest = m.content_digest();
  JsonOut record;
  record.begin()
      .kv("message_id", m.id)
      .kv("decision", d.approve ? "approved" : "rejected")
      .kv("by", by)
      .kv("actor", d.actor)
      .kv("at", format_iso8601(now))
      .kv("note", note)
      .kv("content_digest", digest)
      .kv("held_reason", m.status_reason)
      .k("findings")
      .raw(m.review_findings.empty() ? "[]" : m.review_findings)
      .end();
  std::string audit_id = new_uuid();
  if (auto w =
          store.put_doc_outside(d.org_id, store::OrgDoc{std::string(kReviewKind), audit_id, record.take()});
      !w)
    return w.error();
  if (auto a = audit.record({d.org_id, d.actor, d.approve ? "review.approve" : "review.reject",
                             "message:" + m.id + " (" + std::string(kReviewKind) + ":" + audit_id + ")", d.ip,
                             now});
      !a)
    return a.error();

  if (d.approve) {
    m.status = messaging::MessageStatus::kDraft;
    m.status_reason = "approved by the platform operator's review; send it again";
    m.review_state = "approved";
    m.review_digest = digest;
  } else {
    m.status = messaging::MessageStatus::kStopped;
    m.status_reason = "rejected by the platform operator's review: " + note;
    m.review_state = "rejected";
    m.review_digest.clear();
  }
  m.review_note = note;
  m.modified = now;
  if (auto w = store.put_doc_outside(
          d.org_id, store::OrgDoc{std::string(messaging::kMessageKind), m.id, messaging::encode_message(m)});
      !w)
    return w.error();
  return ReviewOutcome{std::move(m), std::move(audit_id)};
}

}  // namespace tocsin::oversight

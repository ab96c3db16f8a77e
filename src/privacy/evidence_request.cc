#include "privacy/evidence_request.h"

#include "core/doc_fields.h"

namespace tocsin::privacy {

std::string contact_key(const ContactRef& c) {
  return std::string(channel_name(c.channel)) + ":" + c.address;
}

std::optional<ContactRef> parse_contact_key(std::string_view key) {
  auto colon = key.find(':');
  if (colon == std::string_view::npos || colon + 1 == key.size()) return std::nullopt;
  auto ch = key.substr(0, colon);
  ContactRef c;
  if (ch == "email") {
    c.channel = Channel::kEmail;
  } else if (ch == "sms") {
    c.channel = Channel::kSms;
  } else {
    return std::nullopt;
  }
  c.address = std::string(key.substr(colon + 1));
  return c;
}

void write_audit(JsonOut& j, std::string_view key, const std::vector<AuditEvent>& audit, bool iso) {
  j.begin_array(key);
  for (const auto& a : audit) {
    j.begin();
    if (iso)
      j.kv("time", format_iso8601_micros(a.time));
    else
      j.kv("time", a.time);
    j.kv("actor", a.actor).kv("event", a.event).end();
  }
  j.end_array();
}

std::vector<AuditEvent> read_audit(simdjson::dom::element root) {
  std::vector<AuditEvent> out;
  simdjson::dom::array audit;
  if (root["audit"].get_array().get(audit)) return out;
  for (auto item : audit) {
    if (!item.is_object()) continue;
    DocFields a(item);
    out.push_back({a.integer("time"), a.str("actor"), a.str("event")});
  }
  return out;
}

std::string encode_evidence_request(const EvidenceRequest& r) {
  JsonOut j;
  j.begin()
      .kv("id", r.id)
      .kv("opened", r.opened)
      .kv("deadline", r.deadline)
      .kv("opened_by", r.opened_by)
      .kv("scope", r.scope)
      .kv("note", r.note)
      .kv("suspended_at", r.suspended_at)
      .kv("answered", r.answered)
      .kv("answered_by", r.answered_by)
      .kv("packet_sha256", r.packet_sha256);
  j.begin_array("contacts");
  for (const auto& c : r.contacts) j.str(contact_key(c));
  j.end_array();
  write_audit(j, "audit", r.audit, false);
  return j.end().take();
}

Result<EvidenceRequest> decode_evidence_request(std::string_view doc) {
  thread_local simdjson::dom::parser parser;
  auto root = parse_doc(doc, parser, "evidence request");
  if (!root) return root.error();
  DocFields f(root.value());
  EvidenceRequest r;
  r.id = f.str("id");
  r.opened = f.integer("opened");
  r.deadline = f.integer("deadline");
  r.opened_by = f.str("opened_by");
  r.scope = f.str("scope");
  r.note = f.str("note");
  r.suspended_at = f.integer("suspended_at");
  r.answered = f.integer("answered");
  r.answered_by = f.str("answered_by");
  r.packet_sha256 = f.str("packet_sha256");
  for (const auto& k : f.strings("contacts"))
    if (auto c = parse_contact_key(k)) r.contacts.push_back(std::move(*c));
  r.audit = read_audit(root.value());
  return r;
}

void write_evidence_request(JsonOut& j, const EvidenceRequest& r, Micros now, bool with_contacts) {
  j.kv("id", r.id)
      .kv("opened", format_iso8601(r.opened))
      .kv("deadline", format_iso8601(r.deadline))
      .kv("opened_by", r.opened_by)
      .kv("scope", r.scope)
      .kv("note", r.note)
      .kv("contact_count", static_cast<int64_t>(r.contacts.size()))
      .kv("state", r.answered        ? "answered"
                   : overdue(r, now) ? "overdue"
                                     : "open")
      .kv("overdue", overdue(r, now));
  if (r.suspended_at) j.kv("suspended_at", format_iso8601(r.suspended_at));
  if (r.answered) {
    j.kv("answered", format_iso8601(r.answered)).kv("answered_by", r.answered_by);
    j.kv("packet_sha256", r.packet_sha256);
  } else {
    j.kv("seconds_left", (r.deadline - now) / 1'000'000);
  }
  if (with_contacts) {
    j.begin_array("contacts");
    for (const auto& c : r.contacts) j.str(contact_key(c));
    j.end_array();
    write_audit(j, "audit", r.audit, true);
  }
}

}  // namespace tocsin::privacy

#include "privacy/access_bundle.h"

#include <map>
#include <set>

#include "core/doc_fields.h"
#include "core/json_out.h"
#include "messaging/sms_inbound.h"
#include "privacy/disclosure_log.h"
#include "privacy/zip_writer.h"

namespace tocsin::privacy {
namespace {

// One kind of data as rows of named text columns, written both as JSON (array of objects) and CSV.
struct Table {
  std::string name;
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
};

std::string csv_cell(const std::string& v) {
  // RFC 4180 quoting; a leading = + - @ is prefixed with ' so a spreadsheet does not run it as a formula.
  std::string s = v;
  if (!s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@')) s = "'" + s;
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

void add_table(ZipWriter& zip, const Table& t) {
  JsonOut j;
  j.begin_array();
  for (const auto& row : t.rows) {
    j.begin();
    for (size_t i = 0; i < t.columns.size(); ++i) j.kv(t.columns[i], row[i]);
    j.end();
  }
  j.end_array();
  zip.add(t.name + ".json", j.take());
  std::string csv;
  for (size_t i = 0; i < t.columns.size(); ++i) csv += (i ? "," : "") + csv_cell(t.columns[i]);
  csv += "\r\n";
  for (const auto& row : t.rows) {
    for (size_t i = 0; i < row.size(); ++i) csv += (i ? "," : "") + csv_cell(row[i]);
    csv += "\r\n";
  }
  zip.add(t.name + ".csv", std::move(csv));
}

std::string time_or_empty(Micros t) {
  return t ? format_iso8601(t) : std::string();
}

const char* delivery_state_name(store::DeliveryState s) {
  static const char* kNames[] = {"queued",     "deferred", "handing",    "handed_over",
                                 "delivered",  "bounced",  "complained", "failed",
                                 "suppressed", "blocked",  "unknown",    "stopped"};
  auto i = static_cast<size_t>(s);
  return i < std::size(kNames) ? kNames[i] : "?";
}

std::string yes_no(bool b) {
  return b ? "yes" : "no";
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : " ") + s;
  return out;
}

}  // namespace

std::vector<std::string> subject_people(const people::OrgState& org, const ContactRef& subject) {
  std::vector<std::string> out;
  if (const Person* p = org.find_by_contact(subject.channel, subject.address)) out.push_back(p->id);
  return out;
}

Result<std::string> build_access_bundle(const people::OrgState& org, store::OrgScope& scope,
                                        const PrivacyRequest& request,
                                        const std::vector<std::string>& person_ids) {
  Table person{"person",
               {"person_id", "given_name", "family_name", "email", "phone", "postal_addresses",
                "languages_spoken", "birthdate", "created", "modified", "tracking_objection"},
               {}};
  Table custom{"custom_fields", {"person_id", "name", "value"}, {}};
  // `special_category`: the organization marked the tag, list or action as revealing special-category data
  // (people/special_category.h); for deliveries, the marks the blast's targeting used.
  Table tags{"tags", {"person_id", "tag", "tagged", "special_category"}, {}};
  Table lists{"lists", {"person_id", "list", "added", "special_category"}, {}};
  Table records{
      "action_records",
      {"person_id", "record_id", "action_id", "action_title", "created", "fields", "special_category"},
      {}};
  Table ledger{
      "ledger",
      {"person_id", "seq", "time", "channel", "address", "old_status", "new_status", "actor", "source",
       "method", "ip", "user_agent", "disclosure_text", "consent_time", "purpose", "legal_basis", "hash"},
      {}};
  Table deliveries{"deliveries",
                   {"person_id", "message_id", "subject", "channel", "state", "reason", "handed_at",
                    "updated", "opened", "clicked", "unsubscribed", "purpose", "special_category_used"},
                   {}};
  Table inbound{"inbound_texts", {"person_id", "from", "to", "text", "received_at", "keyword", "action"}, {}};
  Table suppressions{"suppressions", {"person_id", "channel", "address", "since", "reason"}, {}};
  // Art. 15(1)(c): the recipients the data went to (privacy/disclosure_log.h). An entry can concern other
  // people too (an export, a blast): only what was disclosed, to whom and why is copied, never its list.
  Table disclosures{
      "disclosures", {"seq", "time", "action", "what", "people", "recipient", "basis", "message_id"}, {}};

  const auto& marks = org.special_category;
  std::set<std::string> ids(person_ids.begin(), person_ids.end());
  std::map<std::string, std::string> disclosure_cache;
  for (const auto& pid : person_ids) {
    const Person* p = org.find_person(pid);
    if (!p) continue;
    std::string addresses;
    {
      JsonOut a;
      a.begin_array();
      for (const auto& pa : p->postal_addresses) {
        a.begin().begin_array("address_lines");
        for (const auto& l : pa.address_lines) a.str(l);
        a.end_array().kv("locality", pa.locality).kv("region", pa.region).kv("postal_code", pa.postal_code);
        a.kv("country", pa.country).end();
      }
      addresses = a.end_array().take();
    }
    std::string langs;
    for (const auto& l : p->languages_spoken) langs += (langs.empty() ? "" : " ") + l;
    person.rows.push_back({p->id, p->given_name, p->family_name, p->email.value_or(""), p->phone.value_or(""),
                           addresses, langs, p->birthdate.value_or(""), time_or_empty(p->created),
                           time_or_empty(p->modified), time_or_empty(p->tracking_objection)});
    for (const auto& [k, v] : p->custom_fields) custom.rows.push_back({p->id, k, v});
    for (const auto& tid : org.tagging_order) {
      auto t = org.taggings.find(tid);
      if (t == org.taggings.end() || t->second.person_id != p->id) continue;
      auto tag = org.tags.find(t->second.tag_id);
      tags.rows.push_back({p->id, tag == org.tags.end() ? t->second.tag_id : tag->second.name,
                           time_or_empty(t->second.created), yes_no(marks.tags.count(t->second.tag_id))});
    }
    for (const auto& item : org.list_items) {
      if (item.person_id != p->id) continue;
      std::string name = item.list_id;
      for (const auto& l : org.lists)
        if (l.id == item.list_id) name = l.name;
      lists.rows.push_back(
          {p->id, name, time_or_empty(item.created), yes_no(marks.lists.count(item.list_id))});
    }
    for (const auto& rid : org.actions.records_of_person(p->id)) {
      const auto* r = org.actions.find_record(rid);
      if (!r) continue;
      const auto* a = org.actions.find_action(r->action_id);
      JsonOut f;
      f.begin();
      for (const auto& field : r->fields) {
        f.k(field.first);
        f.w().RawValue(field.second.data(), field.second.size(), rapidjson::kObjectType);
      }
      std::string title = a ? actions::string_field(a->fields, "title").value_or("") : "";
      records.rows.push_back({p->id, r->id, r->action_id, title, time_or_empty(r->created), f.end().take(),
                              yes_no(marks.actions.count(r->action_id))});
    }
    std::vector<std::pair<Channel, std::string>> contacts;
    if (p->email) contacts.push_back({Channel::kEmail, *p->email});
    if (p->phone) contacts.push_back({Channel::kSms, *p->phone});
    for (const auto& [ch, addr] : contacts) {
      auto h = org.hasher->hash(ch, addr);
      auto entries = scope.ledger_for_contact(h);
      if (!entries) return entries.error();
      for (const auto& s : entries.value()) {
        const auto& e = s.entry;
        std::string text;
        if (!e.disclosure_hash.empty()) {
          auto it = disclosure_cache.find(e.disclosure_hash);
          if (it == disclosure_cache.end()) {
            auto t = scope.disclosure_text(e.disclosure_hash);
            it = disclosure_cache.emplace(e.disclosure_hash, t ? t.value() : std::string()).first;
          }
          text = it->second;
        }
        ledger.rows.push_back(
            {p->id, std::to_string(e.seq), format_iso8601_micros(e.time), channel_name(e.channel), addr,
             e.old_status == consent::Status::kNone ? "none"
                                                    : std::string(consent::status_name(e.old_status)),
             std::string(consent::status_name(e.new_status)), e.evidence.actor, e.evidence.source,
             e.evidence.method, e.evidence.ip, e.evidence.user_agent, text,
             time_or_empty(e.evidence.consent_time), e.evidence.purpose,
             e.evidence.legal_basis ? std::string(consent::legal_basis_name(*e.evidence.legal_basis)) : "",
             e.hash});
      }
      if (auto hit = org.messaging.suppressions().find(org.org.id, h)) {
        const char* why = hit->scope == policy::SuppressionScope::kPlatform ? "platform"
                          : hit->scope == policy::SuppressionScope::kErased ? "erased"
                                                                            : "organization opt-out";
        suppressions.rows.push_back({p->id, channel_name(ch), addr, time_or_empty(hit->since), why});
      }
    }
    for (const auto* m : org.messaging.messages()) {
      auto d = scope.delivery_for_person(m->id, p->id);
      if (!d) return d.error();
      if (!d.value()) continue;
      const auto& row = *d.value();
      deliveries.rows.push_back(
          {p->id, m->id, m->subject, channel_name(row.channel), delivery_state_name(row.state), row.reason,
           time_or_empty(row.handed_at), time_or_empty(row.updated),
           (row.events & store::kOpened) ? "yes" : "no", (row.events & store::kClicked) ? "yes" : "no",
           (row.events & store::kUnsubscribed) ? "yes" : "no", m->purpose, join(m->special_category_used)});
    }
  }
  auto disclosed = disclosures_of(scope, person_ids);
  if (!disclosed) return disclosed.error();
  for (const auto& e : disclosed.value())
    disclosures.rows.push_back({std::to_string(e.seq), format_iso8601_micros(e.at), e.action, e.query,
                                std::to_string(e.count), e.recipient, e.basis, e.message_id});
  // Inbound texts are documents read from the store; only those recorded against these people.
  auto texts = scope.docs_of_kind(messaging::kInboundKind);
  if (!texts) return texts.error();
  simdjson::dom::parser parser;
  for (const auto& d : texts.value()) {
    auto root = parse_doc(d.doc, parser, "inbound text");
    if (!root) continue;
    DocFields f(root.value());
    std::string pid = f.str("person_id");
    if (!ids.count(pid)) continue;
    inbound.rows.push_back({pid, f.str("from"), f.str("to"), f.str("text"),
                            time_or_empty(f.integer("received_at")), f.str("keyword"), f.str("action")});
  }

  ZipWriter zip;
  JsonOut about;
  about.begin()
      .kv("organization", org.org.name)
      .kv("org_id", org.org.id)
      .kv("request_id", request.id)
      .kv("kind", kind_name(request.kind))
      .kv("subject", contact_key(request.subject))
      .kv("made", format_iso8601(now_micros()))
      .kv("people", static_cast<int64_t>(person_ids.size()));
  zip.add("README.json", about.end().take());
  for (const Table* t : {&person, &custom, &tags, &lists, &records, &ledger, &deliveries, &inbound,
                         &suppressions, &disclosures})
    add_table(zip, *t);
  return zip.finish();
}

}  // namespace tocsin::privacy

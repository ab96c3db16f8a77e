#include "web/admin/person_view.h"

#include <map>
#include <mutex>
#include <shared_mutex>

#include "actions/action_type.h"
#include "messaging/sms_receipts.h"

namespace tocsin::web::admin {
namespace {

std::string status_text(consent::Status s) {
  return s == consent::Status::kNone ? std::string("none") : std::string(consent::status_name(s));
}

std::string time_or_empty(Micros t) {
  return t ? format_iso8601(t) : std::string();
}

// What the lock is held for: the serving state's part of the page, copied.
struct Copied {
  PersonView view;
  struct Contact {
    Channel channel;
    std::string address;
    ContactHash hash;
  };
  std::vector<Contact> contacts;
  struct Sent {
    std::string id, name, channel;
  };
  std::vector<Sent> sent;  // newest first
};

std::optional<Copied> copy_under_lock(const people::OrgState& org, const std::string& person_id) {
  std::shared_lock lock(org.mu);
  const Person* p = org.find_person(person_id);
  if (!p) return std::nullopt;
  Copied c;
  PersonView& v = c.view;
  v.person = *p;
  if (p->email) {
    v.email_status = status_text(org.status_of(Channel::kEmail, *p->email));
    c.contacts.push_back({Channel::kEmail, *p->email, org.hasher->hash(Channel::kEmail, *p->email)});
  }
  if (p->phone) {
    v.sms_status = status_text(org.status_of(Channel::kSms, *p->phone));
    c.contacts.push_back({Channel::kSms, *p->phone, org.hasher->hash(Channel::kSms, *p->phone)});
  }
  // Tags: one lookup per tag of the organization, not a walk of every tagging.
  for (const auto& tag_id : org.tag_order) {
    auto t = org.tags.find(tag_id);
    if (t == org.tags.end()) continue;
    if (org.tagging_by_pair.count({tag_id, person_id}))
      v.tags.push_back({tag_id, t->second.name});
    else if (v.tag_choices.size() < kMaxTagChoices)
      v.tag_choices.push_back({tag_id, t->second.name});
  }
  // Lists are few and made by imports; their items are one flat vector.
  std::map<std::string, std::string> list_names;
  for (const auto& l : org.lists) list_names[l.id] = l.name;
  for (const auto& item : org.list_items)
    if (item.person_id == person_id) {
      auto n = list_names.find(item.list_id);
      v.lists.push_back(n == list_names.end() ? item.list_id : n->second);
    }
  const auto& records = org.actions.records_of_person(person_id);
  v.actions_total = records.size();
  for (auto it = records.rbegin(); it != records.rend() && v.actions.size() < kMaxActionsShown; ++it) {
    const actions::ActionRecord* r = org.actions.find_record(*it);
    if (!r) continue;
    const actions::Action* a = org.actions.find_action(r->action_id);
    ActionTaken t;
    t.date = time_or_empty(r->created);
    if (a) {
      t.title = actions::string_field(a->fields, "title").value_or("(untitled)");
      const actions::ActionType* type = actions::type_by_collection(a->kind);
      t.kind = type ? std::string(type->singular) : a->kind;
    } else {
      t.title = "(action " + r->action_id + " is gone)";
    }
    v.actions.push_back(std::move(t));
  }
  const auto messages = org.messaging.messages();
  for (auto it = messages.rbegin(); it != messages.rend(); ++it) {
    const messaging::Message* m = *it;
    if (m->status == messaging::MessageStatus::kDraft) continue;  // never planned: no deliveries
    if (c.sent.size() == kMaxMessagesLooked) {
      v.messages_capped = true;
      break;
    }
    c.sent.push_back({m->id, m->name.empty() ? m->subject : m->name, std::string(channel_name(m->channel))});
  }
  return c;
}

}  // namespace

std::string person_label(const Person* p) {
  if (!p) return "(erased)";
  std::string name =
      p->given_name + (p->given_name.empty() || p->family_name.empty() ? "" : " ") + p->family_name;
  return name.empty() ? std::string("(no name)") : name;
}

Result<std::optional<PersonView>> read_person(const people::OrgState& org, store::OrgScope scope,
                                              const std::string& person_id) {
  auto copied = copy_under_lock(org, person_id);
  if (!copied) return std::optional<PersonView>{};
  PersonView& v = copied->view;

  // Deliveries: one indexed read per message sent (deliveries_by_person), as the access bundle reads them.
  // A recipient still waiting in a running blast's plan, or excluded when it was planned, has no row yet.
  for (const auto& m : copied->sent) {
    auto d = scope.delivery_for_person(m.id, person_id);
    if (!d) return d.error();
    if (!d.value()) continue;
    const store::DeliveryRow& row = *d.value();
    v.messages.push_back({m.name, std::string(channel_name(row.channel)),
                          std::string(messaging::delivery_state_name(row.state)), row.reason,
                          time_or_empty(row.handed_at ? row.handed_at : row.updated)});
  }

  std::map<std::string, std::optional<std::string>> disclosures;  // by hash: one read per distinct text
  for (const auto& contact : copied->contacts) {
    auto entries = scope.ledger_for_contact(contact.hash);
    if (!entries) return entries.error();
    ContactTimeline tl;
    tl.channel = std::string(channel_name(contact.channel));
    tl.address = contact.address;
    tl.status = contact.channel == Channel::kEmail ? v.email_status : v.sms_status;
    for (const auto& s : entries.value()) {
      const consent::LedgerEntry& e = s.entry;
      TimelineEntry t;
      t.seq = e.seq;
      t.time = format_iso8601(e.time);
      t.consent_time = time_or_empty(e.evidence.consent_time);
      t.old_status = status_text(e.old_status);
      t.new_status = status_text(e.new_status);
      t.actor = e.evidence.actor;
      t.source = e.evidence.source;
      t.method = e.evidence.method;
      t.ip = e.evidence.ip;
      t.user_agent = e.evidence.user_agent;
      t.intact = consent::entry_intact(s);
      if (!e.disclosure_hash.empty()) {
        auto it = disclosures.find(e.disclosure_hash);
        if (it == disclosures.end()) {
          auto text = scope.disclosure_text(e.disclosure_hash);
          std::optional<std::string> shown;
          if (text) shown = std::move(text).value();
          it = disclosures.emplace(e.disclosure_hash, std::move(shown)).first;
        }
        t.disclosure = it->second;
      }
      tl.entries.push_back(std::move(t));
    }
    v.timelines.push_back(std::move(tl));
  }
  return std::optional<PersonView>(std::move(copied->view));
}

ChainCheck check_chain(const people::OrgState& org, store::OrgScope scope) {
  int64_t served_seq = 0;
  std::string served_head;
  {
    std::shared_lock lock(org.mu);
    served_seq = org.ledger_seq;
    served_head = org.ledger_head;
  }
  // Entries recorded after served_seq was read may be in the store too (more entries: fine). Fewer means the
  // stored chain lost its tail, or a group commit was still under way when the walk began (the serving state
  // may run one commit ahead of the store): that case is over by a second walk, so it is asked once more.
  auto report = consent::verify_chain(scope);
  if (report && report->ok && report->entries < served_seq) report = consent::verify_chain(scope);
  if (!report) return {false, "The chain could not be read: " + report.error().message};
  const consent::ChainReport& r = report.value();
  if (!r.ok) return {false, "Chain broken: " + r.problem + "."};
  if (r.entries < served_seq)
    return {false, "Chain broken: the stored chain ends at entry " + std::to_string(r.entries) +
                       ", but this server has recorded " + std::to_string(served_seq) +
                       ": entries were removed from its end."};
  if (r.entries == served_seq && r.head != served_head)
    return {false, "Chain broken: the stored last entry is not the one this server recorded (head " + r.head +
                       ", expected " + served_head + ")."};
  return {true, "Chain intact: " + std::to_string(r.entries) + (r.entries == 1 ? " entry" : " entries") +
                    ", head " + r.head + "."};
}

}  // namespace tocsin::web::admin

#include "people/directory.h"

#include <algorithm>
#include <tuple>

#include "core/metrics.h"
#include "core/slug.h"

#include <spdlog/spdlog.h>

namespace tocsin::people {

Status OrgState::load(store::OrgScope scope) {
  auto snap = scope.load();
  if (!snap) return snap.error();
  auto& s = snap.value();
  // A document that does not decode is skipped (kept in the database), so this organization and every other
  // one still start; the operator inspects it with `tocsin quarantine list`.
  for (const auto& q : s.quarantined)
    spdlog::error("org {}: quarantined {} {} ({}); it stays in the database, see `tocsin quarantine list`",
                  org.id, q.table, q.id, q.reason);
  for (auto& p : s.people) {
    person_order.push_back(p.id);
    for (const auto& id : p.identifiers) person_by_identifier[id] = p.id;
    std::string id = p.id;
    people_in_order.push_back(&people.emplace(std::move(id), std::move(p)).first->second);
    index_family_name(*people_in_order.back());
  }
  for (const auto& cp : s.contact_points) person_by_contact[cp.hash] = cp.person_id;
  for (auto& t : s.tags) {
    tag_order.push_back(t.id);
    tag_by_key[lower_ascii(t.name)] = t.id;
    std::string id = t.id;
    tags.emplace(std::move(id), std::move(t));
  }
  for (auto& t : s.taggings) {
    tagging_order.push_back(t.id);
    tagging_by_pair[{t.tag_id, t.person_id}] = t.id;
    std::string id = t.id;
    taggings.emplace(std::move(id), std::move(t));
  }
  lists = std::move(s.lists);
  list_items = std::move(s.list_items);
  custom_fields = std::move(s.custom_fields);
  for (auto& a : s.actions) actions.put_action(std::move(a));
  for (auto& r : s.action_records) actions.put_record(std::move(r));
  for (const auto& d : s.docs)
    if (d.kind == kSpecialCategoryKind && d.id == kSpecialCategoryId) {
      auto marks = decode_special_category(d.doc);
      if (!marks) return marks.error();
      special_category = std::move(marks).value();
    }
  if (auto st = messaging.load(org, s.docs, s.suppressions); !st) return st;

  // The projection is rebuilt from the ledger itself: current status is whatever the last entry says.
  return scope.for_each_ledger_entry([&](const store::StoredLedgerEntry& se) {
    project(se.entry);
    ledger_seq = se.entry.seq;
    ledger_head = se.entry.hash;
    return true;
  });
}

void OrgState::index_family_name(const Person& p) {
  if (p.family_name.empty()) return;
  // Creation order within a name: a new person goes last; a renamed one where their creation puts them.
  auto& named = people_by_family_name[p.family_name];
  auto later = [](const Person* a, const Person* b) {
    return std::tie(a->created, a->id) < std::tie(b->created, b->id);
  };
  named.insert(std::upper_bound(named.begin(), named.end(), &p, later), &p);
}

void OrgState::unindex_family_name(const Person& p) {
  auto it = people_by_family_name.find(p.family_name);
  if (it == people_by_family_name.end()) return;
  std::erase(it->second, &p);
  if (it->second.empty()) people_by_family_name.erase(it);
}

bool OrgState::forget_person(const std::string& id) {
  auto found = people.find(id);
  if (found == people.end()) return false;
  unindex_family_name(found->second);
  auto node = people.extract(found);
  const Person* gone = &node.mapped();
  std::erase(person_order, id);
  std::erase(people_in_order, gone);
  std::erase_if(person_by_contact, [&](const auto& kv) { return kv.second == id; });
  std::erase_if(person_by_identifier, [&](const auto& kv) { return kv.second == id; });
  std::erase_if(tagging_by_pair, [&](const auto& kv) { return kv.first.second == id; });
  std::erase_if(taggings, [&](const auto& kv) { return kv.second.person_id == id; });
  std::erase_if(list_items, [&](const ListItem& i) { return i.person_id == id; });
  actions.forget_records_of(id);
  node.mapped() = Person{};
  node.mapped().id = id;
  forgotten_.push_back(std::move(node));
  return true;
}

consent::Status OrgState::status_of(const ContactHash& h) const {
  auto it = status.find(h);
  return it == status.end() ? consent::Status::kNone : it->second;
}

consent::Status OrgState::status_of(Channel c, const std::string& normalized) const {
  return status_of(hasher->hash(c, normalized));
}

void OrgState::project(const consent::LedgerEntry& e) {
  auto it = scopes.find(e.contact_hash);
  static const consent::ConsentScope kGeneral;
  const consent::ConsentScope& before = it == scopes.end() ? kGeneral : it->second;
  consent::ConsentScope next =
      consent::next_scope(before, e.old_status, e.new_status, e.evidence.purpose,
                          e.evidence.legal_basis.value_or(consent::LegalBasis::kConsent));
  if (next.is_default()) {
    if (it != scopes.end()) scopes.erase(it);
  } else if (it != scopes.end()) {
    it->second = std::move(next);
  } else {
    scopes.emplace(e.contact_hash, std::move(next));
  }
  status[e.contact_hash] = e.new_status;
}

consent::ConsentScope OrgState::scope_of(const ContactHash& h) const {
  auto it = scopes.find(h);
  return it == scopes.end() ? consent::ConsentScope{} : it->second;
}

const Person* OrgState::find_person(const std::string& id) const {
  auto it = people.find(id);
  return it == people.end() ? nullptr : &it->second;
}

const Person* OrgState::find_by_contact(Channel c, const std::string& normalized) const {
  auto it = person_by_contact.find(hasher->hash(c, normalized));
  return it == person_by_contact.end() ? nullptr : find_person(it->second);
}

const Tag* OrgState::find_tag_by_name(const std::string& name) const {
  auto it = tag_by_key.find(lower_ascii(name));
  return it == tag_by_key.end() ? nullptr : &tags.at(it->second);
}

void OrgState::record_status(store::WriteBatch::OrgWrites& w, Channel c, const std::string& normalized,
                             const std::string& person_id, consent::Status new_status,
                             const consent::Evidence& ev, Micros now) {
  consent::LedgerEntry e;
  e.org_id = org.id;
  e.seq = ++ledger_seq;
  e.time = now;
  e.channel = c;
  e.contact_hash = hasher->hash(c, normalized);
  e.contact_ref = normalized;
  e.person_id = person_id;
  e.old_status = status_of(e.contact_hash);
  e.new_status = new_status;
  e.evidence = ev;
  if (new_status == consent::Status::kSubscribed && !e.evidence.legal_basis)
    e.evidence.legal_basis = consent::LegalBasis::kConsent;
  e.prev_hash = ledger_head;
  if (new_status == consent::Status::kUnsubscribed && e.old_status != new_status)
    metrics::process().opt_outs.at({org.id, channel_name(c)}).inc();
  consent::seal(e);
  ledger_head = e.hash;
  project(e);
  w.add(store::op::AppendLedger{std::move(e)});
}

Status Directory::refresh(store::Store& store) {
  auto orgs = store.orgs();
  if (!orgs) return orgs.error();
  for (auto& o : orgs.value()) {
    {
      std::shared_lock lock(mu_);
      if (orgs_.count(o.id)) continue;
    }
    auto state = std::make_unique<OrgState>(o, hasher_);
    {
      std::shared_lock lock(mu_);
      state->slug =
          unique_slug(slugify(o.name, "org"), [&](const std::string& s) { return by_slug_.count(s) > 0; });
    }
    if (auto s = state->load(store.scope(o.id)); !s) return s;
    spdlog::info("loaded organization {} ({} people, ledger at {})", o.id, state->people.size(),
                 state->ledger_seq);
    std::unique_lock lock(mu_);
    if (first_id_.empty()) first_id_ = o.id;  // orgs() lists in creation order
    by_slug_.emplace(state->slug, o.id);
    orgs_.emplace(o.id, std::move(state));
  }
  return Ok{};
}

OrgState* Directory::find(const std::string& org_id) const {
  std::shared_lock lock(mu_);
  auto it = orgs_.find(org_id);
  return it == orgs_.end() ? nullptr : it->second.get();
}

OrgState* Directory::by_slug(std::string_view slug) const {
  std::string id;
  {
    std::shared_lock lock(mu_);
    auto it = by_slug_.find(std::string(slug));
    if (it == by_slug_.end()) return nullptr;
    id = it->second;
  }
  return find(id);
}

OrgState* Directory::first() const {
  std::string id;
  {
    std::shared_lock lock(mu_);
    id = first_id_;
  }
  return id.empty() ? nullptr : find(id);
}

std::vector<OrgState*> Directory::all() const {
  std::shared_lock lock(mu_);
  std::vector<OrgState*> out;
  for (const auto& [id, state] : orgs_) out.push_back(state.get());
  return out;
}

}  // namespace tocsin::people

// OrgState: one organization's supporters, groupings and consent projection, held in memory.
//
// The store is the durable truth; this is the serving copy, loaded at start (OrgState::load) and changed only
// by the committer thread while it holds `mu` exclusively, in the same step that appends the matching writes
// to a WriteBatch. Readers take `mu` shared. A write becomes visible to readers when applied, at most one
// group commit before it is durable; no client is told it succeeded before it is durable.
#pragma once

#include <cstring>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "actions/action_book.h"
#include "consent/ledger_entry.h"
#include "core/by_contact.h"
#include "core/grouping.h"
#include "core/org.h"
#include "core/person.h"
#include "core/text.h"
#include "messaging/book.h"
#include "people/special_category.h"
#include "store/store.h"

namespace tocsin::people {

using tocsin::ByContact;
using tocsin::ContactHashHasher;

// (tag id, person id): hashed rather than ordered, because a signup looks up one pair and never ranges.
using TagPersonPair = std::pair<std::string, std::string>;
struct TagPersonPairHasher {
  size_t operator()(const TagPersonPair& p) const {
    size_t h = std::hash<std::string>{}(p.first);
    return h ^ (std::hash<std::string>{}(p.second) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2));
  }
};

class OrgState {
 public:
  explicit OrgState(Org org, const ContactHasher& hasher) : org(std::move(org)), hasher(&hasher) {}

  // Loads people, groupings and contact points, and rebuilds the consent projection and chain head by
  // replaying the ledger.
  Status load(store::OrgScope scope);

  mutable std::shared_mutex mu;
  Org org;
  const ContactHasher* hasher;
  // Derived, not stored: the name's slug, unique among the installation's organizations in creation order
  // (set once by Directory before the state is shared), for hosted page URLs /o/{slug}/...
  std::string slug;

  // People in creation order (ids, and the same people as pointers for walks that would otherwise look
  // each id up: a blast's audience) and by id. Map nodes never move; only erasure removes a person
  // (forget_person), whose node is kept, blanked, so a pointer taken earlier never dangles.
  std::vector<std::string> person_order;
  std::vector<const Person*> people_in_order;
  std::unordered_map<std::string, Person> people;
  ByContact<std::string> person_by_contact;  // email and phone hashes (the channel is part of the hash)
  // People by family name exactly as stored (not empty), in creation order within a name: a filter's
  // `family_name eq` — the console's name search — narrows to them instead of walking everyone (a walk of a
  // million people takes a few hundred milliseconds). Kept by the two calls below, which every change of a
  // held person's family name goes through (upsert's fields, erasure).
  std::unordered_map<std::string, std::vector<const Person*>> people_by_family_name;
  void index_family_name(const Person& p);
  void unindex_family_name(const Person& p);
  std::unordered_map<std::string, std::string> person_by_identifier;  // foreign "system:id"

  // Consent projection: the latest ledger status of each contact point, and the chain head.
  ByContact<consent::Status> status;
  // What each subscription covers (consent/scope.h), only where it is not the default (general, plain
  // consent): most contact points take no room here.
  ByContact<consent::ConsentScope> scopes;
  int64_t ledger_seq = 0;
  std::string ledger_head = consent::kGenesisHash;

  std::vector<std::string> tag_order;
  std::unordered_map<std::string, Tag> tags;
  std::unordered_map<std::string, std::string> tag_by_key;  // lower-cased name -> id
  std::vector<std::string> tagging_order;  // may hold deleted ids; skip those not in `taggings`
  std::unordered_map<std::string, Tagging> taggings;
  std::unordered_map<TagPersonPair, std::string, TagPersonPairHasher> tagging_by_pair;  // -> tagging id

  std::vector<PeopleList> lists;
  std::vector<ListItem> list_items;
  std::vector<CustomFieldDef> custom_fields;
  SpecialCategoryMarks special_category;  // tags, lists and actions marked (people/special_category.h)

  actions::ActionBook actions;         // petitions, events, forms, ... with their records and live counters
  messaging::MessagingBook messaging;  // settings, sending domains, SMS senders, messages, opt-outs

  consent::Status status_of(Channel c, const std::string& normalized) const;
  consent::Status status_of(const ContactHash& h) const;
  consent::ConsentScope scope_of(const ContactHash& h) const;
  const Person* find_person(const std::string& id) const;
  const Person* find_by_contact(Channel c, const std::string& normalized) const;
  const Tag* find_tag_by_name(const std::string& name) const;

  // Erasure (privacy/erasure.h): removes the person from every index, with their taggings, list items and
  // action records (and their counts); the consent projection keeps its statuses, keyed by hash. The store
  // rows go with store::op::ErasePerson, queued by the caller. False when there is no such person.
  bool forget_person(const std::string& id);

  // Appends a sealed ledger entry for a status change of one contact point, updates the projection and
  // queues the write.
  void record_status(store::WriteBatch::OrgWrites& w, Channel c, const std::string& normalized,
                     const std::string& person_id, consent::Status new_status, const consent::Evidence& ev,
                     Micros now);

 private:
  // Applies one ledger entry to the projection (status and scope), at load and on every append.
  void project(const consent::LedgerEntry& e);
  std::vector<decltype(people)::node_type> forgotten_;  // erased people's nodes, blanked
};

// All organizations, by id. Organizations are added (never removed) while serving; OrgState objects have
// stable addresses.
class Directory {
 public:
  explicit Directory(ContactHasher hasher) : hasher_(hasher) {}
  // Loads every organization of the store; later calls pick up organizations created since.
  Status refresh(store::Store& store);
  OrgState* find(const std::string& org_id) const;
  // The organization whose slug (Org::slug) this is, or null.
  OrgState* by_slug(std::string_view slug) const;
  // The oldest organization (the one `tocsin init` created), or null.
  OrgState* first() const;
  // Every organization (for lookups by a globally unique id, e.g. a blind post to an action).
  std::vector<OrgState*> all() const;
  const ContactHasher& hasher() const { return hasher_; }

 private:
  ContactHasher hasher_;
  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, std::unique_ptr<OrgState>> orgs_;
  std::string first_id_;
  std::unordered_map<std::string, std::string> by_slug_;  // slug → org id
};

}  // namespace tocsin::people

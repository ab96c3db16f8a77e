#include "store/migrations/email_case_fold.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "actions/action_codec.h"
#include "consent/ledger_entry.h"
#include "core/person_codec.h"
#include "store/sqlite/ledger_row.h"

namespace tocsin::store {
namespace {

using Consent = consent::Status;
using sqlite::Connection;
using sqlite::Statement;

constexpr int64_t kEmail = static_cast<int>(Channel::kEmail);
constexpr int64_t kSms = static_cast<int>(Channel::kSms);

ContactHash hash_of(std::string_view blob) {
  ContactHash h{};
  if (blob.size() == h.size()) std::copy(blob.begin(), blob.end(), h.begin());
  return h;
}

Statement& bind_hash(Statement& q, int i, const ContactHash& h) {
  return q.bind_blob(i, h.data(), h.size());
}

Status failed(Connection& c, const char* what) {
  return internal_error(std::string("migration 6: ") + what + ": " + c.last_error());
}

// The latest ledger status of one (old) contact hash.
struct Latest {
  Consent status = Consent::kNone;
  int64_t seq = 0;
  std::string ref;  // the plaintext address, if not erased
  std::string person_id;
};

// One canonical address: the hashes its spellings had and the people that carried it (in creation order).
struct Group {
  std::set<ContactHash> spellings;
  std::vector<size_t> people;
};

// An opt-out on any spelling wins; otherwise the most recent spelling speaks.
Consent merged_status(const std::vector<const Latest*>& spellings) {
  auto severity = [](Consent s) {
    return s == Consent::kSpamComplaint  ? 3
           : s == Consent::kBouncing     ? 2
           : s == Consent::kUnsubscribed ? 1
                                         : 0;
  };
  const Latest* most_severe = nullptr;
  const Latest* newest = nullptr;
  for (const Latest* l : spellings) {
    if (!most_severe || severity(l->status) > severity(most_severe->status)) most_severe = l;
    if (!newest || l->seq > newest->seq) newest = l;
  }
  if (most_severe && severity(most_severe->status) > 0) return most_severe->status;
  return newest ? newest->status : Consent::kNone;
}

// Action Network's rule for a later signup with the same email (§4.4, people/upsert.h): its non-empty
// fields and its mobile overwrite, identifiers accumulate. The survivor keeps its id, its spelling of the
// address and the earliest creation time.
void absorb(Person& survivor, const Person& later, Micros now) {
  if (!later.given_name.empty()) survivor.given_name = later.given_name;
  if (!later.family_name.empty()) survivor.family_name = later.family_name;
  if (later.phone) survivor.phone = later.phone;
  if (!later.postal_addresses.empty()) survivor.postal_addresses = later.postal_addresses;
  if (!later.languages_spoken.empty()) survivor.languages_spoken = later.languages_spoken;
  if (later.birthdate) survivor.birthdate = later.birthdate;
  for (const auto& [k, v] : later.custom_fields) survivor.custom_fields[k] = v;
  for (const auto& id : later.identifiers)
    if (std::find(survivor.identifiers.begin(), survivor.identifiers.end(), id) == survivor.identifiers.end())
      survivor.identifiers.push_back(id);
  survivor.created = std::min(survivor.created, later.created);
  survivor.modified = now;
}

class OrgFold {
 public:
  OrgFold(Connection& c, const ContactHasher& hasher, std::string org_id, Micros now,
          std::map<ContactHash, ContactHash>& aliases)
      : c_(c), hasher_(hasher), org_(std::move(org_id)), now_(now), aliases_(aliases) {}

  Status run() {
    if (auto s = read_ledger(); !s) return s;
    if (auto s = read_people(); !s) return s;
    for (auto& [canonical, group] : groups_) {
      bool respelled = false;
      for (const auto& h : group.spellings) respelled |= h != canonical;
      if (!respelled && group.people.size() < 2) continue;  // all lower case: nothing changes
      if (auto s = fold(canonical, group); !s) return s;
    }
    return Ok{};
  }

 private:
  Status read_ledger() {
    std::string sql =
        std::string("SELECT ") + sqlite::kLedgerColumnsV6 + " FROM ledger WHERE org_id = ? ORDER BY seq";
    Statement q(c_, sql.c_str());
    q.bind(1, org_);
    int rc;
    while ((rc = q.step()) == SQLITE_ROW) {
      auto e = sqlite::read_ledger_row(q).entry;
      head_seq_ = e.seq;
      head_hash_ = e.hash;
      if (e.channel != Channel::kEmail) continue;
      Latest& l = latest_[e.contact_hash];
      l.status = e.new_status;
      l.seq = e.seq;
      l.person_id = e.person_id;
      if (!e.contact_ref.empty()) {
        l.ref = e.contact_ref;
        groups_[hasher_.hash(Channel::kEmail, e.contact_ref)].spellings.insert(e.contact_hash);
      }
    }
    return rc == SQLITE_DONE ? Status(Ok{}) : failed(c_, "reading the ledger");
  }

  Status read_people() {
    std::map<std::string, ContactHash> email_point;  // person id -> stored (old) hash
    Statement cp(c_, "SELECT hash, person_id FROM contact_points WHERE org_id = ? AND channel = ?");
    cp.bind(1, org_).bind(2, kEmail);
    while (cp.step() == SQLITE_ROW) email_point[std::string(cp.text(1))] = hash_of(cp.blob(0));
    Statement q(c_, "SELECT doc FROM people WHERE org_id = ? ORDER BY rowid");
    q.bind(1, org_);
    int rc;
    while ((rc = q.step()) == SQLITE_ROW) {
      auto p = decode_person(q.text(0));
      if (!p) return p.error();
      if (!p->email) continue;
      Group& g = groups_[hasher_.hash(Channel::kEmail, *p->email)];
      if (auto it = email_point.find(p->id); it != email_point.end()) g.spellings.insert(it->second);
      g.people.push_back(people_.size());
      people_.push_back(std::move(p).value());
    }
    return rc == SQLITE_DONE ? Status(Ok{}) : failed(c_, "reading people");
  }

  Status fold(const ContactHash& canonical, const Group& g) {
    for (const auto& h : g.spellings) {
      if (h == canonical) continue;
      aliases_[h] = canonical;
      Statement a(c_,
                  "INSERT OR REPLACE INTO contact_aliases (org_id, channel, alias_hash, contact_hash) "
                  "VALUES (?,?,?,?)");
      a.bind(1, org_).bind(2, kEmail);
      bind_hash(a, 3, h);
      bind_hash(a, 4, canonical);
      if (!a.run()) return failed(c_, "recording an alias");
      if (auto s = rekey(org_, h, canonical); !s) return s;
    }

    std::vector<std::string> merged_ids;
    const Person* survivor = nullptr;
    if (!g.people.empty()) {
      Person& s = people_[g.people.front()];
      for (size_t i = 1; i < g.people.size(); ++i) {
        const Person& loser = people_[g.people[i]];
        absorb(s, loser, now_);
        if (auto st = move_belongings(loser.id, s.id); !st) return st;
        merged_ids.push_back(loser.id);
      }
      if (auto st = put_person(s, g); !st) return st;
      survivor = &s;
    }

    std::vector<const Latest*> spellings;
    for (const auto& h : g.spellings)
      if (auto it = latest_.find(h); it != latest_.end()) spellings.push_back(&it->second);
    const Consent merged = merged_status(spellings);
    auto current_it = latest_.find(canonical);
    const Consent current = current_it == latest_.end() ? Consent::kNone : current_it->second.status;
    if (merged == current && merged_ids.empty()) return Ok{};

    consent::LedgerEntry e;
    e.org_id = org_;
    e.seq = ++head_seq_;
    e.time = now_;
    e.channel = Channel::kEmail;
    e.contact_hash = canonical;
    if (survivor) {
      e.contact_ref = *survivor->email;
      e.person_id = survivor->id;
    } else {  // only in the history: the newest spelling's person
      const Latest* newest = nullptr;
      for (const Latest* l : spellings)
        if (!newest || l->seq > newest->seq) newest = l;
      e.contact_ref = newest ? newest->ref : std::string();
      e.person_id = newest ? newest->person_id : std::string();
    }
    e.old_status = current;
    e.new_status = merged;
    e.evidence.actor = "tocsin";
    e.evidence.method = "case-variant merge (migration 6)";
    e.evidence.source = "migration 6: one contact point per case-folded address";
    if (!merged_ids.empty()) {
      e.evidence.source += "; merged people";
      for (const auto& id : merged_ids) e.evidence.source += " " + id;
      e.evidence.source += " into " + e.person_id;
    }
    e.prev_hash = head_hash_;
    consent::seal(e);
    head_hash_ = e.hash;
    Statement ins(c_, sqlite::kLedgerInsertV6);
    if (!sqlite::bind_ledger_insert(ins, org_, e, nullptr, false).run())
      return failed(c_, "appending the merge entry");
    return Ok{};
  }

  // The survivor's document and contact points: its email under the canonical hash, its (possibly
  // inherited) mobile; the merged people's rows are gone.
  Status put_person(const Person& p, const Group& g) {
    for (size_t i : g.people) {
      Statement d(c_, "DELETE FROM contact_points WHERE org_id = ? AND person_id = ?");
      d.bind(1, org_).bind(2, people_[i].id);
      if (!d.run()) return failed(c_, "deleting contact points");
      if (people_[i].id == p.id) continue;
      Statement dp(c_, "DELETE FROM people WHERE org_id = ? AND id = ?");
      dp.bind(1, org_).bind(2, people_[i].id);
      if (!dp.run()) return failed(c_, "deleting a merged person");
    }
    auto point = [&](int64_t channel, const std::string& value) {
      Statement q(
          c_, "INSERT OR REPLACE INTO contact_points (org_id, channel, hash, person_id) VALUES (?,?,?,?)");
      q.bind(1, org_).bind(2, channel);
      bind_hash(q, 3, hasher_.hash(static_cast<Channel>(channel), value));
      q.bind(4, p.id);
      return q.run();
    };
    if (!point(kEmail, *p.email) || (p.phone && !point(kSms, *p.phone)))
      return failed(c_, "writing contact points");
    Statement u(c_, "UPDATE people SET doc = ? WHERE org_id = ? AND id = ?");
    u.bind(1, encode_person(p)).bind(2, org_).bind(3, p.id);
    return u.run() ? Status(Ok{}) : failed(c_, "writing the merged person");
  }

  // Taggings and list items (one per tag or list and person), and action records, move to the survivor.
  Status move_belongings(const std::string& from, const std::string& to) {
    for (const char* sql : {
             "DELETE FROM taggings WHERE org_id = ?1 AND person_id = ?2 AND tag_id IN "
             "(SELECT tag_id FROM taggings WHERE org_id = ?1 AND person_id = ?3)",
             "UPDATE taggings SET person_id = ?3 WHERE org_id = ?1 AND person_id = ?2",
             "DELETE FROM list_items WHERE org_id = ?1 AND person_id = ?2 AND list_id IN "
             "(SELECT list_id FROM list_items WHERE org_id = ?1 AND person_id = ?3)",
             "UPDATE list_items SET person_id = ?3 WHERE org_id = ?1 AND person_id = ?2",
         }) {
      Statement q(c_, sql);
      q.bind(1, org_).bind(2, from).bind(3, to);
      if (!q.run()) return failed(c_, "moving taggings and list items");
    }
    std::vector<std::pair<std::string, std::string>> records;  // id, re-encoded document
    {
      Statement q(c_, "SELECT id, doc FROM action_records WHERE org_id = ? AND person_id = ?");
      q.bind(1, org_).bind(2, from);
      while (q.step() == SQLITE_ROW) {
        auto r = actions::decode_record(q.text(1));
        if (!r) return r.error();
        r->person_id = to;
        records.emplace_back(std::string(q.text(0)), actions::encode_record(*r));
      }
    }
    for (const auto& [id, doc] : records) {
      Statement u(c_, "UPDATE action_records SET person_id = ?, doc = ? WHERE org_id = ? AND id = ?");
      u.bind(1, to).bind(2, doc).bind(3, org_).bind(4, id);
      if (!u.run()) return failed(c_, "moving action records");
    }
    return Ok{};
  }

 public:
  // Rows keyed by an old email hash move to the canonical one (org '' = platform-wide suppressions).
  static Status rekey(Connection& c, const std::string& org, const ContactHash& from, const ContactHash& to) {
    for (const char* sql : {
             "INSERT OR IGNORE INTO suppressions (org_id, channel, contact_hash, since, reason, confirmed) "
             "SELECT org_id, channel, ?4, since, reason, confirmed FROM suppressions "
             "WHERE org_id = ?1 AND channel = ?2 AND contact_hash = ?3",
             "DELETE FROM suppressions WHERE org_id = ?1 AND channel = ?2 AND contact_hash = ?3",
             "UPDATE OR IGNORE soft_bounces SET contact_hash = ?4 "
             "WHERE org_id = ?1 AND channel = ?2 AND contact_hash = ?3",
             "DELETE FROM soft_bounces WHERE org_id = ?1 AND channel = ?2 AND contact_hash = ?3",
             "UPDATE deliveries SET contact_hash = ?4 WHERE org_id = ?1 AND channel = ?2 AND contact_hash = "
             "?3",
         }) {
      Statement q(c, sql);
      q.bind(1, org).bind(2, kEmail);
      bind_hash(q, 3, from);
      bind_hash(q, 4, to);
      if (!q.run()) return failed(c, "re-keying suppressions, soft bounces and deliveries");
    }
    return Ok{};
  }

 private:
  Status rekey(const std::string& org, const ContactHash& from, const ContactHash& to) {
    return rekey(c_, org, from, to);
  }

  Connection& c_;
  const ContactHasher& hasher_;
  std::string org_;
  Micros now_;
  std::map<ContactHash, ContactHash>& aliases_;
  int64_t head_seq_ = 0;
  std::string head_hash_ = consent::kGenesisHash;
  std::map<ContactHash, Latest> latest_;
  std::map<ContactHash, Group> groups_;
  std::vector<Person> people_;
};

bool holds_email_data(Connection& c) {
  Statement q(c,
              "SELECT 1 WHERE EXISTS (SELECT 1 FROM contact_points WHERE channel = 0) "
              "OR EXISTS (SELECT 1 FROM ledger WHERE channel = 0)");
  return q.step() == SQLITE_ROW;
}

}  // namespace

Status fold_email_case(Connection& c, const ContactHasher* hasher, Micros now) {
  if (!hasher) {
    if (holds_email_data(c))
      return internal_error("migration 6 needs the installation's contact key (open the data directory)");
    return Ok{};
  }
  std::vector<std::string> orgs;
  {
    Statement q(c, "SELECT id FROM orgs ORDER BY created");
    while (q.step() == SQLITE_ROW) orgs.emplace_back(q.text(0));
  }
  std::map<ContactHash, ContactHash> aliases;  // every organization's, for platform-wide suppressions
  for (const auto& org : orgs)
    if (auto s = OrgFold(c, *hasher, org, now, aliases).run(); !s) return s;
  for (const auto& [from, to] : aliases)
    if (auto s = OrgFold::rekey(c, "", from, to); !s) return s;
  return Ok{};
}

}  // namespace tocsin::store

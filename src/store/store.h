// The storage contract. Services see only this interface (SQLite today, PostgreSQL later): no SQL and no
// engine specifics leak past it.
//
// Reads and writes of an organization's data go through an OrgScope, which carries the organization id
// into every statement: there is no method that can read or write another organization's rows.
// Writes are grouped into a WriteBatch and applied atomically and durably (fsync'd) by Store::apply: the
// group-commit unit. A Store is safe for concurrent use from multiple threads.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "actions/action.h"
#include "consent/ledger_entry.h"
#include "core/grouping.h"
#include "core/org.h"
#include "core/person.h"
#include "core/result.h"

namespace tocsin::store {

struct ContactPointRow {
  Channel channel;
  ContactHash hash;
  std::string person_id;
};

// Ledger entry as read back, with the digests needed to verify it after erasure.
struct StoredLedgerEntry {
  consent::LedgerEntry entry;
  std::string ip_digest, ua_digest, ref_digest;
};

namespace op {
struct PutPerson {
  Person person;
};
struct PutContactPoint {
  ContactPointRow row;
};
struct DeleteContactPoint {
  Channel channel;
  ContactHash hash;
};
struct AppendLedger {
  consent::LedgerEntry entry;
};
struct PutTag {
  Tag tag;
};
struct PutTagging {
  Tagging tagging;
};
struct DeleteTagging {
  std::string id;
};
struct PutList {
  PeopleList list;
};
struct PutListItem {
  ListItem item;
};
struct PutCustomField {
  CustomFieldDef field;
};
struct PutAction {  // insert or replace by id
  actions::Action action;
};
struct PutActionRecord {  // insert or replace by id
  actions::ActionRecord record;
};
}  // namespace op

using Op = std::variant<op::PutPerson, op::PutContactPoint, op::DeleteContactPoint, op::AppendLedger,
                        op::PutTag, op::PutTagging, op::DeleteTagging, op::PutList, op::PutListItem,
                        op::PutCustomField, op::PutAction, op::PutActionRecord>;

struct ScopedOp {
  std::string org_id;
  Op op;
};

// Ordered writes for one transaction, possibly spanning several organizations.
class WriteBatch {
 public:
  // Appends writes for one organization; the org id is stamped on each op.
  class OrgWrites {
   public:
    void add(Op op) { batch_->ops_.push_back({org_id_, std::move(op)}); }

   private:
    friend class WriteBatch;
    OrgWrites(WriteBatch* b, std::string org) : batch_(b), org_id_(std::move(org)) {}
    WriteBatch* batch_;
    std::string org_id_;
  };
  OrgWrites for_org(const std::string& org_id) { return OrgWrites(this, org_id); }

  bool empty() const { return ops_.empty(); }
  size_t size() const { return ops_.size(); }
  const std::vector<ScopedOp>& ops() const { return ops_; }
  void clear() { ops_.clear(); }

 private:
  std::vector<ScopedOp> ops_;
};

// Everything needed to serve one organization from memory; loaded once at start.
struct OrgSnapshot {
  std::vector<Person> people;  // in creation order
  std::vector<ContactPointRow> contact_points;
  std::vector<Tag> tags;
  std::vector<Tagging> taggings;
  std::vector<PeopleList> lists;
  std::vector<ListItem> list_items;
  std::vector<CustomFieldDef> custom_fields;
  std::vector<actions::Action> actions;               // in creation order
  std::vector<actions::ActionRecord> action_records;  // in creation order
};

class OrgScope;

class Store {
 public:
  virtual ~Store() = default;

  // Platform-level records (above organizations).
  virtual Status create_org(const Org& org) = 0;
  virtual Result<std::vector<Org>> orgs() = 0;
  virtual Status put_api_key(const ApiKeyRecord& key) = 0;
  virtual Status revoke_api_key(const std::string& org_id, const std::string& key_id) = 0;
  virtual Result<std::vector<ApiKeyRecord>> api_keys() = 0;

  // Applies every op in order in one durable transaction; all or nothing.
  virtual Status apply(const WriteBatch& batch) = 0;

  OrgScope scope(std::string org_id);

 protected:
  friend class OrgScope;
  virtual Result<OrgSnapshot> load_org(const std::string& org_id) = 0;
  virtual Status for_each_ledger_entry(const std::string& org_id,
                                       const std::function<bool(const StoredLedgerEntry&)>& fn) = 0;
  virtual Result<std::vector<StoredLedgerEntry>> ledger_for_contact(const std::string& org_id,
                                                                    const ContactHash& hash) = 0;
  virtual Result<std::string> disclosure_text(const std::string& disclosure_hash) = 0;
};

// The only door to an organization's rows.
class OrgScope {
 public:
  const std::string& org_id() const { return org_id_; }
  Result<OrgSnapshot> load() { return store_->load_org(org_id_); }
  // Calls fn for each entry in sequence order until it returns false.
  Status for_each_ledger_entry(const std::function<bool(const StoredLedgerEntry&)>& fn) {
    return store_->for_each_ledger_entry(org_id_, fn);
  }
  Result<std::vector<StoredLedgerEntry>> ledger_for_contact(const ContactHash& hash) {
    return store_->ledger_for_contact(org_id_, hash);
  }
  Result<std::string> disclosure_text(const std::string& hash) { return store_->disclosure_text(hash); }

 private:
  friend class Store;
  OrgScope(Store* s, std::string org) : store_(s), org_id_(std::move(org)) {}
  Store* store_;
  std::string org_id_;
};

inline OrgScope Store::scope(std::string org_id) {
  return OrgScope(this, std::move(org_id));
}

struct SqliteOptions {
  // The WAL is checkpointed from a background thread once it holds this many pages, and after
  // `checkpoint_period` with frames in it (store/sqlite/checkpointer.h). A commit checkpoints only if that
  // thread has fallen behind to 4 times the threshold, so the WAL stays bounded.
  int checkpoint_pages = 16384;
  std::chrono::milliseconds checkpoint_period{5000};
};

// Opens (creating and migrating if needed) the embedded SQLite store at `path`.
Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path, const SqliteOptions& options = {});

}  // namespace tocsin::store

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
#include "store/access_entry.h"
#include "store/sealing/data_keys.h"
#include "store/sealing/sealed_tables.h"

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

// An organization's configuration document of one kind (messaging settings, a message, a sending domain, an
// SMS sender, ...): the messaging module owns the kinds and their JSON (messaging/*_codec.h); the store keeps
// them opaque, so a new kind needs no schema migration.
struct OrgDoc {
  std::string kind;
  std::string id;
  std::string doc;
};

// A suppression of one contact point: per organization (an opt-out such as SMS STOP, with the state of its
// single confirmation) or platform-wide (org_id empty).
struct SuppressionRow {
  std::string org_id;  // empty: platform-wide
  Channel channel = Channel::kEmail;
  ContactHash contact{};
  Micros since = 0;
  std::string reason;  // e.g. "sms keyword STOP", "hard bounce 5.1.1", "platform: abuse report"
  bool confirmed = false;
};

// An erased person's stub (privacy/erasure.h): the reason starts with this. Unlike an opt-out, no START
// or re-subscription lifts it.
inline constexpr std::string_view kErasureStubReason = "erased";
inline bool is_erasure_stub(const SuppressionRow& r) {
  return r.reason.starts_with(kErasureStubReason);
}

// One recipient of one message: the per-recipient delivery state that makes a blast resumable. `seq` is the
// recipient's position in the plan; the pair (message_id, seq) is the delivery id.
enum class DeliveryState : int {
  kQueued = 0,      // planned, due at next_at
  kDeferred = 1,    // gate or transport said "not now"; due at next_at
  kHanding = 2,     // durable mark written just before the hand-over; survives a crash as "unknown"
  kHandedOver = 3,  // the relay/gateway accepted it
  kDelivered = 4,   // a receipt confirmed delivery
  kBounced = 5,
  kComplained = 6,
  kFailed = 7,      // permanent transport failure
  kSuppressed = 8,  // the gate refused this recipient (reason says why)
  kBlocked = 9,     // the gate refused the message or sender (reason says why)
  kUnknown = 10,    // the process stopped during the hand-over: not sent again, to never send twice
  kStopped = 11,    // the blast was stopped before this recipient's turn
};

struct DeliveryRow {
  std::string message_id;
  int64_t seq = 0;
  std::string person_id;
  Channel channel = Channel::kEmail;
  ContactHash contact{};
  std::string address;  // normalized email or E.164 number
  DeliveryState state = DeliveryState::kQueued;
  std::string reason;  // gate reason code or transport reply
  int attempts = 0;
  Micros next_at = 0;
  Micros handed_at = 0;
  Micros updated = 0;
  std::string gateway_id;  // id the relay or SMS gateway gave it
  int events = 0;          // DeliveryEvent bits seen since the hand-over
};

// What the recipient did with a delivered message (bits of DeliveryRow::events), for statistics.
enum DeliveryEvent : int { kOpened = 1, kClicked = 2, kUnsubscribed = 4 };

// A change to one delivery after its hand-over (a bounce, a complaint, the recipient's unsubscribe),
// applied in place so it never overwrites what the dispatcher writes to other columns meanwhile.
struct DeliveryMark {
  std::optional<DeliveryState> state;  // unset: keep
  std::string reason;                  // empty: keep
  int add_events = 0;                  // DeliveryEvent bits to set
  Micros updated = 0;
  // Receipts: a delivery already in a final receipt state (delivered, bounced, complained, failed) keeps
  // it, so when two final receipts race the first one committed wins.
  bool keep_final = false;
};

// Counts over one message's deliveries (rows, and those retention folded into counts): the complaint
// rate's numerator and denominator.
struct DeliveryTally {
  int64_t handed_over = 0;  // ever handed to the relay (handed_at set)
  int64_t complained = 0;
  // The automatic pauses' other numerators (policy/org_trust.h), from rows only (retention folds rows into
  // counts long after a blast's rates matter): hard bounces whose status is 5.1.1 (unknown user; the DSN's
  // or the SMTP reply's, as the reason records it), and deliveries handed over that ended bounced or failed
  // (a text undelivered or refused by the carrier).
  int64_t unknown_user = 0;
  int64_t undeliverable = 0;
};

// One group of a message's deliveries for its statistics: those in `state` with `reason` — the reason is kept
// only for exclusions (suppressed, blocked), whose reasons are codes; others' reasons are free text (a
// relay's reply) and are grouped under "". Counted in the database so a 1,000,000-row blast's statistics do
// not copy every row into the process.
struct DeliveryGroup {
  DeliveryState state = DeliveryState::kQueued;
  std::string reason;
  int64_t count = 0, opened = 0, clicked = 0, unsubscribed = 0;
  // Of `count`, those the relay or gateway accepted at some point (handed_at set): the message's `sent`. A
  // recipient refused during the SMTP transaction is `bounced` or `failed` but was never sent.
  int64_t handed_over = 0;
};

// What happened to a message's deliveries in one clock hour, for its statistics over time (migration 12:
// counted by triggers in the database as rows change, table delivery_hours; docs/CONSOLE.md "Statistics over
// time"). Each delivery counts once per kind: its hand-over, its first final receipt, its first open, click
// and unsubscribe; a soft bounce once per delivery, as soft_bounces keeps it.
enum class HourKind : int {
  kHandedOver = 1,
  kDelivered = 2,
  kHardBounce = 3,   // bounced with a reason "hard bounce ..." (a DSN or the SMTP reply's 5.x.x)
  kOtherBounce = 4,  // bounced for another reason (an SMS receipt, a plain-text notice)
  kSoftBounce = 5,   // 4.x.x, 5.2.1, 5.2.2 (messaging/mail_ingest.h)
  kComplained = 6,
  kOpened = 7,
  kClicked = 8,
  kUnsubscribed = 9,
  kFailed = 10,
};
struct DeliveryHour {
  Micros hour = 0;  // the hour's start (UTC)
  HourKind kind = HourKind::kHandedOver;
  int64_t count = 0;
};

class DeliveryPlan;  // store/delivery_plan.h

// What one step of retention's aggregation of a message's deliveries did (or, counting, would do):
// Store::aggregate_deliveries.
struct DeliveryFold {
  int64_t rows = 0;          // delivery rows folded into the message's counts and deleted
  int64_t plan_entries = 0;  // entries of the message's plan folded with its last rows and deleted
};

// What the store keeps of a blast's plan besides its entries.
struct PlanHead {
  int64_t entries = 0;
  bool stopped = false;  // the blast was stopped: queued entries without a row are `stopped`
};

// A soft bounce (4.x.x, 5.2.1, 5.2.2) of one delivery to one contact point, kept until the address is
// marked bouncing (messaging/mail_ingest.h: three spanning 72 h). One row per delivery however many
// reports it draws.
struct SoftBounceRow {
  Channel channel = Channel::kEmail;
  ContactHash contact{};
  std::string message_id;
  int64_t seq = 0;
  Micros at = 0;
  std::string status;  // enhanced status code
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
struct PutDoc {  // insert or replace by (kind, id)
  OrgDoc doc;
};
struct PutSuppression {  // insert or replace by (org, channel, contact)
  SuppressionRow row;
};
struct DeleteSuppression {
  Channel channel;
  ContactHash contact;
};
struct MarkDelivery {  // in place, as Store::mark_delivery; a delivery that does not exist is left alone
  std::string message_id;
  int64_t seq = 0;
  DeliveryMark mark;
};
struct PutDelivery {  // insert or replace by (org, message, seq), as Store::put_deliveries
  DeliveryRow row;
};
struct DeleteDoc {
  std::string kind, id;
};
// Erasure (privacy/erasure.h). A person: their row, contact points, taggings, list items and action records
// go; the ledger entries recorded for them keep only what the chain covers (contact_ref, ip and user_agent
// blanked, the digests stay) and their deliveries lose the address.
struct ErasePerson {
  std::string person_id;
};
// A contact point, whoever held it: the plaintext of the ledger entries recorded under its keyed hash (or an
// alias of it) and the address of its deliveries are blanked.
struct EraseContact {
  Channel channel = Channel::kEmail;
  ContactHash contact{};
};
// A read of personal data for the access log: the store chains it after the organization's last entry
// inside the transaction (store/access_entry.h), so whatever seq/prev_hash/hash it carries are ignored.
struct AppendAccess {
  AccessEntry entry;
};
}  // namespace op

using Op = std::variant<op::PutPerson, op::PutContactPoint, op::DeleteContactPoint, op::AppendLedger,
                        op::PutTag, op::PutTagging, op::DeleteTagging, op::PutList, op::PutListItem,
                        op::PutCustomField, op::PutAction, op::PutActionRecord, op::PutDoc,
                        op::PutSuppression, op::DeleteSuppression, op::MarkDelivery, op::PutDelivery,
                        op::DeleteDoc, op::ErasePerson, op::EraseContact, op::AppendAccess>;

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
// A stored document that no longer decodes (e.g. invalid UTF-8 written by an older importer). Loading skips
// it instead of failing, so one bad row cannot keep every organization from starting; the row stays in its
// table untouched for the operator (`tocsin quarantine list`).
struct QuarantinedDoc {
  std::string table;   // "people", "actions", "action_records"
  std::string id;      // the row's id
  std::string reason;  // why it does not decode
  std::string doc;     // the stored bytes, as they are
};

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
  std::vector<OrgDoc> docs;                           // in creation order
  std::vector<SuppressionRow> suppressions;
  std::vector<QuarantinedDoc> quarantined;  // documents skipped because they do not decode
};

class OrgScope;

// A process's claim to be the one writer of a database that keeps state in memory (a server, an import): two
// would each assign the ledger chain's next position and fork it. Released when destroyed.
class WriterClaim {
 public:
  virtual ~WriterClaim() = default;
};

class Store {
 public:
  virtual ~Store() = default;

  // Claims the database for this process (WriterClaim), or 409 when another process holds it. SQLite: the
  // database lives in the data directory, whose lock (app/installation.h) is the claim, so this claims
  // nothing more. PostgreSQL: store/postgres/writer_claim.h.
  virtual Result<std::unique_ptr<WriterClaim>> claim_writer() = 0;

  // Platform-level records (above organizations).
  virtual Status create_org(const Org& org) = 0;
  virtual Result<std::vector<Org>> orgs() = 0;
  virtual Status put_api_key(const ApiKeyRecord& key) = 0;
  virtual Status revoke_api_key(const std::string& org_id, const std::string& key_id) = 0;
  virtual Result<std::vector<ApiKeyRecord>> api_keys() = 0;

  // Applies every op in order in one durable transaction; all or nothing.
  virtual Status apply(const WriteBatch& batch) = 0;

  // Writes one organization document from outside the serving process (the administrator's CLI) and logs
  // the change, so a running server applies it (doc_changes_since) within its refresh period.
  virtual Status put_doc_outside(const std::string& org_id, const OrgDoc& doc) = 0;
  struct DocChange {
    int64_t seq;
    std::string org_id;
    OrgDoc doc;  // the document as it is now
  };
  // One stored document, or nullopt.
  virtual Result<std::optional<OrgDoc>> org_doc(const std::string& org_id, std::string_view kind,
                                                const std::string& id) = 0;
  // Changes logged after `seq`, in order.
  virtual Result<std::vector<DocChange>> doc_changes_since(int64_t seq) = 0;
  // The newest change's seq (0 when none): a server starts reading changes after it.
  virtual Result<int64_t> last_doc_change() = 0;

  // After an erasure is committed: makes the removed bytes unreadable in the database's own files. SQLite
  // (the writer zeroes what it deletes, secure_delete) truncates the WAL; with `thorough` it also rewrites
  // the file (VACUUM), for bytes freed before secure_delete was on. PostgreSQL vacuums the tables erasure
  // touches, and with `thorough` rewrites them (VACUUM FULL: an exclusive lock, for a maintenance window);
  // its WAL and base backups hold the old rows until they are recycled (docs/PRIVACY.md).
  virtual Status scrub(bool thorough) = 0;

  // Platform-wide suppressions (above organizations; org_id of the rows is ignored).
  virtual Status put_platform_suppression(const SuppressionRow& row) = 0;
  virtual Result<std::vector<SuppressionRow>> platform_suppressions() = 0;

  OrgScope scope(std::string org_id);

  // Encryption at rest (store/sealing/): every read and write of a column that holds supporters' personal
  // data goes through sealer(), whose keys store/sealing/key_ring.h loads from the `data_keys` rows.
  FieldSealer& sealer() { return sealer_; }
  virtual Result<std::vector<DataKeyRow>> data_key_rows() = 0;
  // Adds a key; fails (409) if its id exists, so two rotations at once cannot overwrite each other's key.
  virtual Status insert_data_key(const DataKeyRow& row) = 0;
  // Replaces the wrapped form of existing keys (a new key-encryption key), in one durable transaction.
  virtual Status rewrap_data_key_rows(const std::vector<DataKeyRow>& rows) = 0;
  // One step of a rotation's walk through `table` (sealed_tables()): up to `limit` rows after `after`
  // (empty: from the start) in key order. Values not under the current key are sealed again, a row only if
  // it still holds what was read, so a concurrent write wins and a later walk seals it; one durable
  // transaction. With `count_only`, changes nothing and counts the stale values.
  virtual Result<ResealStep> reseal(const SealedTable& table, const RowKey& after, int limit,
                                    bool count_only) = 0;

 protected:
  FieldSealer sealer_;

  friend class OrgScope;
  virtual Result<OrgSnapshot> load_org(const std::string& org_id) = 0;
  virtual Status for_each_ledger_entry(const std::string& org_id,
                                       const std::function<bool(const StoredLedgerEntry&)>& fn) = 0;
  virtual Result<std::vector<StoredLedgerEntry>> ledger_for_contact(const std::string& org_id,
                                                                    const ContactHash& hash) = 0;
  virtual Result<std::string> disclosure_text(const std::string& disclosure_hash) = 0;
  // The access log (store/access_entry.h): entries matching `q` in seq order; and every entry, for
  // verification, until fn returns false.
  virtual Result<std::vector<AccessEntry>> access_log(const std::string& org_id, const AccessQuery& q) = 0;
  virtual Status for_each_access(const std::string& org_id,
                                 const std::function<bool(const AccessEntry&)>& fn) = 0;
  // Privacy records (evidence requests, data-subject requests) are read where needed, not held in memory.
  virtual Result<std::vector<OrgDoc>> org_docs_of_kind(const std::string& org_id, std::string_view kind) = 0;
  // Retention (privacy/retention.h): blanks the IP and user agent of at most `limit` ledger entries recorded
  // before `before` that still carry one (their digests stay, so the chain verifies), oldest first, in its
  // own durable transaction; returns how many. With `count_only`, changes nothing and counts them all.
  virtual Result<int64_t> blank_ledger_evidence(const std::string& org_id, Micros before, int64_t limit,
                                                bool count_only) = 0;
  // Retention (privacy/retention.h): folds at most `limit` of one message's delivery rows, lowest seq
  // first, into the message's counts (DeliveryGroup per state and reason, kept in `delivery_counts`) and
  // deletes them, in one durable transaction. Once no row is left, the same transaction folds the message's
  // plan (its entries without a row, per combine_groups) into the counts and deletes the plan, whose
  // entries name every recipient. delivery_tally and delivery_groups add the counts, so a message's
  // statistics read the same before, during and after. Nothing is folded while any row of the message was
  // updated at or after `before`, or is still pending (queued, deferred, handing): a message still sending,
  // or one a receipt or an open touched since, waits for a later sweep. With `count_only`, changes nothing
  // and counts what the whole aggregation of the message would fold.
  virtual Result<DeliveryFold> aggregate_deliveries(const std::string& org_id, const std::string& message_id,
                                                    Micros before, int64_t limit, bool count_only) = 0;
  virtual Status put_deliveries(const std::string& org_id, const std::vector<DeliveryRow>& rows) = 0;
  virtual Status for_each_delivery(const std::string& org_id, const std::string& message_id,
                                   const std::function<bool(const DeliveryRow&)>& fn) = 0;
  virtual Result<std::optional<DeliveryRow>> delivery(const std::string& org_id,
                                                      const std::string& message_id, int64_t seq) = 0;
  virtual Status for_each_recent_send(const std::string& org_id, Micros since,
                                      const std::function<void(const DeliveryRow&)>& fn) = 0;
  // Mail feedback (migration 4).
  virtual Result<std::optional<DeliveryRow>> delivery_for_person(const std::string& org_id,
                                                                 const std::string& message_id,
                                                                 const std::string& person_id) = 0;
  virtual Status mark_delivery(const std::string& org_id, const std::string& message_id, int64_t seq,
                               const DeliveryMark& mark) = 0;
  virtual Result<DeliveryTally> delivery_tally(const std::string& org_id, const std::string& message_id) = 0;
  virtual Result<std::vector<DeliveryGroup>> delivery_groups(const std::string& org_id,
                                                             const std::string& message_id) = 0;
  // The message's hourly counts (migration 12), oldest hour first.
  virtual Result<std::vector<DeliveryHour>> delivery_hours(const std::string& org_id,
                                                           const std::string& message_id) = 0;
  virtual Status put_plan(const std::string& org_id, const std::string& message_id,
                          const DeliveryPlan& plan) = 0;
  virtual Result<std::optional<PlanHead>> load_plan(const std::string& org_id, const std::string& message_id,
                                                    DeliveryPlan* into) = 0;
  virtual Status stop_plan(const std::string& org_id, const std::string& message_id) = 0;
  virtual Status add_soft_bounce(const std::string& org_id, const SoftBounceRow& row) = 0;
  virtual Result<std::vector<SoftBounceRow>> soft_bounces(const std::string& org_id, Channel channel,
                                                          const ContactHash& contact) = 0;
  virtual Status clear_soft_bounces(const std::string& org_id, Channel channel,
                                    const ContactHash& contact) = 0;
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
  // Entries of one contact point in seq order, including those recorded under its aliases (spellings of an
  // email address before migration 6).
  Result<std::vector<StoredLedgerEntry>> ledger_for_contact(const ContactHash& hash) {
    return store_->ledger_for_contact(org_id_, hash);
  }
  Result<std::string> disclosure_text(const std::string& hash) { return store_->disclosure_text(hash); }
  // The access log: entries matching `q` (store/access_entry.h), and every entry in seq order.
  Result<std::vector<AccessEntry>> access_log(const AccessQuery& q) { return store_->access_log(org_id_, q); }
  Status for_each_access(const std::function<bool(const AccessEntry&)>& fn) {
    return store_->for_each_access(org_id_, fn);
  }
  // The organization's documents of one kind, in creation order.
  Result<std::vector<OrgDoc>> docs_of_kind(std::string_view kind) {
    return store_->org_docs_of_kind(org_id_, kind);
  }
  // One document, or nullopt.
  Result<std::optional<OrgDoc>> doc(std::string_view kind, const std::string& id) {
    return store_->org_doc(org_id_, kind, id);
  }

  // Retention: the IP and user agent of ledger entries recorded before `before`
  // (Store::blank_ledger_evidence).
  Result<int64_t> blank_evidence_before(Micros before, int64_t limit) {
    return store_->blank_ledger_evidence(org_id_, before, limit, false);
  }
  Result<int64_t> evidence_before(Micros before) {
    return store_->blank_ledger_evidence(org_id_, before, 0, true);
  }

  // Retention: one message's old deliveries folded into its counts (Store::aggregate_deliveries), and
  // what that would fold.
  Result<DeliveryFold> aggregate_deliveries(const std::string& message_id, Micros before, int64_t limit) {
    return store_->aggregate_deliveries(org_id_, message_id, before, limit, false);
  }
  Result<DeliveryFold> deliveries_to_aggregate(const std::string& message_id, Micros before) {
    return store_->aggregate_deliveries(org_id_, message_id, before, 0, true);
  }

  // Delivery state is written outside group commits: a blast writes it in its own transactions (its plan,
  // a dispatch round's marks and outcomes), insert-or-replace by (message_id, seq), durable on return.
  Status put_deliveries(const std::vector<DeliveryRow>& rows) {
    return store_->put_deliveries(org_id_, rows);
  }
  // One message's rows in seq order, until fn returns false: for a planned blast, the deliveries that left
  // the plan (the others are its entries, load_plan).
  Status for_each_delivery(const std::string& message_id, const std::function<bool(const DeliveryRow&)>& fn) {
    return store_->for_each_delivery(org_id_, message_id, fn);
  }
  Result<std::optional<DeliveryRow>> delivery(const std::string& message_id, int64_t seq) {
    return store_->delivery(org_id_, message_id, seq);
  }
  // Deliveries handed over at or after `since` (rebuilds the frequency-cap history at start).
  Status for_each_recent_send(Micros since, const std::function<void(const DeliveryRow&)>& fn) {
    return store_->for_each_recent_send(org_id_, since, fn);
  }

  // Mail feedback (bounces, complaints, unsubscribes), each in its own durable transaction.
  // The delivery of one message to one person (the first, if the plan had them twice), or nullopt.
  Result<std::optional<DeliveryRow>> delivery_for_person(const std::string& message_id,
                                                         const std::string& person_id) {
    return store_->delivery_for_person(org_id_, message_id, person_id);
  }
  // Updates one delivery in place; a delivery that does not exist is left alone (not an error).
  Status mark_delivery(const std::string& message_id, int64_t seq, const DeliveryMark& mark) {
    return store_->mark_delivery(org_id_, message_id, seq, mark);
  }
  Result<DeliveryTally> delivery_tally(const std::string& message_id) {
    return store_->delivery_tally(org_id_, message_id);
  }
  // Statistics: the rows' groups and the counts retention folded them into, and for a message with a plan
  // its entries that have no row (store/delivery_plan.h combine_groups), in one read snapshot.
  Result<std::vector<DeliveryGroup>> delivery_groups(const std::string& message_id) {
    return store_->delivery_groups(org_id_, message_id);
  }
  Result<std::vector<DeliveryHour>> delivery_hours(const std::string& message_id) {
    return store_->delivery_hours(org_id_, message_id);
  }

  // A blast's plan (store/delivery_plan.h): every recipient in seq order, in chunks, with its counts by
  // state and reason; one durable transaction, replacing an earlier plan of the message.
  Status put_plan(const std::string& message_id, const DeliveryPlan& plan) {
    return store_->put_plan(org_id_, message_id, plan);
  }
  // The plan's head, appending its entries to `into` unless null; nullopt when the message has no plan (it
  // was planned before migration 5, with a row per recipient, or never sent).
  Result<std::optional<PlanHead>> load_plan(const std::string& message_id, DeliveryPlan* into) {
    return store_->load_plan(org_id_, message_id, into);
  }
  // Halting a blast: its queued entries without a row are `stopped` from now on (statistics, resume), so a
  // halt needs no row per pending recipient. No plan: nothing to do.
  Status stop_plan(const std::string& message_id) { return store_->stop_plan(org_id_, message_id); }
  // Inserts a soft bounce; a second one for the same delivery and contact is ignored.
  Status add_soft_bounce(const SoftBounceRow& row) { return store_->add_soft_bounce(org_id_, row); }
  // One contact point's soft bounces, oldest first.
  Result<std::vector<SoftBounceRow>> soft_bounces(Channel channel, const ContactHash& contact) {
    return store_->soft_bounces(org_id_, channel, contact);
  }
  Status clear_soft_bounces(Channel channel, const ContactHash& contact) {
    return store_->clear_soft_bounces(org_id_, channel, contact);
  }

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
  // The installation's contact-hash key, for migrations that re-key (migration 6). Without it, opening a
  // database that holds email contact points and still needs migration 6 fails.
  std::optional<ContactHasher> hasher;
  // The installation's key-encryption key (store/sealing/key_ring.h open_data_keys): with it, personal data
  // is sealed (a first data key is created if there is none); without it, a database that holds data keys
  // does not open.
  std::optional<KeyEncryptionKey> kek;
  bool new_installation = false;  // `tocsin init`: data keys already there are another installation's
};

// Opens (creating and migrating if needed) the embedded SQLite store at `path`.
Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path, const SqliteOptions& options = {});

}  // namespace tocsin::store

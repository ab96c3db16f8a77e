// SQLite implementation of the Store contract (store/store.h).
//
// Durability: WAL journal with synchronous=FULL, so a COMMIT returns only after the WAL is fsync'd; the
// group committer (store/group_commit.h) amortizes that fsync over many client writes.
// Concurrency: one connection for writes and one for reads, each behind its own mutex; WAL lets the reader
// proceed while a write transaction is open. Checkpoints run on a third connection and thread
// (sqlite/checkpointer.h), not inside a commit (the writer has auto-checkpoint off) unless that thread
// has fallen far behind.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <limits>
#include <mutex>

#include "actions/action_codec.h"
#include "core/person_codec.h"
#include "core/text.h"
#include "store/contact_hash_bytes.h"
#include "store/delivery_plan.h"
#include "store/migrations/migrations.h"
#include "store/sealing/key_ring.h"
#include "store/sealing/open_document.h"
#include "store/sqlite/checkpointer.h"
#include "store/sqlite/ledger_row.h"
#include "store/sqlite/statement.h"
#include "store/store.h"

namespace tocsin::store {
namespace {

using sqlite::Connection;
using sqlite::kLedgerColumns;
using sqlite::read_ledger_row;
using sqlite::Statement;

Status configure(Connection& c) {
  return c.exec(
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
      "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-65536; PRAGMA busy_timeout=10000;");
}

Status migrate(Connection& c, const SqliteOptions& options) {
  const MigrationContext ctx{options.hasher ? &*options.hasher : nullptr, now_micros()};
  if (auto s = c.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                      "description TEXT NOT NULL, applied INTEGER NOT NULL)");
      !s)
    return s;
  for (const auto& m : sqlite_migrations()) {
    Statement q(c, "SELECT 1 FROM schema_migrations WHERE version = ?");
    q.bind(1, int64_t{m.version});
    if (q.step() == SQLITE_ROW) continue;
    if (auto s = c.exec("BEGIN IMMEDIATE"); !s) return s;
    Status s = c.exec(m.sql);
    if (s && m.data_step) s = m.data_step(c, ctx);
    if (!s) {
      (void)c.exec("ROLLBACK");
      return internal_error("migration " + std::to_string(m.version) + " failed: " + s.error().message);
    }
    Statement rec(c, "INSERT INTO schema_migrations (version, description, applied) VALUES (?, ?, ?)");
    rec.bind(1, int64_t{m.version}).bind(2, m.description).bind(3, now_micros());
    if (!rec.run() || !c.exec("COMMIT")) return internal_error("migration bookkeeping failed");
    spdlog::info("database migrated to version {}: {}", m.version, m.description);
  }
  return Ok{};
}

// Entries per stored plan chunk (~700 KB): big enough that a 1,000,000-recipient plan is 62 inserts, small
// enough that no single value approaches SQLite's limits.
constexpr size_t kPlanChunkEntries = 16384;

constexpr const char* kDeliveryColumns =
    "org_id, message_id, seq, person_id, channel, contact_hash, address, state, reason, attempts, next_at, "
    "handed_at, updated, gateway_id, events";

DeliveryRow read_delivery_row(const Statement& q, const FieldSealer& sealer) {
  DeliveryRow d;
  d.message_id = q.text(1);
  d.seq = q.integer(2);
  d.person_id = q.text(3);
  d.channel = static_cast<Channel>(q.integer(4));
  d.contact = to_contact_hash(q.blob(5));
  d.address = sealer.open_or_stored(q.text(6), SealedColumn::kDeliveryAddress);
  d.state = static_cast<DeliveryState>(q.integer(7));
  d.reason = q.text(8);
  d.attempts = static_cast<int>(q.integer(9));
  d.next_at = q.integer(10);
  d.handed_at = q.integer(11);
  d.updated = q.integer(12);
  d.gateway_id = q.text(13);
  d.events = static_cast<int>(q.integer(14));
  return d;
}

class SqliteStore final : public Store {
 public:
  Status open(const std::string& path, const SqliteOptions& options) {
    if (auto s = writer_.open(path); !s) return s;
    if (auto s = configure(writer_); !s) return s;
    // Deleted and overwritten content is zeroed in the pages that held it, so an erased person's bytes do
    // not linger in free space (privacy/erasure.h); scrub() then truncates the WAL that held the old pages.
    if (auto s = writer_.exec("PRAGMA secure_delete=ON"); !s) return s;
    if (auto s = migrate(writer_, options); !s) return s;
    if (auto s = reader_.open(path); !s) return s;
    if (auto s = configure(reader_); !s) return s;
    checkpoint_pages_ = options.checkpoint_pages;
    if (auto s = checkpointer_.start(path, {options.checkpoint_pages, options.checkpoint_period}, write_mu_);
        !s)
      return s;
    // When the WAL starts over, a file grown past twice the threshold is truncated back to that size.
    Statement page_size(writer_, "PRAGMA page_size");
    int64_t page_bytes = page_size.step() == SQLITE_ROW ? page_size.integer(0) : 4096;
    std::string limit =
        "PRAGMA journal_size_limit=" + std::to_string(page_bytes * 2 * options.checkpoint_pages);
    if (auto s = writer_.exec(limit.c_str()); !s) return s;
    if (auto s = writer_.exec("PRAGMA wal_autocheckpoint=0"); !s) return s;
    sqlite3_wal_hook(writer_.handle(), &SqliteStore::on_wal_commit, this);
    return prepare_writes();
  }

  // The database file lives in the data directory, whose lock is the claim (app/installation.h).
  Result<std::unique_ptr<WriterClaim>> claim_writer() override { return std::make_unique<WriterClaim>(); }

  Status create_org(const Org& o) override {
    std::lock_guard lock(write_mu_);
    Statement q(writer_,
                "INSERT INTO orgs (id, name, default_region, gdpr, suspended, created) VALUES (?,?,?,?,?,?)");
    q.bind(1, o.id).bind(2, o.name).bind(3, o.default_region).bind(4, int64_t{o.gdpr_applies});
    q.bind(5, int64_t{o.suspended}).bind(6, o.created);
    if (!q.run()) return internal_error("cannot create organization: " + writer_.last_error());
    return Ok{};
  }

  Result<std::vector<Org>> orgs() override {
    std::lock_guard lock(read_mu_);
    Statement q(reader_,
                "SELECT id, name, default_region, gdpr, suspended, created FROM orgs ORDER BY created");
    std::vector<Org> out;
    while (q.step() == SQLITE_ROW) {
      Org o;
      o.id = q.text(0);
      o.name = q.text(1);
      o.default_region = q.text(2);
      o.gdpr_applies = q.integer(3) != 0;
      o.suspended = q.integer(4) != 0;
      o.created = q.integer(5);
      out.push_back(std::move(o));
    }
    return out;
  }

  Status put_api_key(const ApiKeyRecord& k) override {
    std::lock_guard lock(write_mu_);
    Statement q(writer_, "INSERT INTO api_keys (id, org_id, hash, created, revoked) VALUES (?,?,?,?,?)");
    q.bind(1, k.id).bind(2, k.org_id).bind(3, k.hash_hex).bind(4, k.created).bind(5, int64_t{k.revoked});
    if (!q.run()) return internal_error("cannot store API key: " + writer_.last_error());
    return Ok{};
  }

  Status revoke_api_key(const std::string& org_id, const std::string& key_id) override {
    std::lock_guard lock(write_mu_);
    Statement q(writer_, "UPDATE api_keys SET revoked = 1 WHERE org_id = ? AND id = ?");
    q.bind(1, org_id).bind(2, key_id);
    if (!q.run()) return internal_error("cannot revoke API key: " + writer_.last_error());
    if (sqlite3_changes(writer_.handle()) == 0) return not_found("no such API key for this organization");
    return Ok{};
  }

  Result<std::vector<ApiKeyRecord>> api_keys() override {
    std::lock_guard lock(read_mu_);
    Statement q(reader_, "SELECT id, org_id, hash, created, revoked FROM api_keys");
    std::vector<ApiKeyRecord> out;
    while (q.step() == SQLITE_ROW) {
      ApiKeyRecord k;
      k.id = q.text(0);
      k.org_id = q.text(1);
      k.hash_hex = q.text(2);
      k.created = q.integer(3);
      k.revoked = q.integer(4) != 0;
      out.push_back(std::move(k));
    }
    return out;
  }

  Status apply(const WriteBatch& batch) override {
    if (batch.empty()) return Ok{};
    return write_transaction([&] {
      for (const auto& sop : batch.ops())
        if (!std::visit([&](const auto& o) { return write(sop.org_id, o); }, sop.op)) return false;
      return true;
    });
  }

  Status put_doc_outside(const std::string& org_id, const OrgDoc& doc) override {
    return write_transaction([&] {
      if (!write(org_id, op::PutDoc{doc})) return false;
      Statement log(writer_, "INSERT INTO doc_changes (org_id, kind, id) VALUES (?,?,?)");
      log.bind(1, org_id).bind(2, doc.kind).bind(3, doc.id);
      return log.run();
    });
  }

  Result<std::vector<DocChange>> doc_changes_since(int64_t seq) override {
    std::lock_guard lock(read_mu_);
    Statement q(reader_,
                "SELECT c.seq, c.org_id, c.kind, c.id, d.doc FROM doc_changes c JOIN org_docs d ON "
                "d.org_id = c.org_id AND d.kind = c.kind AND d.id = c.id WHERE c.seq > ? ORDER BY c.seq");
    q.bind(1, seq);
    std::vector<DocChange> out;
    while (q.step() == SQLITE_ROW) {
      auto doc = sealer_.open(q.text(4), SealedColumn::kOrgDoc);
      if (!doc) return doc.error();
      out.push_back({q.integer(0),
                     std::string(q.text(1)),
                     {std::string(q.text(2)), std::string(q.text(3)), std::move(doc).value()}});
    }
    return out;
  }

  Result<std::optional<OrgDoc>> org_doc(const std::string& org_id, std::string_view kind,
                                        const std::string& id) override {
    std::lock_guard lock(read_mu_);
    Statement q(reader_, "SELECT doc FROM org_docs WHERE org_id = ? AND kind = ? AND id = ?");
    q.bind(1, org_id).bind(2, std::string(kind)).bind(3, id);
    if (q.step() != SQLITE_ROW) return std::optional<OrgDoc>{};
    auto doc = sealer_.open(q.text(0), SealedColumn::kOrgDoc);
    if (!doc) return doc.error();
    return std::optional<OrgDoc>(OrgDoc{std::string(kind), id, std::move(doc).value()});
  }

  Result<std::vector<OrgDoc>> org_docs_of_kind(const std::string& org_id, std::string_view kind) override {
    std::lock_guard lock(read_mu_);
    Statement q(reader_, "SELECT id, doc FROM org_docs WHERE org_id = ? AND kind = ? ORDER BY rowid");
    q.bind(1, org_id).bind(2, std::string(kind));
    std::vector<OrgDoc> out;
    while (q.step() == SQLITE_ROW) {
      auto doc = sealer_.open(q.text(1), SealedColumn::kOrgDoc);
      if (!doc) return doc.error();
      out.push_back(OrgDoc{std::string(kind), std::string(q.text(0)), std::move(doc).value()});
    }
    return out;
  }

  Result<int64_t> last_doc_change() override {
    std::lock_guard lock(read_mu_);
    Statement q(reader_, "SELECT COALESCE(MAX(seq), 0) FROM doc_changes");
    if (q.step() != SQLITE_ROW) return internal_error("cannot read doc_changes: " + reader_.last_error());
    return q.integer(0);
  }

  Status scrub(bool thorough) override {
    std::lock_guard lock(write_mu_);
    if (thorough)
      if (auto s = writer_.exec("VACUUM"); !s) return s;
    int rc =
        sqlite3_wal_checkpoint_v2(writer_.handle(), nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
    if (rc != SQLITE_OK) return internal_error("cannot truncate the WAL: " + writer_.last_error());
    return Ok{};
  }

  Status put_platform_suppression(const SuppressionRow& row) override {
    SuppressionRow r = row;
    r.org_id.clear();
    return write_transaction([&] { return write_suppression(r); });
  }

  Result<std::vector<SuppressionRow>> platform_suppressions() override {
    std::lock_guard lock(read_mu_);
    return read_suppressions("");
  }

  Status put_deliveries(const std::string& org_id, const std::vector<DeliveryRow>& rows) override {
    if (rows.empty()) return Ok{};
    return write_transaction([&] {
      for (const auto& d : rows)
        if (!write_delivery(org_id, d)) return false;
      return true;
    });
  }

  bool write_delivery(const std::string& org_id, const DeliveryRow& d) {
    auto h = hash_view(d.contact);
    auto& q = put_delivery_->reset();
    q.bind(1, org_id).bind(2, d.message_id).bind(3, d.seq).bind(4, d.person_id);
    q.bind(5, int64_t{static_cast<int>(d.channel)}).bind_blob(6, h.data(), h.size());
    q.bind(7, sealer_.seal(d.address, SealedColumn::kDeliveryAddress));
    q.bind(8, int64_t{static_cast<int>(d.state)}).bind(9, d.reason).bind(10, int64_t{d.attempts});
    q.bind(11, d.next_at).bind(12, d.handed_at).bind(13, d.updated).bind(14, d.gateway_id);
    q.bind(15, int64_t{d.events});
    return q.run();
  }

  Status for_each_delivery(const std::string& org_id, const std::string& message_id,
                           const std::function<bool(const DeliveryRow&)>& fn) override {
    std::lock_guard lock(read_mu_);
    std::string sql = std::string("SELECT ") + kDeliveryColumns +
                      " FROM deliveries WHERE org_id = ? AND message_id = ? ORDER BY seq";
    Statement q(reader_, sql.c_str());
    q.bind(1, org_id).bind(2, message_id);
    int rc;
    while ((rc = q.step()) == SQLITE_ROW)
      if (!fn(read_delivery_row(q, sealer_))) return Ok{};
    if (rc != SQLITE_DONE) return internal_error("delivery read failed: " + reader_.last_error());
    return Ok{};
  }

  Result<std::optional<DeliveryRow>> delivery(const std::string& org_id, const std::string& message_id,
                                              int64_t seq) override {
    std::lock_guard lock(read_mu_);
    std::string sql = std::string("SELECT ") + kDeliveryColumns +
                      " FROM deliveries WHERE org_id = ? AND message_id = ? AND seq = ?";
    Statement q(reader_, sql.c_str());
    q.bind(1, org_id).bind(2, message_id).bind(3, seq);
    if (q.step() != SQLITE_ROW) return std::optional<DeliveryRow>{};
    return std::optional<DeliveryRow>(read_delivery_row(q, sealer_));
  }

  Status for_each_recent_send(const std::string& org_id, Micros since,
                              const std::function<void(const DeliveryRow&)>& fn) override {
    std::lock_guard lock(read_mu_);
    std::string sql = std::string("SELECT ") + kDeliveryColumns +
                      " FROM deliveries INDEXED BY deliveries_by_handed WHERE org_id = ? AND handed_at > 0 "
                      "AND handed_at >= ?";
    Statement q(reader_, sql.c_str());
    q.bind(1, org_id).bind(2, since);
    int rc;
    while ((rc = q.step()) == SQLITE_ROW) fn(read_delivery_row(q, sealer_));
    if (rc != SQLITE_DONE) return internal_error("delivery read failed: " + reader_.last_error());
    return Ok{};
  }
  Result<std::optional<DeliveryRow>> delivery_for_person(const std::string& org_id,
                                                         const std::string& message_id,
                                                         const std::string& person_id) override {
    std::lock_guard lock(read_mu_);
    std::string sql = std::string("SELECT ") + kDeliveryColumns +
                      " FROM deliveries INDEXED BY deliveries_by_person WHERE org_id = ? AND message_id = ? "
                      "AND person_id = ? ORDER BY seq LIMIT 1";
    Statement q(reader_, sql.c_str());
    q.bind(1, org_id).bind(2, message_id).bind(3, person_id);
    if (q.step() != SQLITE_ROW) return std::optional<DeliveryRow>{};
    return std::optional<DeliveryRow>(read_delivery_row(q, sealer_));
  }

  Status mark_delivery(const std::string& org_id, const std::string& message_id, int64_t seq,
                       const DeliveryMark& m) override {
    return write_transaction([&] { return write(org_id, op::MarkDelivery{message_id, seq, m}); });
  }

  Result<DeliveryTally> delivery_tally(const std::string& org_id, const std::string& message_id) override {
    std::lock_guard lock(read_mu_);
    (void)reader_.exec("BEGIN");  // the rows and the counts retention folded rows into, from one snapshot
    auto tally = [&]() -> Result<DeliveryTally> {
      Statement q(reader_,
                  "SELECT count(*) FILTER (WHERE handed_at > 0), count(*) FILTER (WHERE state = ?1), "
                  "count(*) FILTER (WHERE state = ?4 AND reason LIKE 'hard bounce%5.1.1%'), "
                  "count(*) FILTER (WHERE handed_at > 0 AND state IN (?4, ?5)) "
                  "FROM deliveries WHERE org_id = ?2 AND message_id = ?3");
      q.bind(1, int64_t{static_cast<int>(DeliveryState::kComplained)})
          .bind(2, org_id)
          .bind(3, message_id)
          .bind(4, int64_t{static_cast<int>(DeliveryState::kBounced)})
          .bind(5, int64_t{static_cast<int>(DeliveryState::kFailed)});
      if (q.step() != SQLITE_ROW) return internal_error("delivery tally failed: " + reader_.last_error());
      DeliveryTally t{q.integer(0), q.integer(1), q.integer(2), q.integer(3)};
      for (const auto& g : count_groups(reader_, org_id, message_id)) {
        t.handed_over += g.handed_over;
        if (g.state == DeliveryState::kComplained) t.complained += g.count;
      }
      return t;
    }();
    (void)reader_.exec("COMMIT");
    return tally;
  }

  Result<std::vector<DeliveryHour>> delivery_hours(const std::string& org_id,
                                                   const std::string& message_id) override {
    std::lock_guard lock(read_mu_);
    Statement q(
        reader_,
        "SELECT hour, kind, count FROM delivery_hours WHERE org_id = ? AND message_id = ? ORDER BY hour");
    q.bind(1, org_id).bind(2, message_id);
    std::vector<DeliveryHour> out;
    int rc;
    while ((rc = q.step()) == SQLITE_ROW)
      out.push_back({q.integer(0), static_cast<HourKind>(q.integer(1)), q.integer(2)});
    if (rc != SQLITE_DONE) return internal_error("cannot read delivery hours: " + reader_.last_error());
    return out;
  }

  Result<std::vector<DeliveryGroup>> delivery_groups(const std::string& org_id,
                                                     const std::string& message_id) override {
    std::lock_guard lock(read_mu_);
    (void)reader_.exec("BEGIN");  // the plan's counts and the rows that left it, from one snapshot
    auto rows = row_groups(org_id, message_id);
    if (rows)  // the rows retention folded count as rows (each one a queued entry that left the plan)
      for (auto& g : count_groups(reader_, org_id, message_id)) rows->push_back(std::move(g));
    auto head = read_plan_head(org_id, message_id);
    std::vector<DeliveryGroup> plan;
    if (rows && head && *head) {
      Statement q(
          reader_,
          "SELECT state, reason, count FROM delivery_plan_groups WHERE org_id = ? AND message_id = ?");
      q.bind(1, org_id).bind(2, message_id);
      while (q.step() == SQLITE_ROW)
        plan.push_back(
            {static_cast<DeliveryState>(q.integer(0)), std::string(q.text(1)), q.integer(2), 0, 0, 0});
    }
    (void)reader_.exec("COMMIT");
    if (!rows) return rows.error();
    if (!head) return head.error();
    if (!*head) return rows;
    return combine_groups(plan, (*head)->stopped, rows.value());
  }

  Result<DeliveryFold> aggregate_deliveries(const std::string& org_id, const std::string& message_id,
                                            Micros before, int64_t limit, bool count_only) override {
    DeliveryFold fold;
    if (count_only) {
      std::lock_guard lock(read_mu_);
      (void)reader_.exec("BEGIN");
      if (aggregation_due(reader_, org_id, message_id, before)) {
        Statement rows(reader_, "SELECT count(*) FROM deliveries WHERE org_id = ? AND message_id = ?");
        rows.bind(1, org_id).bind(2, message_id);
        fold.rows = rows.step() == SQLITE_ROW ? rows.integer(0) : 0;
        if (auto head = read_plan_head(org_id, message_id); head && *head)
          fold.plan_entries = (*head)->entries;
      }
      (void)reader_.exec("COMMIT");
      return fold;
    }
    auto s = write_transaction([&] {
      if (!aggregation_due(writer_, org_id, message_id, before)) return true;
      // The batch: rows up to the limit-th seq (all of them when fewer are left).
      int64_t last = std::numeric_limits<int64_t>::max();
      {
        Statement q(writer_,
                    "SELECT seq FROM deliveries WHERE org_id = ? AND message_id = ? ORDER BY seq LIMIT 1 "
                    "OFFSET ?");
        q.bind(1, org_id).bind(2, message_id).bind(3, std::max<int64_t>(limit, 1) - 1);
        if (q.step() == SQLITE_ROW) last = q.integer(0);
      }
      // Grouped as row_groups groups them, added to what earlier batches folded.
      Statement add(
          writer_,
          "INSERT INTO delivery_counts (org_id, message_id, state, reason, count, opened, clicked, "
          "unsubscribed, handed_over) SELECT org_id, message_id, state, CASE WHEN state IN (?, ?) "
          "THEN reason ELSE '' END AS grouped, count(*), count(*) FILTER (WHERE events & ?), "
          "count(*) FILTER (WHERE events & ?), count(*) FILTER (WHERE events & ?), "
          "count(*) FILTER (WHERE handed_at > 0) FROM deliveries WHERE org_id = ? AND "
          "message_id = ? AND seq <= ? GROUP BY state, grouped "
          "ON CONFLICT (org_id, message_id, state, reason) DO UPDATE SET "
          "count = count + excluded.count, opened = opened + excluded.opened, "
          "clicked = clicked + excluded.clicked, unsubscribed = unsubscribed + excluded.unsubscribed, "
          "handed_over = handed_over + excluded.handed_over");
      add.bind(1, int64_t{static_cast<int>(DeliveryState::kSuppressed)})
          .bind(2, int64_t{static_cast<int>(DeliveryState::kBlocked)});
      add.bind(3, int64_t{kOpened}).bind(4, int64_t{kClicked}).bind(5, int64_t{kUnsubscribed});
      add.bind(6, org_id).bind(7, message_id).bind(8, last);
      if (!add.run()) return false;
      Statement del(writer_, "DELETE FROM deliveries WHERE org_id = ? AND message_id = ? AND seq <= ?");
      if (!del.bind(1, org_id).bind(2, message_id).bind(3, last).run()) return false;
      fold.rows = sqlite3_changes(writer_.handle());
      Statement left(writer_, "SELECT 1 FROM deliveries WHERE org_id = ? AND message_id = ? LIMIT 1");
      left.bind(1, org_id).bind(2, message_id);
      if (left.step() == SQLITE_ROW) return true;
      return fold_plan_into_counts(org_id, message_id, fold);
    });
    if (!s) return s.error();
    return fold;
  }

  Status put_plan(const std::string& org_id, const std::string& message_id,
                  const DeliveryPlan& plan) override {
    auto groups = plan_groups(plan);
    return write_transaction([&] {
      for (const char* table : {"delivery_plans", "delivery_plan_groups", "delivery_plan_chunks"}) {
        std::string sql = std::string("DELETE FROM ") + table + " WHERE org_id = ? AND message_id = ?";
        Statement del(writer_, sql.c_str());
        if (!del.bind(1, org_id).bind(2, message_id).run()) return false;
      }
      Statement head(writer_,
                     "INSERT INTO delivery_plans (org_id, message_id, entries, stopped, created) "
                     "VALUES (?,?,?,0,?)");
      head.bind(1, org_id)
          .bind(2, message_id)
          .bind(3, static_cast<int64_t>(plan.size()))
          .bind(4, now_micros());
      if (!head.run()) return false;
      for (const auto& g : groups) {
        Statement q(writer_,
                    "INSERT INTO delivery_plan_groups (org_id, message_id, state, reason, count) "
                    "VALUES (?,?,?,?,?)");
        q.bind(1, org_id).bind(2, message_id).bind(3, int64_t{static_cast<int>(g.state)}).bind(4, g.reason);
        if (!q.bind(5, g.count).run()) return false;
      }
      Statement chunk(
          writer_, "INSERT INTO delivery_plan_chunks (org_id, message_id, chunk, entries) VALUES (?,?,?,?)");
      for (size_t i = 0, n = 0; i < plan.size(); i += kPlanChunkEntries, ++n) {
        std::string blob = plan.encode(i, i + kPlanChunkEntries);
        chunk.reset().bind(1, org_id).bind(2, message_id).bind(3, static_cast<int64_t>(n));
        if (!chunk.bind_blob(4, blob.data(), blob.size()).run()) return false;
      }
      return true;
    });
  }

  Result<std::optional<PlanHead>> load_plan(const std::string& org_id, const std::string& message_id,
                                            DeliveryPlan* into) override {
    std::lock_guard lock(read_mu_);
    (void)reader_.exec("BEGIN");
    auto head = read_plan_head(org_id, message_id);
    if (head && *head && into) {
      Statement q(
          reader_,
          "SELECT entries FROM delivery_plan_chunks WHERE org_id = ? AND message_id = ? ORDER BY chunk");
      q.bind(1, org_id).bind(2, message_id);
      int rc;
      while ((rc = q.step()) == SQLITE_ROW)
        if (!into->decode_append(q.blob(0))) {
          rc = SQLITE_CORRUPT;
          break;
        }
      if (rc != SQLITE_DONE || static_cast<int64_t>(into->size()) != (*head)->entries)
        head = internal_error("the delivery plan of message " + message_id + " cannot be read");
    }
    (void)reader_.exec("COMMIT");
    return head;
  }

  Status stop_plan(const std::string& org_id, const std::string& message_id) override {
    return write_transaction([&] {
      Statement q(writer_, "UPDATE delivery_plans SET stopped = 1 WHERE org_id = ? AND message_id = ?");
      return q.bind(1, org_id).bind(2, message_id).run();
    });
  }

  Status add_soft_bounce(const std::string& org_id, const SoftBounceRow& r) override {
    return write_transaction([&] {
      auto h = hash_view(r.contact);
      Statement q(writer_,
                  "INSERT OR IGNORE INTO soft_bounces (org_id, channel, contact_hash, message_id, seq, at, "
                  "status) VALUES (?,?,?,?,?,?,?)");
      q.bind(1, org_id).bind(2, int64_t{static_cast<int>(r.channel)}).bind_blob(3, h.data(), h.size());
      q.bind(4, r.message_id).bind(5, r.seq).bind(6, r.at).bind(7, r.status);
      return q.run();
    });
  }

  Result<std::vector<SoftBounceRow>> soft_bounces(const std::string& org_id, Channel channel,
                                                  const ContactHash& contact) override {
    std::lock_guard lock(read_mu_);
    auto h = hash_view(contact);
    Statement q(reader_,
                "SELECT message_id, seq, at, status FROM soft_bounces WHERE org_id = ? AND channel = ? AND "
                "contact_hash = ? ORDER BY at");
    q.bind(1, org_id).bind(2, int64_t{static_cast<int>(channel)}).bind_blob(3, h.data(), h.size());
    std::vector<SoftBounceRow> out;
    int rc;
    while ((rc = q.step()) == SQLITE_ROW)
      out.push_back(
          {channel, contact, std::string(q.text(0)), q.integer(1), q.integer(2), std::string(q.text(3))});
    if (rc != SQLITE_DONE) return internal_error("soft bounce read failed: " + reader_.last_error());
    return out;
  }

  Status clear_soft_bounces(const std::string& org_id, Channel channel, const ContactHash& contact) override {
    return write_transaction([&] {
      auto h = hash_view(contact);
      Statement q(writer_, "DELETE FROM soft_bounces WHERE org_id = ? AND channel = ? AND contact_hash = ?");
      q.bind(1, org_id).bind(2, int64_t{static_cast<int>(channel)}).bind_blob(3, h.data(), h.size());
      return q.run();
    });
  }

 private:
  // The rows' part of delivery_groups (reader_, under read_mu_). Counted in the database so a
  // 1,000,000-row blast's statistics do not copy every row into the process.
  Result<std::vector<DeliveryGroup>> row_groups(const std::string& org_id, const std::string& message_id) {
    Statement q(reader_,
                "SELECT state, CASE WHEN state IN (?, ?) THEN reason ELSE '' END AS grouped, count(*), "
                "count(*) FILTER (WHERE events & ?), count(*) FILTER (WHERE events & ?), "
                "count(*) FILTER (WHERE events & ?), count(*) FILTER (WHERE handed_at > 0) "
                "FROM deliveries WHERE org_id = ? AND message_id = ? GROUP BY state, grouped");
    q.bind(1, int64_t{static_cast<int>(DeliveryState::kSuppressed)})
        .bind(2, int64_t{static_cast<int>(DeliveryState::kBlocked)});
    q.bind(3, int64_t{kOpened}).bind(4, int64_t{kClicked}).bind(5, int64_t{kUnsubscribed});
    q.bind(6, org_id).bind(7, message_id);
    std::vector<DeliveryGroup> out;
    int rc;
    while ((rc = q.step()) == SQLITE_ROW)
      out.push_back({static_cast<DeliveryState>(q.integer(0)), std::string(q.text(1)), q.integer(2),
                     q.integer(3), q.integer(4), q.integer(5), q.integer(6)});
    if (rc != SQLITE_DONE) return internal_error("delivery counts failed: " + reader_.last_error());
    return out;
  }

  // What retention folded of a message's rows (delivery_counts), on `c` under its mutex.
  static std::vector<DeliveryGroup> count_groups(Connection& c, const std::string& org_id,
                                                 const std::string& message_id) {
    Statement q(
        c,
        "SELECT state, reason, count, opened, clicked, unsubscribed, handed_over FROM delivery_counts "
        "WHERE org_id = ? AND message_id = ?");
    q.bind(1, org_id).bind(2, message_id);
    std::vector<DeliveryGroup> out;
    while (q.step() == SQLITE_ROW)
      out.push_back({static_cast<DeliveryState>(q.integer(0)), std::string(q.text(1)), q.integer(2),
                     q.integer(3), q.integer(4), q.integer(5), q.integer(6)});
    return out;
  }

  // Whether retention may fold a message's rows: none touched at or after `before`, none pending.
  static bool aggregation_due(Connection& c, const std::string& org_id, const std::string& message_id,
                              Micros before) {
    Statement q(c,
                "SELECT 1 FROM deliveries WHERE org_id = ? AND message_id = ? AND (updated >= ? OR "
                "handed_at >= ? OR state IN (?, ?, ?)) LIMIT 1");
    q.bind(1, org_id).bind(2, message_id).bind(3, before).bind(4, before);
    q.bind(5, int64_t{static_cast<int>(DeliveryState::kQueued)})
        .bind(6, int64_t{static_cast<int>(DeliveryState::kDeferred)})
        .bind(7, int64_t{static_cast<int>(DeliveryState::kHanding)});
    return q.step() == SQLITE_DONE;
  }

  // The last step of a message's aggregation, inside its write transaction once no row is left: the plan's
  // entries join the counts (store/delivery_plan.h fold_plan) and the plan goes.
  bool fold_plan_into_counts(const std::string& org_id, const std::string& message_id, DeliveryFold& fold) {
    Statement head(writer_,
                   "SELECT entries, stopped FROM delivery_plans WHERE org_id = ? AND message_id = ?");
    head.bind(1, org_id).bind(2, message_id);
    if (head.step() != SQLITE_ROW) return true;  // no plan (or folded already)
    fold.plan_entries = head.integer(0);
    bool stopped = head.integer(1) != 0;
    std::vector<DeliveryGroup> plan;
    {
      Statement q(
          writer_,
          "SELECT state, reason, count FROM delivery_plan_groups WHERE org_id = ? AND message_id = ?");
      q.bind(1, org_id).bind(2, message_id);
      while (q.step() == SQLITE_ROW)
        plan.push_back(
            {static_cast<DeliveryState>(q.integer(0)), std::string(q.text(1)), q.integer(2), 0, 0, 0, 0});
    }
    auto folded = fold_plan(plan, stopped, count_groups(writer_, org_id, message_id));
    for (const char* table :
         {"delivery_counts", "delivery_plans", "delivery_plan_groups", "delivery_plan_chunks"}) {
      std::string sql = std::string("DELETE FROM ") + table + " WHERE org_id = ? AND message_id = ?";
      Statement del(writer_, sql.c_str());
      if (!del.bind(1, org_id).bind(2, message_id).run()) return false;
    }
    Statement put(writer_,
                  "INSERT INTO delivery_counts (org_id, message_id, state, reason, count, opened, clicked, "
                  "unsubscribed, handed_over) VALUES (?,?,?,?,?,?,?,?,?)");
    for (const auto& g : folded) {
      put.reset().bind(1, org_id).bind(2, message_id).bind(3, int64_t{static_cast<int>(g.state)});
      put.bind(4, g.reason).bind(5, g.count).bind(6, g.opened).bind(7, g.clicked).bind(8, g.unsubscribed);
      if (!put.bind(9, g.handed_over).run()) return false;
    }
    return true;
  }

  // reader_, under read_mu_.
  Result<std::optional<PlanHead>> read_plan_head(const std::string& org_id, const std::string& message_id) {
    Statement q(reader_, "SELECT entries, stopped FROM delivery_plans WHERE org_id = ? AND message_id = ?");
    q.bind(1, org_id).bind(2, message_id);
    int rc = q.step();
    if (rc == SQLITE_ROW) return std::optional<PlanHead>(PlanHead{q.integer(0), q.integer(1) != 0});
    if (rc != SQLITE_DONE) return internal_error("delivery plan read failed: " + reader_.last_error());
    return std::optional<PlanHead>{};
  }

  // Runs `body` (statements on writer_) in one durable transaction; rolls back if it returns false.
  template <typename Body>
  Status write_transaction(Body body) {
    std::lock_guard lock(write_mu_);
    if (auto s = writer_.exec("BEGIN IMMEDIATE"); !s) return s;
    if (!body()) {
      std::string err = writer_.last_error();
      (void)writer_.exec("ROLLBACK");
      return internal_error("write failed: " + err);
    }
    if (auto s = writer_.exec("COMMIT"); !s) {
      (void)writer_.exec("ROLLBACK");
      return s;
    }
    // Safety valve: if the background checkpointer has fallen far behind (a starved CPU, a huge import),
    // checkpoint here, so the WAL stays bounded whatever the scheduling.
    if (wal_pages_ >= kBehindFactor * checkpoint_pages_)
      (void)sqlite3_wal_checkpoint_v2(writer_.handle(), nullptr, SQLITE_CHECKPOINT_RESTART, nullptr, nullptr);
    return Ok{};
  }

 public:
 protected:
  Result<OrgSnapshot> load_org(const std::string& org_id) override {
    std::lock_guard lock(read_mu_);
    (void)reader_.exec("BEGIN");  // one consistent snapshot across the tables
    OrgSnapshot snap;
    load_docs(org_id, "people", "SELECT id, doc FROM people WHERE org_id = ? ORDER BY rowid",
              SealedColumn::kPersonDoc, decode_person, snap.people, snap.quarantined);
    {
      Statement q(reader_, "SELECT channel, hash, person_id FROM contact_points WHERE org_id = ?");
      q.bind(1, org_id);
      while (q.step() == SQLITE_ROW)
        snap.contact_points.push_back(
            {static_cast<Channel>(q.integer(0)), to_contact_hash(q.blob(1)), std::string(q.text(2))});
    }
    {
      Statement q(reader_, "SELECT id, name, created, modified FROM tags WHERE org_id = ? ORDER BY rowid");
      q.bind(1, org_id);
      while (q.step() == SQLITE_ROW)
        snap.tags.push_back({std::string(q.text(0)), std::string(q.text(1)), q.integer(2), q.integer(3)});
    }
    {
      Statement q(
          reader_,
          "SELECT id, tag_id, person_id, created, modified FROM taggings WHERE org_id = ? ORDER BY rowid");
      q.bind(1, org_id);
      while (q.step() == SQLITE_ROW)
        snap.taggings.push_back({std::string(q.text(0)), std::string(q.text(1)), std::string(q.text(2)),
                                 q.integer(3), q.integer(4)});
    }
    {
      Statement q(
          reader_,
          "SELECT id, name, description, created, modified FROM lists WHERE org_id = ? ORDER BY rowid");
      q.bind(1, org_id);
      while (q.step() == SQLITE_ROW)
        snap.lists.push_back({std::string(q.text(0)), std::string(q.text(1)), std::string(q.text(2)),
                              q.integer(3), q.integer(4)});
    }
    {
      Statement q(
          reader_,
          "SELECT id, list_id, person_id, created, modified FROM list_items WHERE org_id = ? ORDER BY rowid");
      q.bind(1, org_id);
      while (q.step() == SQLITE_ROW)
        snap.list_items.push_back({std::string(q.text(0)), std::string(q.text(1)), std::string(q.text(2)),
                                   q.integer(3), q.integer(4)});
    }
    {
      Statement q(reader_,
                  "SELECT name, numeric_id, created, modified FROM custom_fields WHERE org_id = ? ORDER BY "
                  "numeric_id");
      q.bind(1, org_id);
      while (q.step() == SQLITE_ROW)
        snap.custom_fields.push_back({std::string(q.text(0)), q.integer(1), q.integer(2), q.integer(3)});
    }
    load_docs(org_id, "actions", "SELECT id, doc FROM actions WHERE org_id = ? ORDER BY rowid", std::nullopt,
              actions::decode_action, snap.actions, snap.quarantined);
    load_docs(org_id, "action_records", "SELECT id, doc FROM action_records WHERE org_id = ? ORDER BY rowid",
              SealedColumn::kRecordDoc, actions::decode_record, snap.action_records, snap.quarantined);
    {
      Statement q(reader_, "SELECT kind, id, doc FROM org_docs WHERE org_id = ? ORDER BY rowid");
      q.bind(1, org_id);
      while (q.step() == SQLITE_ROW) {
        auto doc = sealer_.open(q.text(2), SealedColumn::kOrgDoc);
        if (doc)
          snap.docs.push_back({std::string(q.text(0)), std::string(q.text(1)), std::move(doc).value()});
        else
          snap.quarantined.push_back(
              {"org_docs", std::string(q.text(1)), doc.error().message, std::string(q.text(2))});
      }
    }
    snap.suppressions = read_suppressions(org_id);
    (void)reader_.exec("COMMIT");
    return snap;
  }

  Status for_each_ledger_entry(const std::string& org_id,
                               const std::function<bool(const StoredLedgerEntry&)>& fn) override {
    return for_each_row(
        std::string("SELECT ") + kLedgerColumns + " FROM ledger WHERE org_id = ? ORDER BY seq", org_id,
        [this](const Statement& q) { return read_ledger_row(q, &sealer_); }, fn, "ledger read failed: ");
  }

  Result<std::vector<StoredLedgerEntry>> ledger_for_contact(const std::string& org_id,
                                                            const ContactHash& hash) override {
    std::lock_guard lock(read_mu_);
    // Without statistics the planner prefers the primary key (org_id, seq) because it already yields seq
    // order, and walks every entry of the organization (1.6 s at 1M people); the contact index gives the
    // same order for one contact in a few page reads.
    std::string sql = std::string("SELECT ") + kLedgerColumns +
                      " FROM ledger INDEXED BY ledger_by_contact WHERE org_id = ?1 AND contact_hash IN "
                      "(SELECT ?2 UNION ALL SELECT alias_hash FROM contact_aliases WHERE org_id = ?1 AND "
                      "contact_hash = ?2) ORDER BY seq";  // aliases: spellings before migration 6
    Statement q(reader_, sql.c_str());
    q.bind(1, org_id);
    auto hv = hash_view(hash);
    q.bind_blob(2, hv.data(), hv.size());
    std::vector<StoredLedgerEntry> out;
    while (q.step() == SQLITE_ROW) out.push_back(read_ledger_row(q, &sealer_));
    return out;
  }

  Result<std::string> disclosure_text(const std::string& disclosure_hash) override {
    std::lock_guard lock(read_mu_);
    Statement q(reader_, "SELECT text FROM disclosures WHERE hash = ?");
    q.bind(1, disclosure_hash);
    if (q.step() != SQLITE_ROW) return not_found("no disclosure text with that hash");
    return std::string(q.text(0));
  }

  Result<std::vector<AccessEntry>> access_log(const std::string& org_id, const AccessQuery& q) override {
    std::lock_guard lock(read_mu_);
    Statement st(reader_, access_log_sql(q).c_str());
    st.bind(1, org_id).bind(2, q.after_seq).bind(3, q.since).bind(4, q.limit);
    if (!q.person_id.empty()) st.bind(5, q.person_id).bind(6, kBulkReadPerson);
    std::vector<AccessEntry> out;
    int rc;
    while ((rc = st.step()) == SQLITE_ROW) out.push_back(read_access(st));
    if (rc != SQLITE_DONE) return internal_error("cannot read the access log: " + reader_.last_error());
    return out;
  }

  // A person's entries and the bulk reads come from access_log_people's index, and the hand-overs of the
  // messages their deliveries were handed over in from access_log_by_message (one probe of the person's
  // delivery per message entry), never a walk of the log; every disclosure from access_log_disclosures.
  static std::string access_log_sql(const AccessQuery& q) {
    std::string only = q.disclosures_only ? " AND recipient <> ''" : "";
    if (q.person_id.empty())
      return fmt::format(
          "SELECT {} FROM access_log {} WHERE org_id = ?1 AND seq > ?2{} AND at >= ?3 ORDER BY "
          "seq LIMIT ?4",
          kAccessColumns, q.disclosures_only ? "INDEXED BY access_log_disclosures" : "", only);
    return fmt::format(
        "SELECT {} FROM access_log WHERE org_id = ?1 AND seq IN (SELECT seq FROM access_log_people WHERE "
        "org_id = ?1 AND person_id IN (?5, ?6) AND seq > ?2 UNION SELECT m.seq FROM access_log AS m INDEXED "
        "BY access_log_by_message WHERE m.org_id = ?1 AND m.message_id <> '' AND m.seq > ?2 AND EXISTS "
        "(SELECT 1 FROM deliveries AS d WHERE d.org_id = ?1 AND d.message_id = m.message_id AND "
        "d.person_id = ?5 AND d.handed_at > 0)){} AND at >= ?3 ORDER BY seq LIMIT ?4",
        kAccessColumns, only);
  }

  Result<int64_t> blank_ledger_evidence(const std::string& org_id, Micros before, int64_t limit,
                                        bool count_only) override {
    static constexpr const char* kCarrying =
        "org_id = ?1 AND time < ?2 AND (coalesce(ip, '') <> '' OR coalesce(user_agent, '') <> '')";
    if (count_only) {
      std::lock_guard lock(read_mu_);
      Statement q(reader_, fmt::format("SELECT count(*) FROM ledger WHERE {}", kCarrying).c_str());
      q.bind(1, org_id).bind(2, before);
      if (q.step() != SQLITE_ROW)
        return internal_error("cannot count ledger evidence: " + reader_.last_error());
      return q.integer(0);
    }
    int64_t changed = 0;
    auto s = write_transaction([&] {
      Statement q(writer_,
                  fmt::format("UPDATE ledger SET ip = NULL, user_agent = NULL WHERE org_id = ?1 AND seq "
                              "IN (SELECT seq FROM ledger WHERE {} ORDER BY seq LIMIT ?3)",
                              kCarrying)
                      .c_str());
      if (!q.bind(1, org_id).bind(2, before).bind(3, limit).run()) return false;
      changed = sqlite3_changes(writer_.handle());
      return true;
    });
    if (!s) return s.error();
    return changed;
  }

  Result<std::vector<DataKeyRow>> data_key_rows() override {
    std::lock_guard lock(read_mu_);
    Statement q(reader_, "SELECT id, wrapped, created FROM data_keys ORDER BY id");
    std::vector<DataKeyRow> out;
    int rc;
    while ((rc = q.step()) == SQLITE_ROW)
      out.push_back({static_cast<uint32_t>(q.integer(0)), std::string(q.text(1)), q.integer(2)});
    if (rc != SQLITE_DONE) return internal_error("cannot read data keys: " + reader_.last_error());
    return out;
  }

  Status insert_data_key(const DataKeyRow& row) override {
    bool exists = false;
    auto s = write_transaction([&] {
      Statement q(writer_, "INSERT OR IGNORE INTO data_keys (id, wrapped, created) VALUES (?,?,?)");
      if (!q.bind(1, int64_t{row.id}).bind(2, row.wrapped).bind(3, row.created).run()) return false;
      exists = sqlite3_changes(writer_.handle()) == 0;
      return true;
    });
    if (!s) return s;
    if (exists) return Error{409, "data key " + std::to_string(row.id) + " was added meanwhile; try again"};
    return Ok{};
  }

  Status rewrap_data_key_rows(const std::vector<DataKeyRow>& rows) override {
    return write_transaction([&] {
      Statement q(writer_, "UPDATE data_keys SET wrapped = ? WHERE id = ?");
      for (const auto& r : rows)
        if (!q.reset().bind(1, r.wrapped).bind(2, int64_t{r.id}).run()) return false;
      return true;
    });
  }

  Result<ResealStep> reseal(const SealedTable& t, const RowKey& after, int limit, bool count_only) override {
    ResealStep step;
    Status failed = Ok{};
    auto s = write_transaction([&] {
      Statement select(writer_, walk_select_sql(t, !after.empty(), SqlDialect::kSqlite).c_str());
      int n = 0;
      for (const auto& k : after) bind_key(select, ++n, k);
      select.bind(++n, int64_t{limit});
      std::vector<WalkedRow> rows;
      int rc;
      while ((rc = select.step()) == SQLITE_ROW) {
        WalkedRow row;
        for (size_t i = 0; i < t.key.size(); ++i)
          row.key.push_back(t.integer_key[i] ? KeyValue(select.integer(i))
                                             : KeyValue(std::string(select.text(i))));
        for (size_t i = 0; i < t.columns.size(); ++i) {
          int col = static_cast<int>(t.key.size() + i);
          row.values.push_back(
              select.type(col) == SQLITE_NULL ? std::nullopt : std::optional<std::string>(select.text(col)));
        }
        rows.push_back(std::move(row));
      }
      if (rc != SQLITE_DONE) return false;
      Statement update(writer_, reseal_update_sql(t, SqlDialect::kSqlite).c_str());
      for (const auto& row : rows) {
        auto next = resealed_values(sealer_, t, row);
        if (!next) {
          failed = next.error();
          return false;
        }
        if (!*next) continue;
        ++step.resealed;
        if (count_only) continue;
        update.reset();
        int p = 0;
        for (const auto& v : **next) bind_value(update, ++p, v);
        for (const auto& k : row.key) bind_key(update, ++p, k);
        for (const auto& v : row.values) bind_value(update, ++p, v);
        if (!update.run()) return false;
      }
      step.rows = static_cast<int64_t>(rows.size());
      if (!rows.empty() && static_cast<int>(rows.size()) == limit) step.last = rows.back().key;
      return true;
    });
    if (!failed) return failed.error();
    if (!s) return s.error();
    return step;
  }

  Status for_each_access(const std::string& org_id,
                         const std::function<bool(const AccessEntry&)>& fn) override {
    return for_each_row(
        fmt::format("SELECT {} FROM access_log WHERE org_id = ? ORDER BY seq", kAccessColumns), org_id,
        read_access, fn, "cannot read the access log: ");
  }

 private:
  static void bind_key(Statement& q, int i, const KeyValue& k) {
    if (const auto* n = std::get_if<int64_t>(&k))
      q.bind(i, *n);
    else
      q.bind(i, std::get<std::string>(k));
  }
  static void bind_value(Statement& q, int i, const std::optional<std::string>& v) {
    if (v)
      q.bind(i, *v);
    else
      q.bind_null(i);
  }

  // Calls fn with each row of `sql` (one parameter: the organization) read by `read`, until it returns false.
  template <class Row, class Read>
  Status for_each_row(const std::string& sql, const std::string& org_id, Read read,
                      const std::function<bool(const Row&)>& fn, const char* failure) {
    std::lock_guard lock(read_mu_);
    Statement q(reader_, sql.c_str());
    q.bind(1, org_id);
    int rc;
    while ((rc = q.step()) == SQLITE_ROW)
      if (!fn(read(q))) return Ok{};
    if (rc != SQLITE_DONE) return internal_error(failure + reader_.last_error());
    return Ok{};
  }

  // Reads (id, doc) rows into `out`, decoding each document; one that does not decode goes to `quarantined`.
  // `sealed`: the column is sealed (store/sealing/open_document.h).
  template <typename T, typename Decode>
  void load_docs(const std::string& org_id, const char* table, const char* sql,
                 std::optional<SealedColumn> sealed, Decode decode, std::vector<T>& out,
                 std::vector<QuarantinedDoc>& quarantined) {
    Statement q(reader_, sql);
    q.bind(1, org_id);
    while (q.step() == SQLITE_ROW)
      open_document(sealer_, sealed, table, q.text(0), q.text(1), decode, out, quarantined);
  }

  std::vector<SuppressionRow> read_suppressions(const std::string& org_id) {
    Statement q(reader_,
                "SELECT channel, contact_hash, since, reason, confirmed FROM suppressions WHERE org_id = ?");
    q.bind(1, org_id);
    std::vector<SuppressionRow> out;
    while (q.step() == SQLITE_ROW)
      out.push_back({org_id, static_cast<Channel>(q.integer(0)), to_contact_hash(q.blob(1)), q.integer(2),
                     std::string(q.text(3)), q.integer(4) != 0});
    return out;
  }

  bool write_suppression(const SuppressionRow& r) {
    auto h = hash_view(r.contact);
    return put_suppression_->reset()
        .bind(1, r.org_id)
        .bind(2, int64_t{static_cast<int>(r.channel)})
        .bind_blob(3, h.data(), h.size())
        .bind(4, r.since)
        .bind(5, r.reason)
        .bind(6, int64_t{r.confirmed})
        .run();
  }

  Status prepare_writes() {
    put_doc_ = std::make_unique<Statement>(writer_,
                                           "INSERT INTO org_docs (org_id, kind, id, doc) VALUES (?,?,?,?) ON "
                                           "CONFLICT (org_id, kind, id) DO UPDATE SET doc = excluded.doc");
    put_suppression_ = std::make_unique<Statement>(
        writer_,
        "INSERT OR REPLACE INTO suppressions (org_id, channel, contact_hash, since, reason, confirmed) "
        "VALUES (?,?,?,?,?,?)");
    del_suppression_ = std::make_unique<Statement>(
        writer_, "DELETE FROM suppressions WHERE org_id = ? AND channel = ? AND contact_hash = ?");
    // An upsert rather than a replace: a receipt (SMS DLR) can reach a delivery between the dispatcher's
    // hand-over and its write of the outcome; `handed_over` then keeps the receipt's final state and reason
    // (delivered 4, bounced 5, complained 6, failed 7), and event bits are only ever added.
    std::string put_delivery =
        std::string("INSERT INTO deliveries (") + kDeliveryColumns +
        ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (org_id, message_id, seq) DO UPDATE SET "
        "person_id = excluded.person_id, channel = excluded.channel, contact_hash = excluded.contact_hash, "
        "address = excluded.address, "
        "state = CASE WHEN excluded.state = 3 AND state IN (4, 5, 6, 7) THEN state ELSE excluded.state END, "
        "reason = CASE WHEN excluded.state = 3 AND state IN (4, 5, 6, 7) THEN reason "
        "ELSE excluded.reason END, "
        "attempts = excluded.attempts, next_at = excluded.next_at, handed_at = excluded.handed_at, "
        "updated = excluded.updated, gateway_id = excluded.gateway_id, events = events | excluded.events";
    put_delivery_ = std::make_unique<Statement>(writer_, put_delivery.c_str());
    // keep_final (?8): a final receipt state (4-7) stays, so the first final receipt committed wins.
    mark_delivery_ = std::make_unique<Statement>(
        writer_,
        "UPDATE deliveries SET state = coalesce(?, state), reason = coalesce(?, reason), "
        "events = events | ?, updated = ? WHERE org_id = ? AND message_id = ? AND seq = ? "
        "AND NOT (? AND state IN (4, 5, 6, 7))");
    put_person_ = std::make_unique<Statement>(writer_,
                                              "INSERT INTO people (org_id, id, doc) VALUES (?,?,?) ON "
                                              "CONFLICT (org_id, id) DO UPDATE SET doc = excluded.doc");
    put_contact_ = std::make_unique<Statement>(
        writer_, "INSERT OR REPLACE INTO contact_points (org_id, channel, hash, person_id) VALUES (?,?,?,?)");
    del_contact_ = std::make_unique<Statement>(
        writer_, "DELETE FROM contact_points WHERE org_id = ? AND channel = ? AND hash = ?");
    append_ledger_ = std::make_unique<Statement>(writer_, sqlite::kLedgerInsert);
    put_disclosure_ =
        std::make_unique<Statement>(writer_, "INSERT OR IGNORE INTO disclosures (hash, text) VALUES (?,?)");
    put_tag_ = std::make_unique<Statement>(
        writer_,
        "INSERT INTO tags (org_id, id, name, name_key, created, modified) VALUES (?,?,?,?,?,?) "
        "ON CONFLICT (org_id, id) DO UPDATE SET name = excluded.name, name_key = excluded.name_key, modified "
        "= excluded.modified");
    put_tagging_ = std::make_unique<Statement>(writer_,
                                               "INSERT OR REPLACE INTO taggings (org_id, id, tag_id, "
                                               "person_id, created, modified) VALUES (?,?,?,?,?,?)");
    del_tagging_ = std::make_unique<Statement>(writer_, "DELETE FROM taggings WHERE org_id = ? AND id = ?");
    put_list_ = std::make_unique<Statement>(writer_,
                                            "INSERT OR REPLACE INTO lists (org_id, id, name, description, "
                                            "created, modified) VALUES (?,?,?,?,?,?)");
    put_item_ = std::make_unique<Statement>(writer_,
                                            "INSERT OR REPLACE INTO list_items (org_id, id, list_id, "
                                            "person_id, created, modified) VALUES (?,?,?,?,?,?)");
    put_field_ = std::make_unique<Statement>(
        writer_,
        "INSERT INTO custom_fields (org_id, name, numeric_id, created, modified) VALUES (?,?,?,?,?) "
        "ON CONFLICT (org_id, name) DO UPDATE SET modified = excluded.modified");
    put_action_ =
        std::make_unique<Statement>(writer_,
                                    "INSERT INTO actions (org_id, id, kind, doc) VALUES (?,?,?,?) ON "
                                    "CONFLICT (org_id, id) DO UPDATE SET doc = excluded.doc");
    put_record_ = std::make_unique<Statement>(
        writer_,
        "INSERT INTO action_records (org_id, id, action_id, person_id, doc) VALUES (?,?,?,?,?) ON "
        "CONFLICT (org_id, id) DO UPDATE SET doc = excluded.doc");
    access_head_ = std::make_unique<Statement>(
        writer_, "SELECT seq, hash FROM access_log WHERE org_id = ? ORDER BY seq DESC LIMIT 1");
    append_access_ = std::make_unique<Statement>(
        writer_,
        "INSERT INTO access_log (org_id, seq, at, actor, ip, action, query, count, people, prev_hash, hash, "
        "recipient, basis, message_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    append_access_person_ = std::make_unique<Statement>(
        writer_, "INSERT OR IGNORE INTO access_log_people (org_id, person_id, seq) VALUES (?,?,?)");
    for (auto* s : {access_head_.get(),  append_access_.get(),   append_access_person_.get(),
                    put_doc_.get(),      put_suppression_.get(), del_suppression_.get(),
                    put_delivery_.get(), mark_delivery_.get(),   put_action_.get(),
                    put_record_.get(),   put_person_.get(),      put_contact_.get(),
                    del_contact_.get(),  append_ledger_.get(),   put_disclosure_.get(),
                    put_tag_.get(),      put_tagging_.get(),     del_tagging_.get(),
                    put_list_.get(),     put_item_.get(),        put_field_.get()})
      if (!s->prepared()) return internal_error("cannot prepare statement: " + writer_.last_error());
    return Ok{};
  }

  bool write(const std::string& org, const op::PutPerson& o) {
    return put_person_->reset()
        .bind(1, org)
        .bind(2, o.person.id)
        .bind(3, sealer_.seal(encode_person(o.person), SealedColumn::kPersonDoc))
        .run();
  }
  bool write(const std::string& org, const op::PutContactPoint& o) {
    auto h = hash_view(o.row.hash);
    return put_contact_->reset()
        .bind(1, org)
        .bind(2, int64_t{static_cast<int>(o.row.channel)})
        .bind_blob(3, h.data(), h.size())
        .bind(4, o.row.person_id)
        .run();
  }
  bool write(const std::string& org, const op::DeleteContactPoint& o) {
    auto h = hash_view(o.hash);
    return del_contact_->reset()
        .bind(1, org)
        .bind(2, int64_t{static_cast<int>(o.channel)})
        .bind_blob(3, h.data(), h.size())
        .run();
  }
  bool write(const std::string& org, const op::AppendLedger& o) {
    const auto& e = o.entry;
    if (!e.evidence.disclosure_text.empty() &&
        !put_disclosure_->reset().bind(1, e.disclosure_hash).bind(2, e.evidence.disclosure_text).run())
      return false;
    return sqlite::bind_ledger_insert(*append_ledger_, org, e, &sealer_).run();
  }
  bool write(const std::string& org, const op::PutTag& o) {
    return put_tag_->reset()
        .bind(1, org)
        .bind(2, o.tag.id)
        .bind(3, o.tag.name)
        .bind(4, lower_ascii(o.tag.name))
        .bind(5, o.tag.created)
        .bind(6, o.tag.modified)
        .run();
  }
  bool write(const std::string& org, const op::PutTagging& o) {
    const auto& t = o.tagging;
    return put_tagging_->reset()
        .bind(1, org)
        .bind(2, t.id)
        .bind(3, t.tag_id)
        .bind(4, t.person_id)
        .bind(5, t.created)
        .bind(6, t.modified)
        .run();
  }
  bool write(const std::string& org, const op::DeleteTagging& o) {
    return del_tagging_->reset().bind(1, org).bind(2, o.id).run();
  }
  bool write(const std::string& org, const op::PutList& o) {
    const auto& l = o.list;
    return put_list_->reset()
        .bind(1, org)
        .bind(2, l.id)
        .bind(3, l.name)
        .bind(4, l.description)
        .bind(5, l.created)
        .bind(6, l.modified)
        .run();
  }
  bool write(const std::string& org, const op::PutListItem& o) {
    const auto& i = o.item;
    return put_item_->reset()
        .bind(1, org)
        .bind(2, i.id)
        .bind(3, i.list_id)
        .bind(4, i.person_id)
        .bind(5, i.created)
        .bind(6, i.modified)
        .run();
  }
  bool write(const std::string& org, const op::PutCustomField& o) {
    const auto& f = o.field;
    return put_field_->reset()
        .bind(1, org)
        .bind(2, f.name)
        .bind(3, f.numeric_id)
        .bind(4, f.created)
        .bind(5, f.modified)
        .run();
  }

  bool write(const std::string& org, const op::PutAction& o) {
    const auto& a = o.action;
    return put_action_->reset()
        .bind(1, org)
        .bind(2, a.id)
        .bind(3, a.kind)
        .bind(4, actions::encode_action(a))
        .run();
  }
  bool write(const std::string& org, const op::PutActionRecord& o) {
    const auto& r = o.record;
    return put_record_->reset()
        .bind(1, org)
        .bind(2, r.id)
        .bind(3, r.action_id)
        .bind(4, r.person_id)
        .bind(5, sealer_.seal(actions::encode_record(r), SealedColumn::kRecordDoc))
        .run();
  }

  bool write(const std::string& org, const op::PutDoc& o) {
    return put_doc_->reset()
        .bind(1, org)
        .bind(2, o.doc.kind)
        .bind(3, o.doc.id)
        .bind(4, sealer_.seal(o.doc.doc, SealedColumn::kOrgDoc))
        .run();
  }
  bool write(const std::string& org, const op::PutSuppression& o) {
    SuppressionRow r = o.row;
    r.org_id = org;
    return write_suppression(r);
  }
  bool write(const std::string& org, const op::DeleteSuppression& o) {
    auto h = hash_view(o.contact);
    return del_suppression_->reset()
        .bind(1, org)
        .bind(2, int64_t{static_cast<int>(o.channel)})
        .bind_blob(3, h.data(), h.size())
        .run();
  }

  bool write(const std::string& org, const op::MarkDelivery& o) {
    const DeliveryMark& m = o.mark;
    auto& q = mark_delivery_->reset();
    if (m.state)
      q.bind(1, int64_t{static_cast<int>(*m.state)});
    else
      q.bind_null(1);
    if (m.reason.empty())
      q.bind_null(2);
    else
      q.bind(2, m.reason);
    q.bind(3, int64_t{m.add_events}).bind(4, m.updated).bind(5, org).bind(6, o.message_id).bind(7, o.seq);
    q.bind(8, int64_t{m.keep_final});
    return q.run();
  }

  bool write(const std::string& org, const op::PutDelivery& o) { return write_delivery(org, o.row); }

  bool write(const std::string& org, const op::DeleteDoc& o) {
    Statement q(writer_, "DELETE FROM org_docs WHERE org_id = ? AND kind = ? AND id = ?");
    return q.bind(1, org).bind(2, o.kind).bind(3, o.id).run();
  }

  // Chained after the organization's last entry as the transaction sees it (BEGIN IMMEDIATE holds the
  // database's write lock, so another process appending to the same log waits its turn).
  bool write(const std::string& org, const op::AppendAccess& o) {
    AccessEntry e = o.entry;
    access_head_->reset().bind(1, org);
    int rc = access_head_->step();
    if (rc == SQLITE_ROW)
      chain_after(org, access_head_->integer(0), std::string(access_head_->text(1)), e);
    else if (rc == SQLITE_DONE)
      chain_after(org, 0, {}, e);
    else
      return false;
    access_head_->reset();
    bool ok = append_access_->reset()
                  .bind(1, org)
                  .bind(2, e.seq)
                  .bind(3, e.at)
                  .bind(4, e.actor)
                  .bind(5, e.ip)
                  .bind(6, e.action)
                  .bind(7, e.query)
                  .bind(8, e.count)
                  .bind(9, joined_person_ids(e.person_ids))
                  .bind(10, e.prev_hash)
                  .bind(11, e.hash)
                  .bind(12, e.recipient)
                  .bind(13, e.basis)
                  .bind(14, e.message_id)
                  .run();
    if (!ok) return false;
    auto index = [&](std::string_view person) {
      return append_access_person_->reset().bind(1, org).bind(2, person).bind(3, e.seq).run();
    };
    if (is_bulk_read(e)) return index(kBulkReadPerson);
    for (const auto& id : e.person_ids)
      if (!index(id)) return false;
    return true;
  }

  static AccessEntry read_access(const Statement& st) {
    AccessEntry e;
    e.seq = st.integer(0);
    e.at = st.integer(1);
    e.actor = st.text(2);
    e.ip = st.text(3);
    e.action = st.text(4);
    e.query = st.text(5);
    e.count = st.integer(6);
    e.person_ids = split_person_ids(st.text(7));
    e.prev_hash = st.text(8);
    e.hash = st.text(9);
    e.recipient = st.text(10);
    e.basis = st.text(11);
    e.message_id = st.text(12);
    return e;
  }

  // Erasure is rare: its statements are prepared when used.
  bool write(const std::string& org, const op::ErasePerson& o) {
    for (const char* sql : {"DELETE FROM people WHERE org_id = ?1 AND id = ?2",
                            "DELETE FROM contact_points WHERE org_id = ?1 AND person_id = ?2",
                            "DELETE FROM taggings WHERE org_id = ?1 AND person_id = ?2",
                            "DELETE FROM list_items WHERE org_id = ?1 AND person_id = ?2",
                            "DELETE FROM action_records WHERE org_id = ?1 AND person_id = ?2",
                            "UPDATE ledger SET contact_ref = NULL, ip = NULL, user_agent = NULL "
                            "WHERE org_id = ?1 AND person_id = ?2",
                            "UPDATE deliveries SET address = '' WHERE org_id = ?1 AND person_id = ?2"}) {
      Statement q(writer_, sql);
      if (!q.bind(1, org).bind(2, o.person_id).run()) return false;
    }
    return true;
  }
  bool write(const std::string& org, const op::EraseContact& o) {
    auto h = hash_view(o.contact);
    Statement ledger(
        writer_,
        "UPDATE ledger SET contact_ref = NULL, ip = NULL, user_agent = NULL WHERE org_id = ?1 AND "
        "contact_hash IN (SELECT ?2 UNION ALL SELECT alias_hash FROM contact_aliases WHERE org_id = "
        "?1 AND contact_hash = ?2)");
    if (!ledger.bind(1, org).bind_blob(2, h.data(), h.size()).run()) return false;
    Statement deliveries(
        writer_, "UPDATE deliveries SET address = '' WHERE org_id = ? AND channel = ? AND contact_hash = ?");
    deliveries.bind(1, org).bind(2, int64_t{static_cast<int>(o.channel)});
    return deliveries.bind_blob(3, h.data(), h.size()).run();
  }

  static int on_wal_commit(void* self, sqlite3*, const char*, int pages) {
    auto* store = static_cast<SqliteStore*>(self);
    store->wal_pages_ = pages;  // under write_mu_: the hook runs inside COMMIT
    store->checkpointer_.note_wal_pages(pages);
    return SQLITE_OK;
  }

  static constexpr int kBehindFactor = 4;
  int checkpoint_pages_ = 0;
  int wal_pages_ = 0;

  std::mutex write_mu_, read_mu_;
  Connection writer_, reader_;
  // Declared after the connections so it stops (and finishes its last checkpoint) before they close.
  sqlite::WalCheckpointer checkpointer_;
  std::unique_ptr<Statement> put_person_, put_contact_, del_contact_, append_ledger_, put_disclosure_,
      put_tag_, put_tagging_, del_tagging_, put_list_, put_item_, put_field_, put_action_, put_record_,
      put_doc_, put_suppression_, del_suppression_, put_delivery_, mark_delivery_, access_head_,
      append_access_, append_access_person_;
};

}  // namespace

Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path, const SqliteOptions& options) {
  auto s = std::make_unique<SqliteStore>();
  if (auto st = s->open(path, options); !st) return st.error();
  if (auto st = open_data_keys(*s, options.kek, options.new_installation); !st) return st.error();
  return std::unique_ptr<Store>(std::move(s));
}

}  // namespace tocsin::store

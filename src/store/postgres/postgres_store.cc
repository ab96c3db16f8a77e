#include "store/postgres/postgres_store.h"

#include <fmt/format.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>

#include "actions/action_codec.h"
#include "core/person_codec.h"
#include "core/text.h"
#include "store/contact_hash_bytes.h"
#include "store/delivery_plan.h"
#include "store/postgres/failover_commit.h"
#include "store/postgres/pg_conn.h"
#include "store/postgres/postgres_migrations.h"
#include "store/postgres/writer_claim.h"
#include "store/sealing/key_ring.h"
#include "store/sealing/ledger_values.h"
#include "store/sealing/open_document.h"

namespace tocsin::store {
namespace {

using pg::Connection;
using pg::Params;
using pg::Rows;

int64_t ch(Channel c) {
  return static_cast<int>(c);
}

// As the SQLite store: ~700 KB a chunk, 62 rows for a 1,000,000-recipient plan.
constexpr size_t kPlanChunkEntries = 16384;

constexpr const char* kLedgerColumns =
    "org_id, seq, time, channel, contact_hash, contact_ref, ref_digest, person_id, old_status, new_status, "
    "actor, source, method, ip, ip_digest, user_agent, ua_digest, disclosure_hash, consent_time, prev_hash, "
    "hash, purpose, legal_basis";

StoredLedgerEntry read_ledger_row(const Rows& r, int i, const FieldSealer& sealer) {
  StoredLedgerEntry s;
  auto& e = s.entry;
  e.org_id = r.text(i, 0);
  e.seq = r.integer(i, 1);
  e.time = r.integer(i, 2);
  e.channel = static_cast<Channel>(r.integer(i, 3));
  e.contact_hash = to_contact_hash(r.bytea(i, 4));
  e.contact_ref = r.text(i, 5);
  s.ref_digest = r.text(i, 6);
  e.person_id = r.text(i, 7);
  e.old_status = static_cast<consent::Status>(r.integer(i, 8));
  e.new_status = static_cast<consent::Status>(r.integer(i, 9));
  e.evidence.actor = r.text(i, 10);
  e.evidence.source = r.text(i, 11);
  e.evidence.method = r.text(i, 12);
  e.evidence.ip = r.text(i, 13);
  s.ip_digest = r.text(i, 14);
  e.evidence.user_agent = r.text(i, 15);
  s.ua_digest = r.text(i, 16);
  e.disclosure_hash = r.text(i, 17);
  e.evidence.consent_time = r.integer(i, 18);
  e.prev_hash = r.text(i, 19);
  e.hash = r.text(i, 20);
  e.evidence.purpose = r.text(i, 21);
  e.evidence.legal_basis = consent::parse_legal_basis(r.text(i, 22));
  open_personal_values(sealer, e);
  return s;
}

constexpr const char* kDeliveryColumns =
    "org_id, message_id, seq, person_id, channel, contact_hash, address, state, reason, attempts, next_at, "
    "handed_at, updated, gateway_id, events";

DeliveryRow read_delivery_row(const Rows& r, int i, const FieldSealer& sealer) {
  DeliveryRow d;
  d.message_id = r.text(i, 1);
  d.seq = r.integer(i, 2);
  d.person_id = r.text(i, 3);
  d.channel = static_cast<Channel>(r.integer(i, 4));
  d.contact = to_contact_hash(r.bytea(i, 5));
  d.address = sealer.open_or_stored(r.text(i, 6), SealedColumn::kDeliveryAddress);
  d.state = static_cast<DeliveryState>(r.integer(i, 7));
  d.reason = r.text(i, 8);
  d.attempts = static_cast<int>(r.integer(i, 9));
  d.next_at = r.integer(i, 10);
  d.handed_at = r.integer(i, 11);
  d.updated = r.integer(i, 12);
  d.gateway_id = r.text(i, 13);
  d.events = static_cast<int>(r.integer(i, 14));
  return d;
}

AccessEntry read_access(const Rows& r, int i) {
  AccessEntry e;
  e.seq = r.integer(i, 0);
  e.at = r.integer(i, 1);
  e.actor = r.text(i, 2);
  e.ip = r.text(i, 3);
  e.action = r.text(i, 4);
  e.query = r.text(i, 5);
  e.count = r.integer(i, 6);
  e.person_ids = split_person_ids(r.text(i, 7));
  e.prev_hash = r.text(i, 8);
  e.hash = r.text(i, 9);
  e.recipient = r.text(i, 10);
  e.basis = r.text(i, 11);
  e.message_id = r.text(i, 12);
  return e;
}

// One statement of a write transaction.
struct Stmt {
  const char* sql;
  Params params;
};

// The SQL of each write op. Upserts mirror the SQLite store's: ON CONFLICT DO UPDATE keeps a row's place in
// creation order, and where SQLite does INSERT OR REPLACE (a new rowid) pos = DEFAULT moves it to the end.
const char* const kPutPerson =
    "INSERT INTO people (org_id, id, doc) VALUES ($1,$2,$3) ON CONFLICT (org_id, id) DO UPDATE SET doc = "
    "excluded.doc";
const char* const kPutContact =
    "INSERT INTO contact_points (org_id, channel, hash, person_id) VALUES ($1,$2,$3,$4) ON CONFLICT (org_id, "
    "channel, hash) DO UPDATE SET person_id = excluded.person_id";
const char* const kDelContact = "DELETE FROM contact_points WHERE org_id = $1 AND channel = $2 AND hash = $3";
const char* const kPutDisclosure =
    "INSERT INTO disclosures (hash, text) VALUES ($1,$2) ON CONFLICT (hash) DO NOTHING";
const char* const kAppendLedger =
    "INSERT INTO ledger (org_id, seq, time, channel, contact_hash, contact_ref, ref_digest, person_id, "
    "old_status, new_status, actor, source, method, ip, ip_digest, user_agent, ua_digest, disclosure_hash, "
    "consent_time, prev_hash, hash, purpose, legal_basis) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,"
    "$14,$15,$16,$17,$18,$19,$20,$21,$22,$23)";
const char* const kPutTag =
    "INSERT INTO tags (org_id, id, name, name_key, created, modified) VALUES ($1,$2,$3,$4,$5,$6) ON CONFLICT "
    "(org_id, id) DO UPDATE SET name = excluded.name, name_key = excluded.name_key, modified = "
    "excluded.modified";
const char* const kPutTagging =
    "INSERT INTO taggings (org_id, id, tag_id, person_id, created, modified) VALUES ($1,$2,$3,$4,$5,$6) ON "
    "CONFLICT (org_id, id) DO UPDATE SET pos = DEFAULT, tag_id = excluded.tag_id, person_id = "
    "excluded.person_id, created = excluded.created, modified = excluded.modified";
const char* const kDelTagging = "DELETE FROM taggings WHERE org_id = $1 AND id = $2";
const char* const kPutList =
    "INSERT INTO lists (org_id, id, name, description, created, modified) VALUES ($1,$2,$3,$4,$5,$6) ON "
    "CONFLICT (org_id, id) DO UPDATE SET pos = DEFAULT, name = excluded.name, description = "
    "excluded.description, created = excluded.created, modified = excluded.modified";
const char* const kPutItem =
    "INSERT INTO list_items (org_id, id, list_id, person_id, created, modified) VALUES ($1,$2,$3,$4,$5,$6) "
    "ON "
    "CONFLICT (org_id, id) DO UPDATE SET pos = DEFAULT, list_id = excluded.list_id, person_id = "
    "excluded.person_id, created = excluded.created, modified = excluded.modified";
const char* const kPutField =
    "INSERT INTO custom_fields (org_id, name, numeric_id, created, modified) VALUES ($1,$2,$3,$4,$5) ON "
    "CONFLICT (org_id, name) DO UPDATE SET modified = excluded.modified";
const char* const kPutAction =
    "INSERT INTO actions (org_id, id, kind, doc) VALUES ($1,$2,$3,$4) ON CONFLICT (org_id, id) DO UPDATE SET "
    "doc = excluded.doc";
const char* const kPutRecord =
    "INSERT INTO action_records (org_id, id, action_id, person_id, doc) VALUES ($1,$2,$3,$4,$5) ON CONFLICT "
    "(org_id, id) DO UPDATE SET doc = excluded.doc";
const char* const kPutDoc =
    "INSERT INTO org_docs (org_id, kind, id, doc) VALUES ($1,$2,$3,$4) ON CONFLICT (org_id, kind, id) DO "
    "UPDATE SET doc = excluded.doc";
const char* const kPutSuppression =
    "INSERT INTO suppressions (org_id, channel, contact_hash, since, reason, confirmed) VALUES "
    "($1,$2,$3,$4,$5,$6) ON CONFLICT (org_id, channel, contact_hash) DO UPDATE SET since = excluded.since, "
    "reason = excluded.reason, confirmed = excluded.confirmed";
const char* const kDelSuppression =
    "DELETE FROM suppressions WHERE org_id = $1 AND channel = $2 AND contact_hash = $3";
// As the SQLite store's upsert: a receipt that reached the delivery between the hand-over and this write
// keeps its final state (4-7) and reason; event bits are only ever added.
const char* const kPutDelivery =
    "INSERT INTO deliveries (org_id, message_id, seq, person_id, channel, contact_hash, address, state, "
    "reason, attempts, next_at, handed_at, updated, gateway_id, events) VALUES "
    "($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15) ON CONFLICT (org_id, message_id, seq) DO UPDATE "
    "SET "
    "person_id = excluded.person_id, channel = excluded.channel, contact_hash = excluded.contact_hash, "
    "address = excluded.address, "
    "state = CASE WHEN excluded.state = 3 AND deliveries.state IN (4, 5, 6, 7) THEN deliveries.state ELSE "
    "excluded.state END, "
    "reason = CASE WHEN excluded.state = 3 AND deliveries.state IN (4, 5, 6, 7) THEN deliveries.reason ELSE "
    "excluded.reason END, "
    "attempts = excluded.attempts, next_at = excluded.next_at, handed_at = excluded.handed_at, "
    "updated = excluded.updated, gateway_id = excluded.gateway_id, events = deliveries.events | "
    "excluded.events";
const char* const kMarkDelivery =
    "UPDATE deliveries SET state = coalesce($1::bigint, state), reason = coalesce($2::text, reason), "
    "events = events | $3::bigint, updated = $4 WHERE org_id = $5 AND message_id = $6 AND seq = $7 "
    "AND NOT ($8::bigint <> 0 AND state IN (4, 5, 6, 7))";

Stmt sql_for(const std::string& org, const op::PutPerson& o, const FieldSealer& sealer) {
  return {kPutPerson, Params()
                          .text(org)
                          .text(o.person.id)
                          .text(sealer.seal(encode_person(o.person), SealedColumn::kPersonDoc))};
}
Stmt sql_for(const std::string& org, const op::PutContactPoint& o) {
  return {kPutContact,
          Params().text(org).integer(ch(o.row.channel)).bytea(hash_view(o.row.hash)).text(o.row.person_id)};
}
Stmt sql_for(const std::string& org, const op::DeleteContactPoint& o) {
  return {kDelContact, Params().text(org).integer(ch(o.channel)).bytea(hash_view(o.hash))};
}
Stmt sql_for(const std::string& org, const op::PutTag& o) {
  return {kPutTag, Params()
                       .text(org)
                       .text(o.tag.id)
                       .text(o.tag.name)
                       .text(lower_ascii(o.tag.name))
                       .integer(o.tag.created)
                       .integer(o.tag.modified)};
}
Stmt sql_for(const std::string& org, const op::PutTagging& o) {
  const auto& t = o.tagging;
  return {
      kPutTagging,
      Params().text(org).text(t.id).text(t.tag_id).text(t.person_id).integer(t.created).integer(t.modified)};
}
Stmt sql_for(const std::string& org, const op::DeleteTagging& o) {
  return {kDelTagging, Params().text(org).text(o.id)};
}
Stmt sql_for(const std::string& org, const op::PutList& o) {
  const auto& l = o.list;
  return {
      kPutList,
      Params().text(org).text(l.id).text(l.name).text(l.description).integer(l.created).integer(l.modified)};
}
Stmt sql_for(const std::string& org, const op::PutListItem& o) {
  const auto& i = o.item;
  return {
      kPutItem,
      Params().text(org).text(i.id).text(i.list_id).text(i.person_id).integer(i.created).integer(i.modified)};
}
Stmt sql_for(const std::string& org, const op::PutCustomField& o) {
  const auto& f = o.field;
  return {kPutField,
          Params().text(org).text(f.name).integer(f.numeric_id).integer(f.created).integer(f.modified)};
}
Stmt sql_for(const std::string& org, const op::PutAction& o) {
  const auto& a = o.action;
  return {kPutAction, Params().text(org).text(a.id).text(a.kind).text(actions::encode_action(a))};
}
Stmt sql_for(const std::string& org, const op::PutActionRecord& o, const FieldSealer& sealer) {
  const auto& r = o.record;
  return {kPutRecord, Params()
                          .text(org)
                          .text(r.id)
                          .text(r.action_id)
                          .text(r.person_id)
                          .text(sealer.seal(actions::encode_record(r), SealedColumn::kRecordDoc))};
}
Stmt sql_for(const std::string& org, const op::PutDoc& o, const FieldSealer& sealer) {
  return {
      kPutDoc,
      Params().text(org).text(o.doc.kind).text(o.doc.id).text(sealer.seal(o.doc.doc, SealedColumn::kOrgDoc))};
}
Stmt suppression_sql(const SuppressionRow& r) {
  return {kPutSuppression, Params()
                               .text(r.org_id)
                               .integer(ch(r.channel))
                               .bytea(hash_view(r.contact))
                               .integer(r.since)
                               .text(r.reason)
                               .integer(r.confirmed)};
}
Stmt sql_for(const std::string& org, const op::PutSuppression& o) {
  SuppressionRow r = o.row;
  r.org_id = org;
  return suppression_sql(r);
}
Stmt sql_for(const std::string& org, const op::DeleteSuppression& o) {
  return {kDelSuppression, Params().text(org).integer(ch(o.channel)).bytea(hash_view(o.contact))};
}
Stmt sql_for(const std::string& org, const op::MarkDelivery& o) {
  const DeliveryMark& m = o.mark;
  Params p;
  if (m.state)
    p.integer(static_cast<int>(*m.state));
  else
    p.null();
  if (m.reason.empty())
    p.null();
  else
    p.text(m.reason);
  p.integer(m.add_events)
      .integer(m.updated)
      .text(org)
      .text(o.message_id)
      .integer(o.seq)
      .integer(m.keep_final);
  return {kMarkDelivery, std::move(p)};
}
Stmt delivery_sql(const std::string& org, const DeliveryRow& d, const FieldSealer& sealer) {
  return {kPutDelivery, Params()
                            .text(org)
                            .text(d.message_id)
                            .integer(d.seq)
                            .text(d.person_id)
                            .integer(ch(d.channel))
                            .bytea(hash_view(d.contact))
                            .text(sealer.seal(d.address, SealedColumn::kDeliveryAddress))
                            .integer(static_cast<int>(d.state))
                            .text(d.reason)
                            .integer(d.attempts)
                            .integer(d.next_at)
                            .integer(d.handed_at)
                            .integer(d.updated)
                            .text(d.gateway_id)
                            .integer(d.events)};
}
Stmt sql_for(const std::string& org, const op::PutDelivery& o, const FieldSealer& sealer) {
  return delivery_sql(org, o.row, sealer);
}

Stmt sql_for(const std::string& org, const op::DeleteDoc& o) {
  return {"DELETE FROM org_docs WHERE org_id = $1 AND kind = $2 AND id = $3",
          Params().text(org).text(o.kind).text(o.id)};
}

// Erasure: several statements each (as the SQLite store's; store/store.h op::ErasePerson, EraseContact).
void erase_person_sql(const std::string& org, const op::ErasePerson& o, std::vector<Stmt>& out) {
  for (const char* sql : {"DELETE FROM people WHERE org_id = $1 AND id = $2",
                          "DELETE FROM contact_points WHERE org_id = $1 AND person_id = $2",
                          "DELETE FROM taggings WHERE org_id = $1 AND person_id = $2",
                          "DELETE FROM list_items WHERE org_id = $1 AND person_id = $2",
                          "DELETE FROM action_records WHERE org_id = $1 AND person_id = $2",
                          "UPDATE ledger SET contact_ref = NULL, ip = NULL, user_agent = NULL "
                          "WHERE org_id = $1 AND person_id = $2",
                          "UPDATE deliveries SET address = '' WHERE org_id = $1 AND person_id = $2"})
    out.push_back({sql, Params().text(org).text(o.person_id)});
}
void erase_contact_sql(const std::string& org, const op::EraseContact& o, std::vector<Stmt>& out) {
  out.push_back(
      {"UPDATE ledger SET contact_ref = NULL, ip = NULL, user_agent = NULL WHERE org_id = $1 AND "
       "contact_hash IN (SELECT $2::bytea UNION ALL SELECT alias_hash FROM contact_aliases WHERE "
       "org_id = $1 AND contact_hash = $2::bytea)",
       Params().text(org).bytea(hash_view(o.contact))});
  out.push_back(
      {"UPDATE deliveries SET address = '' WHERE org_id = $1 AND channel = $2 AND contact_hash = $3",
       Params().text(org).integer(ch(o.channel)).bytea(hash_view(o.contact))});
}

// The ledger append is two statements (the disclosure text, kept once per hash, then the entry).
void ledger_sql(const std::string& org, const consent::LedgerEntry& e, const FieldSealer& sealer,
                std::vector<Stmt>& out) {
  if (!e.evidence.disclosure_text.empty())
    out.push_back({kPutDisclosure, Params().text(e.disclosure_hash).text(e.evidence.disclosure_text)});
  out.push_back(
      {kAppendLedger,
       Params()
           .text(org)
           .integer(e.seq)
           .integer(e.time)
           .integer(ch(e.channel))
           .bytea(hash_view(e.contact_hash))
           .text(sealer.seal(e.contact_ref, SealedColumn::kLedgerContact))
           .text(consent::digest_of(e.contact_ref))
           .text(e.person_id)
           .integer(static_cast<int>(e.old_status))
           .integer(static_cast<int>(e.new_status))
           .text(e.evidence.actor)
           .text(e.evidence.source)
           .text(e.evidence.method)
           .text(sealer.seal(e.evidence.ip, SealedColumn::kLedgerIp))
           .text(consent::digest_of(e.evidence.ip))
           .text(sealer.seal(e.evidence.user_agent, SealedColumn::kLedgerUserAgent))
           .text(consent::digest_of(e.evidence.user_agent))
           .text(e.disclosure_hash)
           .integer(e.evidence.consent_time)
           .text(e.prev_hash)
           .text(e.hash)
           .text(e.evidence.purpose)
           .text(e.evidence.legal_basis ? std::string(consent::legal_basis_name(*e.evidence.legal_basis))
                                        : std::string())});
}

// The access log append (store/access_entry.h): the organization's chain is extended inside the
// transaction. The first statement takes a transaction lock per organization, so appends from other nodes
// or the CLI wait their turn; the second, which starts after it (a new snapshot, under READ COMMITTED),
// reads the head, computes the hash exactly as access_chained_fields + consent::chained_hash do
// ("<byte length>:<field>;" per field, SHA-256, lower-case hex; the database is UTF-8), inserts the entry
// and indexes it by person (or as a bulk read).
const char* const kLockAccessLog =
    "SELECT pg_advisory_xact_lock(hashtextextended('tocsin access_log ' || $1::text, 0))";
const char* const kAppendAccess = R"SQL(
WITH head AS (
  SELECT coalesce(max(seq), 0) + 1 AS seq,
         coalesce((SELECT hash FROM access_log WHERE org_id = $1::text ORDER BY seq DESC LIMIT 1),
                  repeat('0', 64)) AS prev_hash
  FROM access_log WHERE org_id = $1::text),
chained AS (
  SELECT seq, prev_hash,
         ARRAY[CASE WHEN $10::text = '' THEN 'tocsin-access-v1' ELSE 'tocsin-disclosure-v1' END, prev_hash,
               $1::text, seq::text, $2::bigint::text, $3::text, $4::text, $5::text, $6::text,
               $7::bigint::text, $8::text] ||
         CASE WHEN $10::text = '' THEN ARRAY[]::text[] ELSE ARRAY[$10::text, $11::text, $12::text] END
           AS fields
  FROM head),
entry AS (
  INSERT INTO access_log (org_id, seq, at, actor, ip, action, query, count, people, prev_hash, hash, recipient,
                          basis, message_id)
  SELECT $1::text, seq, $2::bigint, $3::text, $4::text, $5::text, $6::text, $7::bigint, $8::text, prev_hash,
         encode(sha256(convert_to((SELECT string_agg(octet_length(f)::text || ':' || f || ';', '' ORDER BY n)
                                   FROM unnest(fields) WITH ORDINALITY AS u(f, n)), 'UTF8')), 'hex'),
         $10::text, $11::text, $12::text
  FROM chained RETURNING seq)
INSERT INTO access_log_people (org_id, person_id, seq)
SELECT $1::text, p, entry.seq FROM entry, unnest(string_to_array(nullif($9::text, ''), ' ')) AS p
ON CONFLICT DO NOTHING)SQL";

void access_sql(const std::string& org, const op::AppendAccess& o, std::vector<Stmt>& out) {
  const AccessEntry& e = o.entry;
  std::string people = joined_person_ids(e.person_ids);
  std::string indexed = is_bulk_read(e) ? std::string(kBulkReadPerson) : people;
  out.push_back({kLockAccessLog, Params().text(org)});
  out.push_back({kAppendAccess, Params()
                                    .text(org)
                                    .integer(e.at)
                                    .text(e.actor)
                                    .text(e.ip)
                                    .text(e.action)
                                    .text(e.query)
                                    .integer(e.count)
                                    .text(people)
                                    .text(indexed)
                                    .text(e.recipient)
                                    .text(e.basis)
                                    .text(e.message_id)});
}

void op_sql(const std::string& org, const Op& op, const FieldSealer& sealer, std::vector<Stmt>& out) {
  std::visit(
      [&](const auto& o) {
        using T = std::decay_t<decltype(o)>;
        if constexpr (std::is_same_v<T, op::AppendLedger>)
          ledger_sql(org, o.entry, sealer, out);
        else if constexpr (std::is_same_v<T, op::ErasePerson>)
          erase_person_sql(org, o, out);
        else if constexpr (std::is_same_v<T, op::EraseContact>)
          erase_contact_sql(org, o, out);
        else if constexpr (std::is_same_v<T, op::AppendAccess>)
          access_sql(org, o, out);
        else if constexpr (requires { sql_for(org, o, sealer); })  // a write of a sealed column
          out.push_back(sql_for(org, o, sealer));
        else
          out.push_back(sql_for(org, o));
      },
      op);
}

// A small pool of read connections; a caller holds one for the whole of its read (and its callbacks).
class ReadPool {
 public:
  Status open(const std::string& url, int n) {
    for (int i = 0; i < n; ++i) {
      auto c = std::make_unique<Connection>();
      c->retry_reads_on_reconnect();
      if (auto s = c->open(url); !s) return s;
      free_.push_back(c.get());
      all_.push_back(std::move(c));
    }
    return Ok{};
  }
  class Lease {
   public:
    Lease(ReadPool& p, Connection* c) : p_(p), c_(c) {}
    ~Lease() { p_.give_back(c_); }
    Connection& operator*() const { return *c_; }
    Connection* operator->() const { return c_; }

   private:
    ReadPool& p_;
    Connection* c_;
  };
  Lease take() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !free_.empty(); });
    Connection* c = free_.back();
    free_.pop_back();
    return Lease(*this, c);
  }

 private:
  void give_back(Connection* c) {
    {
      std::lock_guard lock(mu_);
      free_.push_back(c);
    }
    cv_.notify_one();
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Connection>> all_;
  std::vector<Connection*> free_;
};

// A REPEATABLE READ READ ONLY transaction on a leased read connection: every read in it sees one snapshot.
class Snapshot {
 public:
  explicit Snapshot(Connection& c) : c_(c) {
    ok_ = bool(c_.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
  }
  ~Snapshot() { (void)c_.exec(ok_ ? "COMMIT" : "ROLLBACK"); }
  bool ok() const { return ok_; }

 private:
  Connection& c_;
  bool ok_ = false;
};

class PostgresStore final : public Store {
 public:
  Status open(const std::string& url, const PostgresOptions& options) {
    url_ = url;
    if (auto s = writer_.open(url); !s) return s;
    if (auto s = migrate_postgres(writer_); !s) return s;
    return pool_.open(url, std::max(1, options.read_connections));
  }

  Result<std::unique_ptr<WriterClaim>> claim_writer() override { return claim_postgres_writer(url_); }

  Status create_org(const Org& o) override {
    std::lock_guard lock(write_mu_);
    auto r = writer_.query(
        "INSERT INTO orgs (id, name, default_region, gdpr, suspended, created) VALUES ($1,$2,$3,$4,$5,$6)",
        Params()
            .text(o.id)
            .text(o.name)
            .text(o.default_region)
            .integer(o.gdpr_applies)
            .integer(o.suspended)
            .integer(o.created));
    if (!r) return internal_error("cannot create organization: " + r.error().message);
    return Ok{};
  }

  Result<std::vector<Org>> orgs() override {
    auto c = pool_.take();
    auto r = c->query("SELECT id, name, default_region, gdpr, suspended, created FROM orgs ORDER BY created");
    if (!r) return r.error();
    std::vector<Org> out;
    for (int i = 0; i < r->size(); ++i) {
      Org o;
      o.id = r->text(i, 0);
      o.name = r->text(i, 1);
      o.default_region = r->text(i, 2);
      o.gdpr_applies = r->integer(i, 3) != 0;
      o.suspended = r->integer(i, 4) != 0;
      o.created = r->integer(i, 5);
      out.push_back(std::move(o));
    }
    return out;
  }

  Status put_api_key(const ApiKeyRecord& k) override {
    std::lock_guard lock(write_mu_);
    auto r = writer_.query(
        "INSERT INTO api_keys (id, org_id, hash, created, revoked) VALUES ($1,$2,$3,$4,$5)",
        Params().text(k.id).text(k.org_id).text(k.hash_hex).integer(k.created).integer(k.revoked));
    if (!r) return internal_error("cannot store API key: " + r.error().message);
    return Ok{};
  }

  Status revoke_api_key(const std::string& org_id, const std::string& key_id) override {
    std::lock_guard lock(write_mu_);
    auto r = writer_.query("UPDATE api_keys SET revoked = 1 WHERE org_id = $1 AND id = $2",
                           Params().text(org_id).text(key_id));
    if (!r) return internal_error("cannot revoke API key: " + r.error().message);
    if (r->affected() == 0) return not_found("no such API key for this organization");
    return Ok{};
  }

  Result<std::vector<ApiKeyRecord>> api_keys() override {
    auto c = pool_.take();
    auto r = c->query("SELECT id, org_id, hash, created, revoked FROM api_keys");
    if (!r) return r.error();
    std::vector<ApiKeyRecord> out;
    for (int i = 0; i < r->size(); ++i) {
      ApiKeyRecord k;
      k.id = r->text(i, 0);
      k.org_id = r->text(i, 1);
      k.hash_hex = r->text(i, 2);
      k.created = r->integer(i, 3);
      k.revoked = r->integer(i, 4) != 0;
      out.push_back(std::move(k));
    }
    return out;
  }

  Status apply(const WriteBatch& batch) override {
    if (batch.empty()) return Ok{};
    std::vector<Stmt> stmts;
    stmts.reserve(batch.size() + 8);
    for (const auto& sop : batch.ops()) op_sql(sop.org_id, sop.op, sealer_, stmts);
    return write_transaction(stmts);
  }

  Status put_doc_outside(const std::string& org_id, const OrgDoc& doc) override {
    std::vector<Stmt> stmts;
    stmts.push_back(sql_for(org_id, op::PutDoc{doc}, sealer_));
    stmts.push_back({"INSERT INTO doc_changes (org_id, kind, id) VALUES ($1,$2,$3)",
                     Params().text(org_id).text(doc.kind).text(doc.id)});
    return write_transaction(stmts);
  }

  Result<std::vector<DocChange>> doc_changes_since(int64_t seq) override {
    auto c = pool_.take();
    auto r = c->query(
        "SELECT c.seq, c.org_id, c.kind, c.id, d.doc FROM doc_changes c JOIN org_docs d ON d.org_id = "
        "c.org_id "
        "AND d.kind = c.kind AND d.id = c.id WHERE c.seq > $1 ORDER BY c.seq",
        Params().integer(seq));
    if (!r) return r.error();
    std::vector<DocChange> out;
    for (int i = 0; i < r->size(); ++i) {
      auto doc = sealer_.open(r->text(i, 4), SealedColumn::kOrgDoc);
      if (!doc) return doc.error();
      out.push_back({r->integer(i, 0),
                     std::string(r->text(i, 1)),
                     {std::string(r->text(i, 2)), std::string(r->text(i, 3)), std::move(doc).value()}});
    }
    return out;
  }

  Result<std::optional<OrgDoc>> org_doc(const std::string& org_id, std::string_view kind,
                                        const std::string& id) override {
    auto c = pool_.take();
    auto r = c->query("SELECT doc FROM org_docs WHERE org_id = $1 AND kind = $2 AND id = $3",
                      Params().text(org_id).text(std::string(kind)).text(id));
    if (!r) return r.error();
    if (r->size() == 0) return std::optional<OrgDoc>{};
    auto doc = sealer_.open(r->text(0, 0), SealedColumn::kOrgDoc);
    if (!doc) return doc.error();
    return std::optional<OrgDoc>(OrgDoc{std::string(kind), id, std::move(doc).value()});
  }

  Result<std::vector<OrgDoc>> org_docs_of_kind(const std::string& org_id, std::string_view kind) override {
    auto c = pool_.take();
    auto r = c->query("SELECT id, doc FROM org_docs WHERE org_id = $1 AND kind = $2 ORDER BY pos",
                      Params().text(org_id).text(std::string(kind)));
    if (!r) return r.error();
    std::vector<OrgDoc> out;
    for (int i = 0; i < r->size(); ++i) {
      auto doc = sealer_.open(r->text(i, 1), SealedColumn::kOrgDoc);
      if (!doc) return doc.error();
      out.push_back(OrgDoc{std::string(kind), std::string(r->text(i, 0)), std::move(doc).value()});
    }
    return out;
  }

  Result<int64_t> last_doc_change() override {
    auto c = pool_.take();
    auto r = c->query("SELECT COALESCE(MAX(seq), 0) FROM doc_changes");
    if (!r) return r.error();
    return r->integer(0, 0);
  }

  // VACUUM cannot run inside a transaction: one statement per table, on the writer outside any pipeline.
  Status scrub(bool thorough) override {
    std::lock_guard lock(write_mu_);
    for (const char* table : {"people", "contact_points", "taggings", "list_items", "action_records",
                              "ledger", "deliveries", "delivery_plan_chunks", "org_docs"})
      if (auto s = writer_.exec(std::string(thorough ? "VACUUM (FULL) " : "VACUUM ") + table); !s) return s;
    // CHECKPOINT needs superuser or pg_checkpoint: asked for only by the operator's maintenance command.
    return thorough ? writer_.exec("CHECKPOINT") : Status{Ok{}};
  }

  Status put_platform_suppression(const SuppressionRow& row) override {
    SuppressionRow r = row;
    r.org_id.clear();
    std::vector<Stmt> stmts;
    stmts.push_back(suppression_sql(r));
    return write_transaction(stmts);
  }

  Result<std::vector<SuppressionRow>> platform_suppressions() override {
    auto c = pool_.take();
    return read_suppressions(*c, "");
  }

 protected:
  Result<OrgSnapshot> load_org(const std::string& org_id) override {
    auto c = pool_.take();
    Snapshot snap_tx(*c);
    if (!snap_tx.ok()) return internal_error("cannot read organization: " + c->last_error());
    OrgSnapshot snap;
    if (auto s = load_docs(*c, org_id, "people", "SELECT id, doc FROM people WHERE org_id = $1 ORDER BY pos",
                           SealedColumn::kPersonDoc, decode_person, snap.people, snap.quarantined);
        !s)
      return s.error();
    auto rows = [&](const char* sql) { return c->query(sql, Params().text(org_id)); };
    {
      auto r = rows("SELECT channel, hash, person_id FROM contact_points WHERE org_id = $1");
      if (!r) return r.error();
      for (int i = 0; i < r->size(); ++i)
        snap.contact_points.push_back({static_cast<Channel>(r->integer(i, 0)),
                                       to_contact_hash(r->bytea(i, 1)), std::string(r->text(i, 2))});
    }
    {
      auto r = rows("SELECT id, name, created, modified FROM tags WHERE org_id = $1 ORDER BY pos");
      if (!r) return r.error();
      for (int i = 0; i < r->size(); ++i)
        snap.tags.push_back(
            {std::string(r->text(i, 0)), std::string(r->text(i, 1)), r->integer(i, 2), r->integer(i, 3)});
    }
    {
      auto r = rows(
          "SELECT id, tag_id, person_id, created, modified FROM taggings WHERE org_id = $1 ORDER BY pos");
      if (!r) return r.error();
      for (int i = 0; i < r->size(); ++i)
        snap.taggings.push_back({std::string(r->text(i, 0)), std::string(r->text(i, 1)),
                                 std::string(r->text(i, 2)), r->integer(i, 3), r->integer(i, 4)});
    }
    {
      auto r =
          rows("SELECT id, name, description, created, modified FROM lists WHERE org_id = $1 ORDER BY pos");
      if (!r) return r.error();
      for (int i = 0; i < r->size(); ++i)
        snap.lists.push_back({std::string(r->text(i, 0)), std::string(r->text(i, 1)),
                              std::string(r->text(i, 2)), r->integer(i, 3), r->integer(i, 4)});
    }
    {
      auto r = rows(
          "SELECT id, list_id, person_id, created, modified FROM list_items WHERE org_id = $1 ORDER BY pos");
      if (!r) return r.error();
      for (int i = 0; i < r->size(); ++i)
        snap.list_items.push_back({std::string(r->text(i, 0)), std::string(r->text(i, 1)),
                                   std::string(r->text(i, 2)), r->integer(i, 3), r->integer(i, 4)});
    }
    {
      auto r = rows(
          "SELECT name, numeric_id, created, modified FROM custom_fields WHERE org_id = $1 ORDER BY "
          "numeric_id");
      if (!r) return r.error();
      for (int i = 0; i < r->size(); ++i)
        snap.custom_fields.push_back(
            {std::string(r->text(i, 0)), r->integer(i, 1), r->integer(i, 2), r->integer(i, 3)});
    }
    if (auto s =
            load_docs(*c, org_id, "actions", "SELECT id, doc FROM actions WHERE org_id = $1 ORDER BY pos",
                      std::nullopt, actions::decode_action, snap.actions, snap.quarantined);
        !s)
      return s.error();
    if (auto s = load_docs(
            *c, org_id, "action_records", "SELECT id, doc FROM action_records WHERE org_id = $1 ORDER BY pos",
            SealedColumn::kRecordDoc, actions::decode_record, snap.action_records, snap.quarantined);
        !s)
      return s.error();
    {
      auto r = rows("SELECT kind, id, doc FROM org_docs WHERE org_id = $1 ORDER BY pos");
      if (!r) return r.error();
      for (int i = 0; i < r->size(); ++i) {
        auto doc = sealer_.open(r->text(i, 2), SealedColumn::kOrgDoc);
        if (doc)
          snap.docs.push_back(
              {std::string(r->text(i, 0)), std::string(r->text(i, 1)), std::move(doc).value()});
        else
          snap.quarantined.push_back(
              {"org_docs", std::string(r->text(i, 1)), doc.error().message, std::string(r->text(i, 2))});
      }
    }
    auto sup = read_suppressions(*c, org_id);
    if (!sup) return sup.error();
    snap.suppressions = std::move(sup).value();
    return snap;
  }

  Status for_each_ledger_entry(const std::string& org_id,
                               const std::function<bool(const StoredLedgerEntry&)>& fn) override {
    auto c = pool_.take();
    std::string sql = std::string("SELECT ") + kLedgerColumns + " FROM ledger WHERE org_id = $1 ORDER BY seq";
    return c->stream(sql, Params().text(org_id),
                     [&](const Rows& r, int i) { return fn(read_ledger_row(r, i, sealer_)); });
  }

  Result<std::vector<StoredLedgerEntry>> ledger_for_contact(const std::string& org_id,
                                                            const ContactHash& hash) override {
    auto c = pool_.take();
    // Aliases: spellings of an email address recorded before migration 6 (only in copies of such files).
    std::string sql =
        std::string("SELECT ") + kLedgerColumns +
        " FROM ledger WHERE org_id = $1 AND (contact_hash = $2 OR contact_hash IN (SELECT alias_hash "
        "FROM contact_aliases WHERE org_id = $1 AND contact_hash = $2)) ORDER BY seq";
    auto r = c->query(sql, Params().text(org_id).bytea(hash_view(hash)));
    if (!r) return r.error();
    std::vector<StoredLedgerEntry> out;
    for (int i = 0; i < r->size(); ++i) out.push_back(read_ledger_row(*r, i, sealer_));
    return out;
  }

  Result<std::vector<AccessEntry>> access_log(const std::string& org_id, const AccessQuery& q) override {
    auto c = pool_.take();
    Params params;
    params.text(org_id).integer(q.after_seq).integer(q.since).integer(q.limit);
    std::string where = "seq > $2";
    if (!q.person_id.empty()) {
      // A person's entries and the bulk reads come from access_log_people's index; the hand-overs of the
      // messages their deliveries were handed over in, from access_log_by_message and one probe each.
      where =
          "seq IN (SELECT seq FROM access_log_people WHERE org_id = $1 AND person_id IN ($5, $6) AND seq > "
          "$2 UNION SELECT m.seq FROM access_log AS m WHERE m.org_id = $1 AND m.message_id <> '' AND m.seq > "
          "$2 AND EXISTS (SELECT 1 FROM deliveries AS d WHERE d.org_id = $1 AND d.message_id = m.message_id "
          "AND d.person_id = $5 AND d.handed_at > 0))";
      params.text(q.person_id).text(std::string(kBulkReadPerson));
    }
    if (q.disclosures_only) where += " AND recipient <> ''";
    auto r = c->query(fmt::format("SELECT {} FROM access_log WHERE org_id = $1 AND {} AND at >= $3 ORDER BY "
                                  "seq LIMIT $4",
                                  kAccessColumns, where),
                      std::move(params));
    if (!r) return r.error();
    std::vector<AccessEntry> out;
    for (int i = 0; i < r->size(); ++i) out.push_back(read_access(*r, i));
    return out;
  }

  Result<int64_t> blank_ledger_evidence(const std::string& org_id, Micros before, int64_t limit,
                                        bool count_only) override {
    static constexpr const char* kCarrying =
        "org_id = $1 AND time < $2 AND (coalesce(ip, '') <> '' OR coalesce(user_agent, '') <> '')";
    if (count_only) {
      auto c = pool_.take();
      auto r = c->query(fmt::format("SELECT count(*) FROM ledger WHERE {}", kCarrying),
                        Params().text(org_id).integer(before));
      if (!r) return r.error();
      return r->integer(0, 0);
    }
    std::lock_guard lock(write_mu_);
    auto r =
        writer_.query(fmt::format("UPDATE ledger SET ip = NULL, user_agent = NULL WHERE org_id = $1 AND seq "
                                  "IN (SELECT seq FROM ledger WHERE {} ORDER BY seq LIMIT $3)",
                                  kCarrying),
                      Params().text(org_id).integer(before).integer(limit));
    if (!r) return r.error();
    return r->affected();
  }

  Status for_each_access(const std::string& org_id,
                         const std::function<bool(const AccessEntry&)>& fn) override {
    auto c = pool_.take();
    return c->stream(fmt::format("SELECT {} FROM access_log WHERE org_id = $1 ORDER BY seq", kAccessColumns),
                     Params().text(org_id), [&](const Rows& r, int i) { return fn(read_access(r, i)); });
  }

  Result<std::string> disclosure_text(const std::string& disclosure_hash) override {
    auto c = pool_.take();
    auto r = c->query("SELECT text FROM disclosures WHERE hash = $1", Params().text(disclosure_hash));
    if (!r) return r.error();
    if (r->size() == 0) return not_found("no disclosure text with that hash");
    return std::string(r->text(0, 0));
  }

  Status put_deliveries(const std::string& org_id, const std::vector<DeliveryRow>& rows) override {
    if (rows.empty()) return Ok{};
    std::vector<Stmt> stmts;
    stmts.reserve(rows.size());
    for (const auto& d : rows) stmts.push_back(delivery_sql(org_id, d, sealer_));
    return write_transaction(stmts);
  }

  Status for_each_delivery(const std::string& org_id, const std::string& message_id,
                           const std::function<bool(const DeliveryRow&)>& fn) override {
    auto c = pool_.take();
    std::string sql = std::string("SELECT ") + kDeliveryColumns +
                      " FROM deliveries WHERE org_id = $1 AND message_id = $2 ORDER BY seq";
    return c->stream(sql, Params().text(org_id).text(message_id),
                     [&](const Rows& r, int i) { return fn(read_delivery_row(r, i, sealer_)); });
  }

  Result<std::optional<DeliveryRow>> delivery(const std::string& org_id, const std::string& message_id,
                                              int64_t seq) override {
    auto c = pool_.take();
    std::string sql = std::string("SELECT ") + kDeliveryColumns +
                      " FROM deliveries WHERE org_id = $1 AND message_id = $2 AND seq = $3";
    auto r = c->query(sql, Params().text(org_id).text(message_id).integer(seq));
    if (!r) return r.error();
    if (r->size() == 0) return std::optional<DeliveryRow>{};
    return std::optional<DeliveryRow>(read_delivery_row(*r, 0, sealer_));
  }

  Status for_each_recent_send(const std::string& org_id, Micros since,
                              const std::function<void(const DeliveryRow&)>& fn) override {
    auto c = pool_.take();
    std::string sql = std::string("SELECT ") + kDeliveryColumns +
                      " FROM deliveries WHERE org_id = $1 AND handed_at > 0 AND handed_at >= $2";
    return c->stream(sql, Params().text(org_id).integer(since), [&](const Rows& r, int i) {
      fn(read_delivery_row(r, i, sealer_));
      return true;
    });
  }

  Result<std::optional<DeliveryRow>> delivery_for_person(const std::string& org_id,
                                                         const std::string& message_id,
                                                         const std::string& person_id) override {
    auto c = pool_.take();
    std::string sql =
        std::string("SELECT ") + kDeliveryColumns +
        " FROM deliveries WHERE org_id = $1 AND message_id = $2 AND person_id = $3 ORDER BY seq "
        "LIMIT 1";
    auto r = c->query(sql, Params().text(org_id).text(message_id).text(person_id));
    if (!r) return r.error();
    if (r->size() == 0) return std::optional<DeliveryRow>{};
    return std::optional<DeliveryRow>(read_delivery_row(*r, 0, sealer_));
  }

  Status mark_delivery(const std::string& org_id, const std::string& message_id, int64_t seq,
                       const DeliveryMark& m) override {
    std::vector<Stmt> stmts;
    stmts.push_back(sql_for(org_id, op::MarkDelivery{message_id, seq, m}));
    return write_transaction(stmts);
  }

  Result<DeliveryTally> delivery_tally(const std::string& org_id, const std::string& message_id) override {
    auto c = pool_.take();
    // With the counts retention folded rows into; one statement, one snapshot.
    auto r = c->query(
        "SELECT (SELECT count(*) FILTER (WHERE handed_at > 0) FROM deliveries WHERE org_id = $2 AND "
        "message_id = $3) + (SELECT coalesce(sum(handed_over), 0) FROM delivery_counts WHERE org_id = $2 AND "
        "message_id = $3)::bigint, (SELECT count(*) FILTER (WHERE state = $1) FROM deliveries WHERE org_id = "
        "$2 AND message_id = $3) + (SELECT coalesce(sum(count) FILTER (WHERE state = $1), 0) FROM "
        "delivery_counts WHERE org_id = $2 AND message_id = $3)::bigint, "
        "(SELECT count(*) FILTER (WHERE state = $4 AND reason LIKE 'hard bounce%5.1.1%') FROM deliveries "
        "WHERE org_id = $2 AND message_id = $3), (SELECT count(*) FILTER (WHERE handed_at > 0 AND state IN "
        "($4, $5)) FROM deliveries WHERE org_id = $2 AND message_id = $3)",
        Params()
            .integer(static_cast<int>(DeliveryState::kComplained))
            .text(org_id)
            .text(message_id)
            .integer(static_cast<int>(DeliveryState::kBounced))
            .integer(static_cast<int>(DeliveryState::kFailed)));
    if (!r) return r.error();
    return DeliveryTally{r->integer(0, 0), r->integer(0, 1), r->integer(0, 2), r->integer(0, 3)};
  }

  Result<std::vector<DeliveryHour>> delivery_hours(const std::string& org_id,
                                                   const std::string& message_id) override {
    auto c = pool_.take();
    auto r = c->query(
        "SELECT hour, kind, count FROM delivery_hours WHERE org_id = $1 AND message_id = $2 ORDER BY hour",
        Params().text(org_id).text(message_id));
    if (!r) return r.error();
    std::vector<DeliveryHour> out;
    for (int i = 0; i < r->size(); ++i)
      out.push_back({r->integer(i, 0), static_cast<HourKind>(r->integer(i, 1)), r->integer(i, 2)});
    return out;
  }

  Result<std::vector<DeliveryGroup>> delivery_groups(const std::string& org_id,
                                                     const std::string& message_id) override {
    auto c = pool_.take();
    Snapshot tx(*c);  // the plan's counts and the rows that left it, from one snapshot
    if (!tx.ok()) return internal_error("cannot read delivery counts: " + c->last_error());
    auto rows = c->query(
        "SELECT state, CASE WHEN state IN ($1, $2) THEN reason ELSE '' END AS grouped, count(*), "
        "count(*) FILTER (WHERE events & $3 <> 0), count(*) FILTER (WHERE events & $4 <> 0), "
        "count(*) FILTER (WHERE events & $5 <> 0), count(*) FILTER (WHERE handed_at > 0) "
        "FROM deliveries WHERE org_id = $6 AND message_id = $7 GROUP BY state, grouped",
        Params()
            .integer(static_cast<int>(DeliveryState::kSuppressed))
            .integer(static_cast<int>(DeliveryState::kBlocked))
            .integer(kOpened)
            .integer(kClicked)
            .integer(kUnsubscribed)
            .text(org_id)
            .text(message_id));
    if (!rows) return rows.error();
    std::vector<DeliveryGroup> row_groups;
    for (int i = 0; i < rows->size(); ++i)
      row_groups.push_back({static_cast<DeliveryState>(rows->integer(i, 0)), std::string(rows->text(i, 1)),
                            rows->integer(i, 2), rows->integer(i, 3), rows->integer(i, 4),
                            rows->integer(i, 5), rows->integer(i, 6)});
    // The rows retention folded count as rows (each one a queued entry that left the plan).
    auto counts = count_groups(*c, org_id, message_id);
    if (!counts) return counts.error();
    for (auto& g : counts.value()) row_groups.push_back(std::move(g));
    auto head = read_plan_head(*c, org_id, message_id);
    if (!head) return head.error();
    if (!*head) return row_groups;
    auto q = c->query(
        "SELECT state, reason, count FROM delivery_plan_groups WHERE org_id = $1 AND message_id = $2",
        Params().text(org_id).text(message_id));
    if (!q) return q.error();
    std::vector<DeliveryGroup> plan;
    for (int i = 0; i < q->size(); ++i)
      plan.push_back({static_cast<DeliveryState>(q->integer(i, 0)), std::string(q->text(i, 1)),
                      q->integer(i, 2), 0, 0, 0});
    return combine_groups(plan, (*head)->stopped, row_groups);
  }

  // One transaction on the writer. The rows go and their counts come in one statement (a DELETE ...
  // RETURNING feeding the upsert), so a receipt that updates a row meanwhile is either in the count or
  // waits and then finds the row gone (left alone, as for any delivery that does not exist). The plan is
  // folded under its row's lock, so two nodes sweeping at once fold it once.
  Result<DeliveryFold> aggregate_deliveries(const std::string& org_id, const std::string& message_id,
                                            Micros before, int64_t limit, bool count_only) override {
    DeliveryFold fold;
    if (count_only) {
      auto c = pool_.take();
      Snapshot tx(*c);
      if (!tx.ok()) return internal_error("cannot count deliveries: " + c->last_error());
      auto due = aggregation_due(*c, org_id, message_id, before);
      if (!due) return due.error();
      if (!due.value()) return fold;
      auto rows = c->query("SELECT count(*) FROM deliveries WHERE org_id = $1 AND message_id = $2",
                           Params().text(org_id).text(message_id));
      if (!rows) return rows.error();
      fold.rows = rows->integer(0, 0);
      auto head = read_plan_head(*c, org_id, message_id);
      if (!head) return head.error();
      if (*head) fold.plan_entries = (*head)->entries;
      return fold;
    }
    std::lock_guard lock(write_mu_);
    if (auto s = writer_.exec("BEGIN"); !s) return s.error();
    auto step = [&]() -> Status {
      auto due = aggregation_due(writer_, org_id, message_id, before);
      if (!due) return due.error();
      if (!due.value()) return Ok{};
      auto moved = writer_.query(
          "WITH batch AS (SELECT seq FROM deliveries WHERE org_id = $1 AND message_id = $2 ORDER BY seq "
          "LIMIT $3), gone AS (DELETE FROM deliveries d USING batch WHERE d.org_id = $1 AND d.message_id = "
          "$2 "
          "AND d.seq = batch.seq RETURNING d.state, d.reason, d.events, d.handed_at), added AS ("
          "INSERT INTO delivery_counts (org_id, message_id, state, reason, count, opened, clicked, "
          "unsubscribed, handed_over) SELECT $1, $2, state, CASE WHEN state IN ($4, $5) THEN reason ELSE '' "
          "END AS grouped, count(*), count(*) FILTER (WHERE events & $6 <> 0), count(*) FILTER (WHERE "
          "events & $7 <> 0), count(*) FILTER (WHERE events & $8 <> 0), count(*) FILTER (WHERE handed_at > "
          "0) FROM gone GROUP BY state, grouped ON CONFLICT (org_id, message_id, state, reason) DO UPDATE "
          "SET "
          "count = delivery_counts.count + excluded.count, opened = delivery_counts.opened + "
          "excluded.opened, clicked = delivery_counts.clicked + excluded.clicked, unsubscribed = "
          "delivery_counts.unsubscribed + excluded.unsubscribed, handed_over = delivery_counts.handed_over + "
          "excluded.handed_over) SELECT count(*) FROM gone",
          Params()
              .text(org_id)
              .text(message_id)
              .integer(std::max<int64_t>(limit, 1))
              .integer(static_cast<int>(DeliveryState::kSuppressed))
              .integer(static_cast<int>(DeliveryState::kBlocked))
              .integer(kOpened)
              .integer(kClicked)
              .integer(kUnsubscribed));
      if (!moved) return moved.error();
      fold.rows = moved->integer(0, 0);
      auto left = writer_.query("SELECT 1 FROM deliveries WHERE org_id = $1 AND message_id = $2 LIMIT 1",
                                Params().text(org_id).text(message_id));
      if (!left) return left.error();
      if (left->size() > 0) return Ok{};
      return fold_plan_into_counts(org_id, message_id, fold);
    };
    if (auto s = step(); !s) {
      (void)writer_.exec("ROLLBACK");
      fold = {};
      return s.error();
    }
    if (auto s = writer_.exec("COMMIT"); !s) return s.error();
    return fold;
  }

  Status put_plan(const std::string& org_id, const std::string& message_id,
                  const DeliveryPlan& plan) override {
    auto groups = plan_groups(plan);
    std::vector<Stmt> stmts;
    for (const char* sql : {"DELETE FROM delivery_plans WHERE org_id = $1 AND message_id = $2",
                            "DELETE FROM delivery_plan_groups WHERE org_id = $1 AND message_id = $2",
                            "DELETE FROM delivery_plan_chunks WHERE org_id = $1 AND message_id = $2"})
      stmts.push_back({sql, Params().text(org_id).text(message_id)});
    stmts.push_back(
        {"INSERT INTO delivery_plans (org_id, message_id, entries, stopped, created) VALUES "
         "($1,$2,$3,0,$4)",
         Params()
             .text(org_id)
             .text(message_id)
             .integer(static_cast<int64_t>(plan.size()))
             .integer(now_micros())});
    for (const auto& g : groups)
      stmts.push_back(
          {"INSERT INTO delivery_plan_groups (org_id, message_id, state, reason, count) VALUES "
           "($1,$2,$3,$4,$5)",
           Params()
               .text(org_id)
               .text(message_id)
               .integer(static_cast<int>(g.state))
               .text(g.reason)
               .integer(g.count)});
    for (size_t i = 0, n = 0; i < plan.size(); i += kPlanChunkEntries, ++n)
      stmts.push_back(
          {"INSERT INTO delivery_plan_chunks (org_id, message_id, chunk, entries) VALUES ($1,$2,$3,$4)",
           Params()
               .text(org_id)
               .text(message_id)
               .integer(static_cast<int64_t>(n))
               .bytea(plan.encode(i, i + kPlanChunkEntries))});
    return write_transaction(stmts);
  }

  Result<std::optional<PlanHead>> load_plan(const std::string& org_id, const std::string& message_id,
                                            DeliveryPlan* into) override {
    auto c = pool_.take();
    Snapshot tx(*c);
    if (!tx.ok()) return internal_error("cannot read delivery plan: " + c->last_error());
    auto head = read_plan_head(*c, org_id, message_id);
    if (!head || !*head || !into) return head;
    bool ok = true;
    auto s = c->stream(
        "SELECT entries FROM delivery_plan_chunks WHERE org_id = $1 AND message_id = $2 ORDER BY chunk",
        Params().text(org_id).text(message_id), [&](const Rows& r, int i) {
          ok = into->decode_append(r.bytea(i, 0));
          return ok;
        });
    if (!s || !ok || static_cast<int64_t>(into->size()) != (*head)->entries)
      return internal_error("the delivery plan of message " + message_id + " cannot be read");
    return head;
  }

  Status stop_plan(const std::string& org_id, const std::string& message_id) override {
    std::vector<Stmt> stmts;
    stmts.push_back({"UPDATE delivery_plans SET stopped = 1 WHERE org_id = $1 AND message_id = $2",
                     Params().text(org_id).text(message_id)});
    return write_transaction(stmts);
  }

  Status add_soft_bounce(const std::string& org_id, const SoftBounceRow& r) override {
    std::vector<Stmt> stmts;
    stmts.push_back(
        {"INSERT INTO soft_bounces (org_id, channel, contact_hash, message_id, seq, at, status) "
         "VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT DO NOTHING",
         Params()
             .text(org_id)
             .integer(ch(r.channel))
             .bytea(hash_view(r.contact))
             .text(r.message_id)
             .integer(r.seq)
             .integer(r.at)
             .text(r.status)});
    return write_transaction(stmts);
  }

  Result<std::vector<SoftBounceRow>> soft_bounces(const std::string& org_id, Channel channel,
                                                  const ContactHash& contact) override {
    auto c = pool_.take();
    auto r = c->query(
        "SELECT message_id, seq, at, status FROM soft_bounces WHERE org_id = $1 AND channel = $2 AND "
        "contact_hash "
        "= $3 ORDER BY at",
        Params().text(org_id).integer(ch(channel)).bytea(hash_view(contact)));
    if (!r) return r.error();
    std::vector<SoftBounceRow> out;
    for (int i = 0; i < r->size(); ++i)
      out.push_back({channel, contact, std::string(r->text(i, 0)), r->integer(i, 1), r->integer(i, 2),
                     std::string(r->text(i, 3))});
    return out;
  }

  Status clear_soft_bounces(const std::string& org_id, Channel channel, const ContactHash& contact) override {
    std::vector<Stmt> stmts;
    stmts.push_back({"DELETE FROM soft_bounces WHERE org_id = $1 AND channel = $2 AND contact_hash = $3",
                     Params().text(org_id).integer(ch(channel)).bytea(hash_view(contact))});
    return write_transaction(stmts);
  }

  Result<std::vector<DataKeyRow>> data_key_rows() override {
    auto c = pool_.take();
    auto r = c->query("SELECT id, wrapped, created FROM data_keys ORDER BY id");
    if (!r) return r.error();
    std::vector<DataKeyRow> out;
    for (int i = 0; i < r->size(); ++i)
      out.push_back({static_cast<uint32_t>(r->integer(i, 0)), std::string(r->text(i, 1)), r->integer(i, 2)});
    return out;
  }

  Status insert_data_key(const DataKeyRow& row) override {
    std::lock_guard lock(write_mu_);
    auto r = writer_.query(
        "INSERT INTO data_keys (id, wrapped, created) VALUES ($1,$2,$3) ON CONFLICT (id) DO NOTHING",
        Params().integer(row.id).text(row.wrapped).integer(row.created));
    if (!r) return r.error();
    if (r->affected() == 0)
      return Error{409, "data key " + std::to_string(row.id) + " was added meanwhile; try again"};
    return Ok{};
  }

  Status rewrap_data_key_rows(const std::vector<DataKeyRow>& rows) override {
    std::vector<Stmt> stmts;
    for (const auto& r : rows)
      stmts.push_back(
          {"UPDATE data_keys SET wrapped = $1 WHERE id = $2", Params().text(r.wrapped).integer(r.id)});
    return write_transaction(stmts);
  }

  // Reads and updates on the writer in one transaction; a row's update applies only if it still holds
  // what was read (reseal_update_sql), so a node's concurrent write wins.
  Result<ResealStep> reseal(const SealedTable& t, const RowKey& after, int limit, bool count_only) override {
    std::lock_guard lock(write_mu_);
    Params select;
    for (const auto& k : after) add_key(select, k);
    select.integer(limit);
    if (auto s = writer_.exec("BEGIN"); !s) return s.error();
    auto rows = writer_.query(walk_select_sql(t, !after.empty(), SqlDialect::kPostgres), std::move(select));
    if (!rows) {
      (void)writer_.exec("ROLLBACK");
      return rows.error();
    }
    ResealStep step;
    std::string update = reseal_update_sql(t, SqlDialect::kPostgres);
    WalkedRow row;
    for (int i = 0; i < rows->size(); ++i) {
      row.key.clear();
      row.values.clear();
      for (size_t k = 0; k < t.key.size(); ++k) {
        int col = static_cast<int>(k);
        row.key.push_back(t.integer_key[k] ? KeyValue(rows->integer(i, col))
                                           : KeyValue(std::string(rows->text(i, col))));
      }
      for (size_t v = 0; v < t.columns.size(); ++v) {
        int col = static_cast<int>(t.key.size() + v);
        row.values.push_back(rows->is_null(i, col) ? std::nullopt
                                                   : std::optional<std::string>(rows->text(i, col)));
      }
      auto next = resealed_values(sealer_, t, row);
      if (!next) {
        (void)writer_.exec("ROLLBACK");
        return next.error();
      }
      if (!*next) continue;
      ++step.resealed;
      if (count_only) continue;
      Params p;
      for (const auto& v : **next) add_value(p, v);
      for (const auto& k : row.key) add_key(p, k);
      for (const auto& v : row.values) add_value(p, v);
      if (auto r = writer_.query(update, std::move(p)); !r) {
        (void)writer_.exec("ROLLBACK");
        return r.error();
      }
    }
    if (auto s = writer_.exec(count_only ? "ROLLBACK" : "COMMIT"); !s) return s.error();
    step.rows = rows->size();
    if (rows->size() > 0 && rows->size() == limit) step.last = row.key;
    return step;
  }

 private:
  static void add_key(Params& p, const KeyValue& k) {
    if (const auto* n = std::get_if<int64_t>(&k))
      p.integer(*n);
    else
      p.text(std::get<std::string>(k));
  }
  static void add_value(Params& p, const std::optional<std::string>& v) {
    if (v)
      p.text(*v);
    else
      p.null();
  }

  // One durable transaction: the statements pipelined between two syncs, which PostgreSQL runs as one
  // implicit transaction (all or nothing), committed before the sync's answer arrives. A connection lost
  // before that answer (a failover) is survived by failover_commit.h: reconnect, prove the outcome, or fail.
  Status write_transaction(std::vector<Stmt>& stmts) {
    std::lock_guard lock(write_mu_);
    return commit_.run(writer_, [&](Connection& c) {
      for (auto& st : stmts)
        if (!c.send(st.sql, st.params)) return false;  // end_pipeline reports the error
      return true;
    });
  }

  // What retention folded of a message's rows (delivery_counts).
  static Result<std::vector<DeliveryGroup>> count_groups(Connection& c, const std::string& org_id,
                                                         const std::string& message_id) {
    auto r = c.query(
        "SELECT state, reason, count, opened, clicked, unsubscribed, handed_over FROM delivery_counts WHERE "
        "org_id = $1 AND message_id = $2",
        Params().text(org_id).text(message_id));
    if (!r) return r.error();
    std::vector<DeliveryGroup> out;
    for (int i = 0; i < r->size(); ++i)
      out.push_back({static_cast<DeliveryState>(r->integer(i, 0)), std::string(r->text(i, 1)),
                     r->integer(i, 2), r->integer(i, 3), r->integer(i, 4), r->integer(i, 5),
                     r->integer(i, 6)});
    return out;
  }

  // Whether retention may fold a message's rows: none touched at or after `before`, none pending.
  static Result<bool> aggregation_due(Connection& c, const std::string& org_id, const std::string& message_id,
                                      Micros before) {
    auto r = c.query(
        "SELECT 1 FROM deliveries WHERE org_id = $1 AND message_id = $2 AND (updated >= $3 OR handed_at >= "
        "$3 OR state IN ($4, $5, $6)) LIMIT 1",
        Params()
            .text(org_id)
            .text(message_id)
            .integer(before)
            .integer(static_cast<int>(DeliveryState::kQueued))
            .integer(static_cast<int>(DeliveryState::kDeferred))
            .integer(static_cast<int>(DeliveryState::kHanding)));
    if (!r) return r.error();
    return r->size() == 0;
  }

  // The last step of a message's aggregation, in its transaction on the writer once no row is left: the
  // plan's entries join the counts (store/delivery_plan.h fold_plan) and the plan goes.
  Status fold_plan_into_counts(const std::string& org_id, const std::string& message_id, DeliveryFold& fold) {
    auto key = [&] { return Params().text(org_id).text(message_id); };
    auto head = writer_.query(
        "SELECT entries, stopped FROM delivery_plans WHERE org_id = $1 AND message_id = $2 FOR UPDATE",
        key());
    if (!head) return head.error();
    if (head->size() == 0) return Ok{};  // no plan (or folded already)
    fold.plan_entries = head->integer(0, 0);
    bool stopped = head->integer(0, 1) != 0;
    auto groups = writer_.query(
        "SELECT state, reason, count FROM delivery_plan_groups WHERE org_id = $1 AND message_id = $2", key());
    if (!groups) return groups.error();
    std::vector<DeliveryGroup> plan;
    for (int i = 0; i < groups->size(); ++i)
      plan.push_back({static_cast<DeliveryState>(groups->integer(i, 0)), std::string(groups->text(i, 1)),
                      groups->integer(i, 2), 0, 0, 0, 0});
    auto counts = count_groups(writer_, org_id, message_id);
    if (!counts) return counts.error();
    auto folded = fold_plan(plan, stopped, counts.value());
    for (const char* table :
         {"delivery_counts", "delivery_plans", "delivery_plan_groups", "delivery_plan_chunks"})
      if (auto r = writer_.query(fmt::format("DELETE FROM {} WHERE org_id = $1 AND message_id = $2", table),
                                 key());
          !r)
        return r.error();
    for (const auto& g : folded)
      if (auto r = writer_.query(
              "INSERT INTO delivery_counts (org_id, message_id, state, reason, count, opened, clicked, "
              "unsubscribed, handed_over) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)",
              key()
                  .integer(static_cast<int>(g.state))
                  .text(g.reason)
                  .integer(g.count)
                  .integer(g.opened)
                  .integer(g.clicked)
                  .integer(g.unsubscribed)
                  .integer(g.handed_over));
          !r)
        return r.error();
    return Ok{};
  }

  Result<std::optional<PlanHead>> read_plan_head(Connection& c, const std::string& org_id,
                                                 const std::string& message_id) {
    auto r = c.query("SELECT entries, stopped FROM delivery_plans WHERE org_id = $1 AND message_id = $2",
                     Params().text(org_id).text(message_id));
    if (!r) return r.error();
    if (r->size() == 0) return std::optional<PlanHead>{};
    return std::optional<PlanHead>(PlanHead{r->integer(0, 0), r->integer(0, 1) != 0});
  }

  Result<std::vector<SuppressionRow>> read_suppressions(Connection& c, const std::string& org_id) {
    auto r =
        c.query("SELECT channel, contact_hash, since, reason, confirmed FROM suppressions WHERE org_id = $1",
                Params().text(org_id));
    if (!r) return r.error();
    std::vector<SuppressionRow> out;
    for (int i = 0; i < r->size(); ++i)
      out.push_back({org_id, static_cast<Channel>(r->integer(i, 0)), to_contact_hash(r->bytea(i, 1)),
                     r->integer(i, 2), std::string(r->text(i, 3)), r->integer(i, 4) != 0});
    return out;
  }

  // Reads (id, doc) rows into `out`, opening (`sealed`) and decoding each; one that does not open or decode
  // goes to `quarantined`.
  template <typename T, typename Decode>
  Status load_docs(Connection& c, const std::string& org_id, const char* table, const char* sql,
                   std::optional<SealedColumn> sealed, Decode decode, std::vector<T>& out,
                   std::vector<QuarantinedDoc>& quarantined) {
    return c.stream(sql, Params().text(org_id), [&](const Rows& r, int i) {
      open_document(sealer_, sealed, table, r.text(i, 0), r.text(i, 1), decode, out, quarantined);
      return true;
    });
  }

  std::mutex write_mu_;
  std::string url_;  // for the writer claim's own connection
  Connection writer_;
  pg::FailoverCommit commit_;  // under write_mu_
  ReadPool pool_;
};

}  // namespace

bool is_postgres_url(std::string_view s) {
  return s.starts_with("postgresql://") || s.starts_with("postgres://");
}

Result<std::unique_ptr<Store>> open_postgres_store(const std::string& url, const PostgresOptions& options) {
  auto s = std::make_unique<PostgresStore>();
  if (auto st = s->open(url, options); !st) return st.error();
  if (options.open_data_keys)
    if (auto st = open_data_keys(*s, options.kek, options.new_installation); !st) return st.error();
  return std::unique_ptr<Store>(std::move(s));
}

}  // namespace tocsin::store

// Mirrors store/migrations/sqlite_migrations.cc version by version. Differences that are the dialect's, not
// the schema's: INTEGER is BIGINT, BLOB is BYTEA, and where SQLite relies on rowid for creation order a
// `pos BIGSERIAL` column does (an SQLite INSERT OR REPLACE gives the row a new rowid; the store's upserts set
// pos = DEFAULT there to keep the same order). Migration 6's data step (folding the case of email contact
// points recorded before it) has nothing to fold in a PostgreSQL schema, which is always created at version
// 6 or later or filled by `tocsin store copy` from an already migrated SQLite file.
#include "store/postgres/postgres_migrations.h"

#include <spdlog/spdlog.h>

#include "core/clock.h"

namespace tocsin::store {

const std::vector<PgMigration>& postgres_migrations() {
  static const std::vector<PgMigration> kMigrations = {
      {1, "organizations, keys, people, contact points, consent ledger, tags, lists", R"SQL(
CREATE TABLE orgs (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, default_region TEXT NOT NULL,
  gdpr BIGINT NOT NULL DEFAULT 0, suspended BIGINT NOT NULL DEFAULT 0, created BIGINT NOT NULL);
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES orgs(id), hash TEXT NOT NULL UNIQUE,
  created BIGINT NOT NULL, revoked BIGINT NOT NULL DEFAULT 0);
CREATE TABLE people (
  pos BIGSERIAL, org_id TEXT NOT NULL, id TEXT NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (org_id, id));
CREATE INDEX people_by_pos ON people (org_id, pos);
CREATE TABLE contact_points (
  org_id TEXT NOT NULL, channel BIGINT NOT NULL, hash BYTEA NOT NULL, person_id TEXT NOT NULL,
  PRIMARY KEY (org_id, channel, hash));
CREATE TABLE ledger (
  org_id TEXT NOT NULL, seq BIGINT NOT NULL, time BIGINT NOT NULL, channel BIGINT NOT NULL,
  contact_hash BYTEA NOT NULL, contact_ref TEXT, ref_digest TEXT NOT NULL, person_id TEXT NOT NULL,
  old_status BIGINT NOT NULL, new_status BIGINT NOT NULL, actor TEXT NOT NULL, source TEXT NOT NULL,
  method TEXT NOT NULL, ip TEXT, ip_digest TEXT NOT NULL, user_agent TEXT, ua_digest TEXT NOT NULL,
  disclosure_hash TEXT NOT NULL, consent_time BIGINT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL,
  PRIMARY KEY (org_id, seq));
CREATE INDEX ledger_by_contact ON ledger (org_id, contact_hash, seq);
-- Append-only: only the erasable plaintext columns may ever be blanked (erasure); nothing is deleted or
-- truncated.
CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'ledger is append-only'; END $$;
CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER ledger_no_truncate BEFORE TRUNCATE ON ledger FOR EACH STATEMENT
  EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER ledger_no_update BEFORE UPDATE OF org_id, seq, time, channel, contact_hash, ref_digest, person_id,
  old_status, new_status, actor, source, method, ip_digest, ua_digest, disclosure_hash, consent_time, prev_hash,
  hash ON ledger FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TABLE disclosures (hash TEXT PRIMARY KEY, text TEXT NOT NULL);
CREATE TABLE tags (
  pos BIGSERIAL, org_id TEXT NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL, name_key TEXT NOT NULL,
  created BIGINT NOT NULL, modified BIGINT NOT NULL, UNIQUE (org_id, id), UNIQUE (org_id, name_key));
CREATE TABLE taggings (
  pos BIGSERIAL, org_id TEXT NOT NULL, id TEXT NOT NULL, tag_id TEXT NOT NULL, person_id TEXT NOT NULL,
  created BIGINT NOT NULL, modified BIGINT NOT NULL, UNIQUE (org_id, id));
CREATE TABLE lists (
  pos BIGSERIAL, org_id TEXT NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL, description TEXT NOT NULL,
  created BIGINT NOT NULL, modified BIGINT NOT NULL, UNIQUE (org_id, id));
CREATE TABLE list_items (
  pos BIGSERIAL, org_id TEXT NOT NULL, id TEXT NOT NULL, list_id TEXT NOT NULL, person_id TEXT NOT NULL,
  created BIGINT NOT NULL, modified BIGINT NOT NULL, UNIQUE (org_id, id));
CREATE TABLE custom_fields (
  org_id TEXT NOT NULL, name TEXT NOT NULL, numeric_id BIGINT NOT NULL,
  created BIGINT NOT NULL, modified BIGINT NOT NULL, PRIMARY KEY (org_id, name));
)SQL"},
      {2, "actions (petitions, events, forms, ...) and their records (signatures, attendances, ...)", R"SQL(
CREATE TABLE actions (
  pos BIGSERIAL, org_id TEXT NOT NULL, id TEXT NOT NULL, kind TEXT NOT NULL, doc TEXT NOT NULL,
  UNIQUE (org_id, id));
CREATE TABLE action_records (
  pos BIGSERIAL, org_id TEXT NOT NULL, id TEXT NOT NULL, action_id TEXT NOT NULL, person_id TEXT NOT NULL,
  doc TEXT NOT NULL, UNIQUE (org_id, id));
CREATE INDEX action_records_by_action ON action_records (org_id, action_id);
CREATE INDEX action_records_by_person ON action_records (org_id, person_id);
)SQL"},
      {3, "messaging: configuration documents, suppressions, per-recipient delivery state", R"SQL(
CREATE TABLE org_docs (
  pos BIGSERIAL, org_id TEXT NOT NULL, kind TEXT NOT NULL, id TEXT NOT NULL, doc TEXT NOT NULL,
  UNIQUE (org_id, kind, id));
CREATE TABLE suppressions (
  org_id TEXT NOT NULL, channel BIGINT NOT NULL, contact_hash BYTEA NOT NULL, since BIGINT NOT NULL,
  reason TEXT NOT NULL, confirmed BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (org_id, channel, contact_hash));
CREATE TABLE deliveries (
  org_id TEXT NOT NULL, message_id TEXT NOT NULL, seq BIGINT NOT NULL, person_id TEXT NOT NULL,
  channel BIGINT NOT NULL, contact_hash BYTEA NOT NULL, address TEXT NOT NULL, state BIGINT NOT NULL,
  reason TEXT NOT NULL, attempts BIGINT NOT NULL, next_at BIGINT NOT NULL, handed_at BIGINT NOT NULL,
  updated BIGINT NOT NULL, gateway_id TEXT NOT NULL, events BIGINT NOT NULL,
  PRIMARY KEY (org_id, message_id, seq));
CREATE INDEX deliveries_by_handed ON deliveries (org_id, handed_at) WHERE handed_at > 0;
CREATE TABLE doc_changes (
  seq BIGSERIAL PRIMARY KEY, org_id TEXT NOT NULL, kind TEXT NOT NULL, id TEXT NOT NULL);
)SQL"},
      {4, "mail feedback: soft-bounce history, deliveries by person", R"SQL(
CREATE TABLE soft_bounces (
  org_id TEXT NOT NULL, channel BIGINT NOT NULL, contact_hash BYTEA NOT NULL, message_id TEXT NOT NULL,
  seq BIGINT NOT NULL, at BIGINT NOT NULL, status TEXT NOT NULL,
  PRIMARY KEY (org_id, channel, contact_hash, message_id, seq));
CREATE INDEX deliveries_by_person ON deliveries (org_id, message_id, person_id);
)SQL"},
      {5, "blast plans: every recipient's planned state in chunks; rows only once a delivery leaves the plan",
       R"SQL(
CREATE TABLE delivery_plans (
  org_id TEXT NOT NULL, message_id TEXT NOT NULL, entries BIGINT NOT NULL, stopped BIGINT NOT NULL,
  created BIGINT NOT NULL, PRIMARY KEY (org_id, message_id));
CREATE TABLE delivery_plan_groups (
  org_id TEXT NOT NULL, message_id TEXT NOT NULL, state BIGINT NOT NULL, reason TEXT NOT NULL,
  count BIGINT NOT NULL, PRIMARY KEY (org_id, message_id, state, reason));
CREATE TABLE delivery_plan_chunks (
  org_id TEXT NOT NULL, message_id TEXT NOT NULL, chunk BIGINT NOT NULL, entries BYTEA NOT NULL,
  PRIMARY KEY (org_id, message_id, chunk));
)SQL"},
      {6, "email addresses: one contact point per case-folded address; case variants merged",
       R"SQL(
CREATE TABLE contact_aliases (
  org_id TEXT NOT NULL, channel BIGINT NOT NULL, alias_hash BYTEA NOT NULL, contact_hash BYTEA NOT NULL,
  PRIMARY KEY (org_id, channel, alias_hash));
CREATE INDEX contact_aliases_by_contact ON contact_aliases (org_id, contact_hash);
)SQL"},
      {7, "access log: who read which person's data, hash-chained per organization", R"SQL(
CREATE TABLE access_log (
  org_id TEXT NOT NULL, seq BIGINT NOT NULL, at BIGINT NOT NULL, actor TEXT NOT NULL, ip TEXT NOT NULL,
  action TEXT NOT NULL, query TEXT NOT NULL, count BIGINT NOT NULL, people TEXT NOT NULL,
  prev_hash TEXT NOT NULL, hash TEXT NOT NULL, PRIMARY KEY (org_id, seq));
CREATE TABLE access_log_people (
  org_id TEXT NOT NULL, person_id TEXT NOT NULL, seq BIGINT NOT NULL, PRIMARY KEY (org_id, person_id, seq));
CREATE FUNCTION access_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'the access log is append-only'; END $$;
CREATE TRIGGER access_log_no_change BEFORE UPDATE OR DELETE ON access_log FOR EACH ROW
  EXECUTE FUNCTION access_log_append_only();
CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON access_log FOR EACH STATEMENT
  EXECUTE FUNCTION access_log_append_only();
)SQL"},
      {8, "encryption at rest: data keys wrapped by the installation's key-encryption key", R"SQL(
CREATE TABLE data_keys (id BIGINT PRIMARY KEY, wrapped TEXT NOT NULL, created BIGINT NOT NULL);
)SQL"},
      {9, "consent purposes and legal bases: what each ledger entry's consent is for (consent/scope.h)",
       R"SQL(
ALTER TABLE ledger ADD COLUMN purpose TEXT NOT NULL DEFAULT '', ADD COLUMN legal_basis TEXT NOT NULL DEFAULT '';
CREATE TRIGGER ledger_no_update_scope BEFORE UPDATE OF purpose, legal_basis ON ledger FOR EACH ROW
  EXECUTE FUNCTION ledger_append_only();
)SQL"},
      {10, "disclosure log: the access log's entries name the recipient and basis of a disclosure", R"SQL(
ALTER TABLE access_log ADD COLUMN recipient TEXT NOT NULL DEFAULT '';
ALTER TABLE access_log ADD COLUMN basis TEXT NOT NULL DEFAULT '';
ALTER TABLE access_log ADD COLUMN message_id TEXT NOT NULL DEFAULT '';
CREATE INDEX access_log_disclosures ON access_log (org_id, seq) WHERE recipient <> '';
CREATE INDEX access_log_by_message ON access_log (org_id, message_id, seq) WHERE message_id <> '';
)SQL"},
      {11, "retention: old deliveries aggregated into per-message counts", R"SQL(
CREATE TABLE delivery_counts (
  org_id TEXT NOT NULL, message_id TEXT NOT NULL, state BIGINT NOT NULL, reason TEXT NOT NULL,
  count BIGINT NOT NULL, opened BIGINT NOT NULL, clicked BIGINT NOT NULL, unsubscribed BIGINT NOT NULL,
  handed_over BIGINT NOT NULL, PRIMARY KEY (org_id, message_id, state, reason));
)SQL"},
      {12, "statistics over time: a message's deliveries counted per hour as they change", R"SQL(
-- As the SQLite schema's migration 12: hourly counts per message and kind kept by a trigger in the same
-- transaction as the change they count.
CREATE TABLE delivery_hours (
  org_id TEXT NOT NULL, message_id TEXT NOT NULL, hour BIGINT NOT NULL, kind BIGINT NOT NULL,
  count BIGINT NOT NULL, PRIMARY KEY (org_id, message_id, hour, kind));
CREATE FUNCTION delivery_hours_add(o TEXT, m TEXT, t BIGINT, k BIGINT) RETURNS void LANGUAGE sql AS $f$
  INSERT INTO delivery_hours (org_id, message_id, hour, kind, count) VALUES (o, m, t - t % 3600000000, k, 1)
  ON CONFLICT (org_id, message_id, hour, kind) DO UPDATE SET count = delivery_hours.count + 1
$f$;
CREATE FUNCTION delivery_hours_row() RETURNS trigger LANGUAGE plpgsql AS $f$
DECLARE
  old_state BIGINT := -1;
  old_events BIGINT := 0;
  old_handed BIGINT := 0;
BEGIN
  IF TG_OP = 'UPDATE' THEN
    old_state := OLD.state; old_events := OLD.events; old_handed := OLD.handed_at;
  END IF;
  IF old_handed = 0 AND NEW.handed_at > 0 THEN
    PERFORM delivery_hours_add(NEW.org_id, NEW.message_id, NEW.handed_at, 1);
  END IF;
  IF NEW.state <> old_state AND NEW.state IN (4, 5, 6, 7) THEN
    PERFORM delivery_hours_add(NEW.org_id, NEW.message_id, NEW.updated, CASE NEW.state WHEN 4 THEN 2
      WHEN 5 THEN (CASE WHEN NEW.reason LIKE 'hard bounce%' THEN 3 ELSE 4 END) WHEN 6 THEN 6 ELSE 10 END);
  END IF;
  IF NEW.events & 1 <> 0 AND old_events & 1 = 0 THEN
    PERFORM delivery_hours_add(NEW.org_id, NEW.message_id, NEW.updated, 7);
  END IF;
  IF NEW.events & 2 <> 0 AND old_events & 2 = 0 THEN
    PERFORM delivery_hours_add(NEW.org_id, NEW.message_id, NEW.updated, 8);
  END IF;
  IF NEW.events & 4 <> 0 AND old_events & 4 = 0 THEN
    PERFORM delivery_hours_add(NEW.org_id, NEW.message_id, NEW.updated, 9);
  END IF;
  RETURN NULL;
END
$f$;
CREATE TRIGGER delivery_hours_row AFTER INSERT OR UPDATE OF state, events, handed_at ON deliveries
  FOR EACH ROW EXECUTE FUNCTION delivery_hours_row();
CREATE FUNCTION delivery_hours_soft_bounce() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
  PERFORM delivery_hours_add(NEW.org_id, NEW.message_id, NEW.at, 5);
  RETURN NULL;
END
$f$;
CREATE TRIGGER delivery_hours_soft_bounce AFTER INSERT ON soft_bounces
  FOR EACH ROW EXECUTE FUNCTION delivery_hours_soft_bounce();
)SQL"},
      {13, "commit markers: a group commit proves its outcome after a lost connection (failover)", R"SQL(
-- store/postgres/failover_commit.h: each write transaction first inserts a random token; after the
-- connection is lost mid-commit the batch is sent again with the same token on the new connection, and a
-- unique violation on this key proves the first attempt committed. Pruned after minutes.
CREATE TABLE commit_markers (token TEXT PRIMARY KEY, at BIGINT NOT NULL);
CREATE INDEX commit_markers_by_at ON commit_markers (at);
)SQL"},
  };
  return kMigrations;
}

namespace {
// Key of the advisory lock held while migrating ("tocsin" in ASCII).
constexpr const char* kMigrationLock = "SELECT pg_advisory_lock(116111099115105110)";
constexpr const char* kMigrationUnlock = "SELECT pg_advisory_unlock(116111099115105110)";
}  // namespace

Status migrate_postgres(pg::Connection& c) {
  if (auto s = c.exec(kMigrationLock); !s) return s;
  auto run = [&]() -> Status {
    if (auto s = c.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, "
                        "description TEXT NOT NULL, applied BIGINT NOT NULL)");
        !s)
      return s;
    for (const auto& m : postgres_migrations()) {
      auto have =
          c.query("SELECT 1 FROM schema_migrations WHERE version = $1", pg::Params().integer(m.version));
      if (!have) return have.error();
      if (have->size() > 0) continue;
      if (auto s = c.exec("BEGIN"); !s) return s;
      Status s = c.exec(m.sql);
      if (s) {
        auto rec = c.query("INSERT INTO schema_migrations (version, description, applied) VALUES ($1,$2,$3)",
                           pg::Params().integer(m.version).text(m.description).integer(now_micros()));
        if (!rec) s = rec.error();
      }
      if (s) s = c.exec("COMMIT");
      if (!s) {
        (void)c.exec("ROLLBACK");
        return internal_error("migration " + std::to_string(m.version) + " failed: " + s.error().message);
      }
      spdlog::info("database migrated to version {}: {}", m.version, m.description);
    }
    return Ok{};
  };
  Status s = run();
  (void)c.exec(kMigrationUnlock);
  return s;
}

}  // namespace tocsin::store

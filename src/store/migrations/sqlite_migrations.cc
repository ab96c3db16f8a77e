#include "store/migrations/migrations.h"

#include "store/migrations/email_case_fold.h"

namespace tocsin::store {

const std::vector<Migration>& sqlite_migrations() {
  static const std::vector<Migration> kMigrations = {
      {1, "organizations, keys, people, contact points, consent ledger, tags, lists", R"SQL(
CREATE TABLE orgs (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, default_region TEXT NOT NULL,
  gdpr INTEGER NOT NULL DEFAULT 0, suspended INTEGER NOT NULL DEFAULT 0, created INTEGER NOT NULL);
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY, org_id TEXT NOT NULL REFERENCES orgs(id), hash TEXT NOT NULL UNIQUE,
  created INTEGER NOT NULL, revoked INTEGER NOT NULL DEFAULT 0);
-- rowid order is creation order; the document holds every field (core/person_codec.h).
CREATE TABLE people (org_id TEXT NOT NULL, id TEXT NOT NULL, doc TEXT NOT NULL, UNIQUE (org_id, id));
CREATE TABLE contact_points (
  org_id TEXT NOT NULL, channel INTEGER NOT NULL, hash BLOB NOT NULL, person_id TEXT NOT NULL,
  PRIMARY KEY (org_id, channel, hash)) WITHOUT ROWID;
CREATE TABLE ledger (
  org_id TEXT NOT NULL, seq INTEGER NOT NULL, time INTEGER NOT NULL, channel INTEGER NOT NULL,
  contact_hash BLOB NOT NULL, contact_ref TEXT, ref_digest TEXT NOT NULL, person_id TEXT NOT NULL,
  old_status INTEGER NOT NULL, new_status INTEGER NOT NULL, actor TEXT NOT NULL, source TEXT NOT NULL,
  method TEXT NOT NULL, ip TEXT, ip_digest TEXT NOT NULL, user_agent TEXT, ua_digest TEXT NOT NULL,
  disclosure_hash TEXT NOT NULL, consent_time INTEGER NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL,
  PRIMARY KEY (org_id, seq)) WITHOUT ROWID;
CREATE INDEX ledger_by_contact ON ledger (org_id, contact_hash, seq);
-- Append-only: only the erasable plaintext columns may ever be blanked (erasure); nothing is deleted.
CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger BEGIN SELECT RAISE(ABORT, 'ledger is append-only'); END;
CREATE TRIGGER ledger_no_update BEFORE UPDATE OF org_id, seq, time, channel, contact_hash, ref_digest, person_id,
  old_status, new_status, actor, source, method, ip_digest, ua_digest, disclosure_hash, consent_time, prev_hash, hash
  ON ledger BEGIN SELECT RAISE(ABORT, 'ledger is append-only'); END;
CREATE TABLE disclosures (hash TEXT PRIMARY KEY, text TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE tags (
  org_id TEXT NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL, name_key TEXT NOT NULL,
  created INTEGER NOT NULL, modified INTEGER NOT NULL, UNIQUE (org_id, id), UNIQUE (org_id, name_key));
CREATE TABLE taggings (
  org_id TEXT NOT NULL, id TEXT NOT NULL, tag_id TEXT NOT NULL, person_id TEXT NOT NULL,
  created INTEGER NOT NULL, modified INTEGER NOT NULL, UNIQUE (org_id, id));
CREATE TABLE lists (
  org_id TEXT NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL, description TEXT NOT NULL,
  created INTEGER NOT NULL, modified INTEGER NOT NULL, UNIQUE (org_id, id));
CREATE TABLE list_items (
  org_id TEXT NOT NULL, id TEXT NOT NULL, list_id TEXT NOT NULL, person_id TEXT NOT NULL,
  created INTEGER NOT NULL, modified INTEGER NOT NULL, UNIQUE (org_id, id));
CREATE TABLE custom_fields (
  org_id TEXT NOT NULL, name TEXT NOT NULL, numeric_id INTEGER NOT NULL,
  created INTEGER NOT NULL, modified INTEGER NOT NULL, PRIMARY KEY (org_id, name)) WITHOUT ROWID;
)SQL"},
      {2, "actions (petitions, events, forms, ...) and their records (signatures, attendances, ...)", R"SQL(
-- One table per concept, not per kind: the kind is data (actions/action_type.h) and the document holds the
-- fields (actions/action_codec.h). rowid order is creation order.
CREATE TABLE actions (
  org_id TEXT NOT NULL, id TEXT NOT NULL, kind TEXT NOT NULL, doc TEXT NOT NULL, UNIQUE (org_id, id));
CREATE TABLE action_records (
  org_id TEXT NOT NULL, id TEXT NOT NULL, action_id TEXT NOT NULL, person_id TEXT NOT NULL, doc TEXT NOT NULL,
  UNIQUE (org_id, id));
CREATE INDEX action_records_by_action ON action_records (org_id, action_id);
CREATE INDEX action_records_by_person ON action_records (org_id, person_id);
)SQL"},
      {3, "messaging: configuration documents, suppressions, per-recipient delivery state", R"SQL(
-- Messaging settings, messages, sending domains, SMS senders, wrappers: one JSON document each; the kind
-- is data (messaging/), so a new kind needs no migration. rowid order is creation order.
CREATE TABLE org_docs (
  org_id TEXT NOT NULL, kind TEXT NOT NULL, id TEXT NOT NULL, doc TEXT NOT NULL, UNIQUE (org_id, kind, id));
-- Opt-outs and platform-wide blocks by keyed contact hash (org_id '' = platform-wide). The ledger holds the
-- consent history; this is the suppression index the gate reads, with the single-confirmation state.
CREATE TABLE suppressions (
  org_id TEXT NOT NULL, channel INTEGER NOT NULL, contact_hash BLOB NOT NULL, since INTEGER NOT NULL,
  reason TEXT NOT NULL, confirmed INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (org_id, channel, contact_hash)) WITHOUT ROWID;
-- One row per (message, recipient), in plan order. The address is kept so a blast can resume without the
-- people tables; erasure blanks it.
CREATE TABLE deliveries (
  org_id TEXT NOT NULL, message_id TEXT NOT NULL, seq INTEGER NOT NULL, person_id TEXT NOT NULL,
  channel INTEGER NOT NULL, contact_hash BLOB NOT NULL, address TEXT NOT NULL, state INTEGER NOT NULL,
  reason TEXT NOT NULL, attempts INTEGER NOT NULL, next_at INTEGER NOT NULL, handed_at INTEGER NOT NULL,
  updated INTEGER NOT NULL, gateway_id TEXT NOT NULL, events INTEGER NOT NULL,
  PRIMARY KEY (org_id, message_id, seq)) WITHOUT ROWID;
CREATE INDEX deliveries_by_handed ON deliveries (org_id, handed_at) WHERE handed_at > 0;
-- Documents changed by another process (the administrator's CLI: suspensions, SMS senders, settings), in
-- order, so a running server picks them up.
CREATE TABLE doc_changes (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, org_id TEXT NOT NULL, kind TEXT NOT NULL, id TEXT NOT NULL);
)SQL"},
      {4, "mail feedback: soft-bounce history, deliveries by person", R"SQL(
-- Soft bounces (4.x.x, 5.2.1, 5.2.2) per contact point and delivery, until three spanning 72 h make the
-- address bouncing (messaging/mail_ingest.h); a delivery counts once however many reports it draws.
CREATE TABLE soft_bounces (
  org_id TEXT NOT NULL, channel INTEGER NOT NULL, contact_hash BLOB NOT NULL, message_id TEXT NOT NULL,
  seq INTEGER NOT NULL, at INTEGER NOT NULL, status TEXT NOT NULL,
  PRIMARY KEY (org_id, channel, contact_hash, message_id, seq)) WITHOUT ROWID;
-- A one-click unsubscribe names (message, person): this finds the delivery to count it in the statistics.
CREATE INDEX deliveries_by_person ON deliveries (org_id, message_id, person_id);
)SQL"},
      {5, "blast plans: every recipient's planned state in chunks; rows only once a delivery leaves the plan",
       R"SQL(
-- A blast's plan (store/delivery_plan.h): each recipient in audience order (seq = index) with the planned
-- state (queued with next_at, suppressed, blocked) and the reason, in chunks of encoded entries. A
-- `deliveries` row is written only when a delivery leaves the plan (handing, a refusal or deferral at
-- dispatch, stopped); until then the entry is its state.
CREATE TABLE delivery_plans (
  org_id TEXT NOT NULL, message_id TEXT NOT NULL, entries INTEGER NOT NULL, stopped INTEGER NOT NULL,
  created INTEGER NOT NULL, PRIMARY KEY (org_id, message_id)) WITHOUT ROWID;
-- The plan's counts by state and reason, so statistics never read the entries.
CREATE TABLE delivery_plan_groups (
  org_id TEXT NOT NULL, message_id TEXT NOT NULL, state INTEGER NOT NULL, reason TEXT NOT NULL,
  count INTEGER NOT NULL, PRIMARY KEY (org_id, message_id, state, reason)) WITHOUT ROWID;
CREATE TABLE delivery_plan_chunks (
  org_id TEXT NOT NULL, message_id TEXT NOT NULL, chunk INTEGER NOT NULL, entries BLOB NOT NULL,
  PRIMARY KEY (org_id, message_id, chunk));
)SQL"},
      {6, "email addresses: one contact point per case-folded address; case variants merged",
       R"SQL(
-- Contact hashes recorded before migration 6 under another spelling of an address (email hashes are of
-- the case-folded address since; store/migrations/email_case_fold.h). The ledger's chained contact_hash
-- keeps the old hash; the evidence lookup reads the entries of the aliases too.
CREATE TABLE contact_aliases (
  org_id TEXT NOT NULL, channel INTEGER NOT NULL, alias_hash BLOB NOT NULL, contact_hash BLOB NOT NULL,
  PRIMARY KEY (org_id, channel, alias_hash)) WITHOUT ROWID;
CREATE INDEX contact_aliases_by_contact ON contact_aliases (org_id, contact_hash);
)SQL",
       [](sqlite::Connection& c, const MigrationContext& ctx) {
         return fold_email_case(c, ctx.hasher, ctx.now);
       }},
      {7, "access log: who read which person's data, hash-chained per organization", R"SQL(
-- Reads of personal data (privacy/access_log.h). seq, prev_hash and hash are assigned by the store when
-- the entry is written (store/access_entry.h); `people` lists the people read (space-separated ids) when
-- there are few enough, and access_log_people finds a person's entries.
CREATE TABLE access_log (
  org_id TEXT NOT NULL, seq INTEGER NOT NULL, at INTEGER NOT NULL, actor TEXT NOT NULL, ip TEXT NOT NULL,
  action TEXT NOT NULL, query TEXT NOT NULL, count INTEGER NOT NULL, people TEXT NOT NULL,
  prev_hash TEXT NOT NULL, hash TEXT NOT NULL, PRIMARY KEY (org_id, seq)) WITHOUT ROWID;
CREATE TABLE access_log_people (
  org_id TEXT NOT NULL, person_id TEXT NOT NULL, seq INTEGER NOT NULL,
  PRIMARY KEY (org_id, person_id, seq)) WITHOUT ROWID;
-- Append-only, like the ledger.
CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log
BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log
BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
)SQL"},
      {8, "encryption at rest: data keys wrapped by the installation's key-encryption key", R"SQL(
-- store/sealing/data_keys.h: each data key wrapped by the key-encryption key kept outside the database;
-- the current one is the highest id; the others still open what they sealed. Sealed columns name the key
-- they are sealed under.
CREATE TABLE data_keys (id INTEGER PRIMARY KEY, wrapped TEXT NOT NULL, created INTEGER NOT NULL);
)SQL"},
      {9, "consent purposes and legal bases: what each ledger entry's consent is for (consent/scope.h)",
       R"SQL(
ALTER TABLE ledger ADD COLUMN purpose TEXT NOT NULL DEFAULT '';
ALTER TABLE ledger ADD COLUMN legal_basis TEXT NOT NULL DEFAULT '';
CREATE TRIGGER ledger_no_update_scope BEFORE UPDATE OF purpose, legal_basis ON ledger
BEGIN SELECT RAISE(ABORT, 'ledger is append-only'); END;
)SQL"},
      {10, "disclosure log: the access log's entries name the recipient and basis of a disclosure", R"SQL(
-- privacy/disclosure_log.h: an entry with a recipient is a disclosure (an export, a page of people, a
-- bundle or packet handed out, a hand-over to a processor). A blast's hand-over names its message: a
-- person finds it through their own delivery (deliveries_by_person), so no row per recipient is written.
ALTER TABLE access_log ADD COLUMN recipient TEXT NOT NULL DEFAULT '';
ALTER TABLE access_log ADD COLUMN basis TEXT NOT NULL DEFAULT '';
ALTER TABLE access_log ADD COLUMN message_id TEXT NOT NULL DEFAULT '';
CREATE INDEX access_log_disclosures ON access_log (org_id, seq) WHERE recipient <> '';
CREATE INDEX access_log_by_message ON access_log (org_id, message_id, seq) WHERE message_id <> '';
)SQL"},
      {11, "retention: old deliveries aggregated into per-message counts", R"SQL(
-- What retention folded of a message's deliveries (privacy/retention.h, Store::aggregate_deliveries): per
-- state and reason (a code for exclusions, '' otherwise, as the statistics group them) the count of
-- deliveries and of those opened, clicked, unsubscribed and handed over. No person, no address.
CREATE TABLE delivery_counts (
  org_id TEXT NOT NULL, message_id TEXT NOT NULL, state INTEGER NOT NULL, reason TEXT NOT NULL,
  count INTEGER NOT NULL, opened INTEGER NOT NULL, clicked INTEGER NOT NULL, unsubscribed INTEGER NOT NULL,
  handed_over INTEGER NOT NULL, PRIMARY KEY (org_id, message_id, state, reason)) WITHOUT ROWID;
)SQL"},
      {12, "statistics over time: a message's deliveries counted per hour as they change", R"SQL(
-- Hourly counts per message and kind (store.h HourKind), kept by triggers in the same transaction as the
-- change they count: the write path stays one statement, an open or a receipt adds one upsert of a small
-- row, and the times survive retention's folding of the rows (delivery_counts), which deletes rows without
-- changing them. No person, no address.
CREATE TABLE delivery_hours (
  org_id TEXT NOT NULL, message_id TEXT NOT NULL, hour INTEGER NOT NULL, kind INTEGER NOT NULL,
  count INTEGER NOT NULL, PRIMARY KEY (org_id, message_id, hour, kind)) WITHOUT ROWID;
CREATE TRIGGER delivery_hours_insert AFTER INSERT ON deliveries
WHEN new.handed_at > 0 OR new.state IN (4, 5, 6, 7) OR new.events <> 0
BEGIN
  INSERT INTO delivery_hours (org_id, message_id, hour, kind, count)
  SELECT new.org_id, new.message_id, t - t % 3600000000, k, 1 FROM (
    SELECT new.handed_at AS t, 1 AS k WHERE new.handed_at > 0
    UNION ALL SELECT new.updated, CASE new.state WHEN 4 THEN 2 WHEN 5 THEN
      (CASE WHEN new.reason LIKE 'hard bounce%' THEN 3 ELSE 4 END) WHEN 6 THEN 6 ELSE 10 END
      WHERE new.state IN (4, 5, 6, 7)
    UNION ALL SELECT new.updated, 7 WHERE new.events & 1 <> 0
    UNION ALL SELECT new.updated, 8 WHERE new.events & 2 <> 0
    UNION ALL SELECT new.updated, 9 WHERE new.events & 4 <> 0) WHERE true
  ON CONFLICT (org_id, message_id, hour, kind) DO UPDATE SET count = count + 1;
END;
CREATE TRIGGER delivery_hours_update AFTER UPDATE OF state, events, handed_at ON deliveries
WHEN (old.handed_at = 0 AND new.handed_at > 0) OR (new.state <> old.state AND new.state IN (4, 5, 6, 7))
  OR new.events & ~old.events <> 0
BEGIN
  INSERT INTO delivery_hours (org_id, message_id, hour, kind, count)
  SELECT new.org_id, new.message_id, t - t % 3600000000, k, 1 FROM (
    SELECT new.handed_at AS t, 1 AS k WHERE old.handed_at = 0 AND new.handed_at > 0
    UNION ALL SELECT new.updated, CASE new.state WHEN 4 THEN 2 WHEN 5 THEN
      (CASE WHEN new.reason LIKE 'hard bounce%' THEN 3 ELSE 4 END) WHEN 6 THEN 6 ELSE 10 END
      WHERE new.state <> old.state AND new.state IN (4, 5, 6, 7)
    UNION ALL SELECT new.updated, 7 WHERE new.events & 1 <> 0 AND old.events & 1 = 0
    UNION ALL SELECT new.updated, 8 WHERE new.events & 2 <> 0 AND old.events & 2 = 0
    UNION ALL SELECT new.updated, 9 WHERE new.events & 4 <> 0 AND old.events & 4 = 0) WHERE true
  ON CONFLICT (org_id, message_id, hour, kind) DO UPDATE SET count = count + 1;
END;
CREATE TRIGGER delivery_hours_soft_bounce AFTER INSERT ON soft_bounces
BEGIN
  INSERT INTO delivery_hours (org_id, message_id, hour, kind, count)
  VALUES (new.org_id, new.message_id, new.at - new.at % 3600000000, 5, 1)
  ON CONFLICT (org_id, message_id, hour, kind) DO UPDATE SET count = count + 1;
END;
)SQL"},
      {13, "commit markers: a group commit proves its outcome after a lost connection (failover)", R"SQL(
-- Used by the PostgreSQL store only (store/postgres/failover_commit.h): an SQLite commit is local, its
-- outcome never unknown. Created here too so both backends keep the same schema version by version.
CREATE TABLE commit_markers (token TEXT PRIMARY KEY, at INTEGER NOT NULL) WITHOUT ROWID;
)SQL"},
  };
  return kMigrations;
}

}  // namespace tocsin::store

#include "store/postgres/store_copy.h"

#include "store/postgres/pg_conn.h"
#include "store/postgres/postgres_store.h"
#include "store/sqlite/statement.h"
#include "store/store.h"

namespace tocsin::store {
namespace {

// Every table of the schema (version 11) and the order its rows are read in: creation order where the
// SQLite store relies on rowid, the key elsewhere. schema_migrations is the destination's own; commit_markers
// (version 13) holds no data, only the PostgreSQL writer's recent commit tokens (failover_commit.h).
struct Table {
  const char* name;
  const char* order;
};
constexpr Table kTables[] = {
    {"orgs", "rowid"},
    {"api_keys", "rowid"},
    {"people", "rowid"},
    {"contact_points", "org_id, channel, hash"},
    {"disclosures", "hash"},
    {"ledger", "org_id, seq"},
    {"tags", "rowid"},
    {"taggings", "rowid"},
    {"lists", "rowid"},
    {"list_items", "rowid"},
    {"custom_fields", "org_id, name"},
    {"actions", "rowid"},
    {"action_records", "rowid"},
    {"org_docs", "rowid"},
    {"suppressions", "org_id, channel, contact_hash"},
    {"deliveries", "org_id, message_id, seq"},
    {"doc_changes", "seq"},
    {"soft_bounces", "org_id, channel, contact_hash, message_id, seq"},
    {"delivery_plans", "org_id, message_id"},
    {"delivery_plan_groups", "org_id, message_id, state, reason"},
    {"delivery_plan_chunks", "rowid"},
    {"contact_aliases", "org_id, channel, alias_hash"},
    {"access_log", "org_id, seq"},
    {"access_log_people", "org_id, person_id, seq"},
    {"data_keys", "id"},
    {"delivery_counts", "org_id, message_id, state, reason"},
    {"delivery_hours", "org_id, message_id, hour, kind"},
};

// Rows per pipelined round trip.
constexpr int kRowsPerFlush = 2000;

Status copy_table(sqlite::Connection& from, pg::Connection& to, const Table& t, int64_t& copied,
                  const std::function<void(int64_t)>& flushed) {
  std::string select = std::string("SELECT * FROM ") + t.name + " ORDER BY " + t.order;
  sqlite::Statement q(from, select.c_str());
  if (!q.prepared()) return internal_error("cannot read " + std::string(t.name) + ": " + from.last_error());
  std::string insert;
  int pending = 0;
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) {
    if (insert.empty()) {
      std::string cols, vals;
      for (int c = 0; c < q.columns(); ++c) {
        cols += (c ? ", " : "") + std::string(q.name(c));
        vals += (c ? ",$" : "$") + std::to_string(c + 1);
      }
      insert = std::string("INSERT INTO ") + t.name + " (" + cols + ") VALUES (" + vals + ")";
    }
    if (pending == 0)
      if (auto s = to.begin_pipeline(); !s) return s;
    pg::Params p;
    for (int c = 0; c < q.columns(); ++c) {
      switch (q.type(c)) {
        case SQLITE_NULL:
          p.null();
          break;
        case SQLITE_INTEGER:
          p.integer(q.integer(c));
          break;
        case SQLITE_BLOB:
          p.bytea(q.blob(c));
          break;
        default:
          p.text(std::string(q.text(c)));
      }
    }
    if (!to.send(insert, p)) break;
    ++copied;
    if (++pending == kRowsPerFlush) {
      pending = 0;
      if (auto s = to.end_pipeline(); !s)
        return internal_error(std::string("copying ") + t.name + ": " + s.error().message);
      if (flushed) flushed(kRowsPerFlush);
    }
  }
  if (pending > 0)
    if (auto s = to.end_pipeline(); !s)
      return internal_error(std::string("copying ") + t.name + ": " + s.error().message);
  if (rc != SQLITE_DONE)
    return internal_error("cannot read " + std::string(t.name) + ": " + from.last_error());
  return Ok{};
}

}  // namespace

Result<CopyCounts> copy_sqlite_to_postgres(const std::string& sqlite_path, const std::string& postgres_url,
                                           const SqliteOptions& source, const CopyProgress& progress) {
  {
    auto migrated = open_sqlite_store(sqlite_path, source);  // brings the file to the current version
    if (!migrated) return migrated.error();
  }
  {
    PostgresOptions schema_only;
    schema_only.open_data_keys = false;  // the destination's keys are the source's, copied below
    auto dest = open_postgres_store(postgres_url, schema_only);  // creates the schema
    if (!dest) return dest.error();
    auto orgs = (*dest)->orgs();
    if (!orgs) return orgs.error();
    if (!orgs->empty())
      return bad_request("the destination database already holds organizations; copy into an empty one");
  }
  sqlite::Connection from;
  if (auto s = from.open(sqlite_path); !s) return s.error();
  if (auto s = from.exec("BEGIN"); !s) return s.error();  // one snapshot of the source
  pg::Connection to;
  if (auto s = to.open(postgres_url); !s) return s.error();
  if (auto s = to.exec("BEGIN"); !s) return s.error();
  CopyCounts counts;
  int64_t total = 0, done = 0;
  if (progress) {
    auto source_counts = sqlite_table_counts(sqlite_path);
    if (!source_counts) return source_counts.error();
    for (const auto& [table, n] : source_counts.value()) total += n;
    progress(0, total);
  }
  auto flushed = [&](int64_t rows) {
    done += rows;
    if (progress) progress(done, total);
  };
  for (const auto& t : kTables) {
    int64_t n = 0;
    if (auto s = copy_table(from, to, t, n, flushed); !s) {
      (void)to.exec("ROLLBACK");
      return s.error();
    }
    counts[t.name] = n;
    done = 0;
    for (const auto& [table, rows] : counts) done += rows;
    if (progress) progress(done, total);
  }
  // The change log continues after the copied entries.
  if (auto s = to.exec("SELECT setval(pg_get_serial_sequence('doc_changes', 'seq'), coalesce(max(seq), 1), "
                       "max(seq) IS NOT NULL) FROM doc_changes");
      !s) {
    (void)to.exec("ROLLBACK");
    return s.error();
  }
  if (auto s = to.exec("COMMIT"); !s) return s.error();
  (void)from.exec("COMMIT");
  return counts;
}

Result<CopyCounts> postgres_table_counts(const std::string& postgres_url) {
  pg::Connection c;
  if (auto s = c.open(postgres_url); !s) return s.error();
  CopyCounts counts;
  for (const auto& t : kTables) {
    auto r = c.query(std::string("SELECT count(*) FROM ") + t.name);
    if (!r) return r.error();
    counts[t.name] = r->integer(0, 0);
  }
  return counts;
}

Result<CopyCounts> sqlite_table_counts(const std::string& sqlite_path) {
  sqlite::Connection c;
  if (auto s = c.open(sqlite_path); !s) return s.error();
  CopyCounts counts;
  for (const auto& t : kTables) {
    std::string sql = std::string("SELECT count(*) FROM ") + t.name;
    sqlite::Statement q(c, sql.c_str());
    if (q.step() != SQLITE_ROW) return internal_error("cannot count " + std::string(t.name));
    counts[t.name] = q.integer(0);
  }
  return counts;
}

}  // namespace tocsin::store

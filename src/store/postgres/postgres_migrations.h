// The PostgreSQL dialect of the schema: the same versions as the SQLite list (store/migrations/), each
// applied in one transaction and recorded in schema_migrations, under an advisory lock so two processes
// starting at once never migrate together.
#pragma once

#include <vector>

#include "store/postgres/pg_conn.h"

namespace tocsin::store {

struct PgMigration {
  int version;
  const char* description;
  const char* sql;
};

const std::vector<PgMigration>& postgres_migrations();

// Applies every migration the database lacks.
Status migrate_postgres(pg::Connection& c);

}  // namespace tocsin::store

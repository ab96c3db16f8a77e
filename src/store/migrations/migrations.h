// Versioned schema migrations, applied in order inside one transaction each; the applied versions are
// recorded in schema_migrations. Never edit a released migration: add the next one.
#pragma once

#include <vector>

#include "core/clock.h"
#include "core/contact_point.h"
#include "store/sqlite/statement.h"

namespace tocsin::store {

// What a migration's data step may need beyond the database.
struct MigrationContext {
  const ContactHasher* hasher = nullptr;  // the installation's, when the store was opened with it
  Micros now = 0;
};

struct Migration {
  int version;
  const char* description;
  const char* sql;
  // Runs after `sql` in the same transaction, for data that SQL alone cannot compute (keyed hashes).
  Status (*data_step)(sqlite::Connection&, const MigrationContext&) = nullptr;
};

// The SQLite dialect. (A PostgreSQL backend carries its own list with the same versions.)
const std::vector<Migration>& sqlite_migrations();

}  // namespace tocsin::store

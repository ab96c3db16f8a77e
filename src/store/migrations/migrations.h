// Versioned schema migrations, applied in order inside one transaction each; the applied versions are
// recorded in schema_migrations. Never edit a released migration: add the next one.
#pragma once

#include <vector>

namespace tocsin::store {

struct Migration {
  int version;
  const char* description;
  const char* sql;
};

// The SQLite dialect. (A PostgreSQL backend carries its own list with the same versions.)
const std::vector<Migration>& sqlite_migrations();

}  // namespace tocsin::store

// Where an installation's database is: the embedded SQLite file DIR/tocsin.db (the default), or a
// PostgreSQL database named by `[store] backend = "postgresql"` and `url = "postgresql://..."` in
// DIR/tocsin.toml, or by the environment variable TOCSIN_DATABASE_URL, which wins over the file.
// The installation's secrets (contact.key, token.keys) stay in DIR either way (docs/STORE.md).
#pragma once

#include <string>

#include "core/result.h"

namespace tocsin {

struct StoreLocation {
  enum class Backend { kSqlite, kPostgres } backend = Backend::kSqlite;
  std::string url;  // PostgreSQL: a libpq URI; secret (it may hold a password): never logged
};

Result<StoreLocation> store_location(const std::string& data_dir);

}  // namespace tocsin

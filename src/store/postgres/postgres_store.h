// PostgreSQL implementation of the Store contract (store/store.h), phase 1 of issue 14: a second backend
// behind the same interface, serving one node (docs/STORE.md).
//
// Durability: a WriteBatch is sent in pipeline mode as one implicit transaction (no round trip per
// statement) and acknowledged only after the server's commit (synchronous_commit = on).
// Concurrency: one writer connection behind a mutex; reads take a connection from a small pool, and reads
// that span tables (load_org, statistics, plans) run in one REPEATABLE READ READ ONLY transaction.
#pragma once

#include <memory>
#include <string>

#include "store/store.h"

namespace tocsin::store {

struct PostgresOptions {
  int read_connections = 4;
  std::optional<KeyEncryptionKey> kek;  // as SqliteOptions::kek
  bool new_installation = false;        // as SqliteOptions::new_installation
  // False: the data keys are neither read nor created (a store copy's destination, whose keys are the
  // source's, copied with its rows).
  bool open_data_keys = true;
};

// Connects to `url` (a libpq connection URI or key=value string), creating and migrating the schema if
// needed.
Result<std::unique_ptr<Store>> open_postgres_store(const std::string& url,
                                                   const PostgresOptions& options = {});

// True when `s` names a PostgreSQL database (postgresql:// or postgres:// URI).
bool is_postgres_url(std::string_view s);

}  // namespace tocsin::store

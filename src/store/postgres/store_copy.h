// Copying an SQLite installation's database into an empty PostgreSQL one (`tocsin store copy`): every table,
// row for row and byte for byte — ledger entries with their digests and erased columns as they are, so the
// hash chains verify on the copy; documents that do not decode (quarantined) too. Creation order is kept
// (rows are inserted in rowid order, which becomes the PostgreSQL pos order). All in one transaction: a
// failed copy leaves the destination empty.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "core/result.h"
#include "store/store.h"

namespace tocsin::store {

// Rows copied, by table.
using CopyCounts = std::map<std::string, int64_t>;

// Rows copied so far of the rows the source holds (`tocsin store copy` draws it, app/progress.h).
using CopyProgress = std::function<void(int64_t copied, int64_t total)>;

// `sqlite_path` is opened first with `source` (the contact key and key-encryption key, as opening the
// installation would), which migrates it if needed. Sealed values and their wrapped data keys are copied as
// they are, so the copy opens with the same key-encryption key. Fails, copying nothing, when the destination
// already holds an organization.
Result<CopyCounts> copy_sqlite_to_postgres(const std::string& sqlite_path, const std::string& postgres_url,
                                           const SqliteOptions& source, const CopyProgress& progress = {});

// Rows by table in a PostgreSQL store's database (for checking a copy).
Result<CopyCounts> postgres_table_counts(const std::string& postgres_url);
// The same of an SQLite store's file.
Result<CopyCounts> sqlite_table_counts(const std::string& sqlite_path);

}  // namespace tocsin::store

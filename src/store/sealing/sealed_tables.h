// The tables that hold sealed columns (field_sealer.h), each with its primary key, so a rotation can walk
// every row in key order and seal again what is not under the current key (key_rotation.h). Both backends
// build their statements from this one description.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/result.h"
#include "store/sealing/field_sealer.h"

namespace tocsin::store {

struct SealedTable {
  std::string_view name;
  std::vector<std::string_view> key;  // primary key columns, in order
  std::vector<bool> integer_key;      // per key column: INTEGER rather than TEXT
  std::vector<std::pair<std::string_view, SealedColumn>> columns;
};

const std::vector<SealedTable>& sealed_tables();

// The statements of a walk step, in either backend's placeholders (`?N` or `$N`):
//   select: key columns then sealed columns of up to `limit` rows in key order, after a key when `after`
//           (parameters: the key values, then the limit);
//   update: sets the sealed columns of one row if they still hold what was read (parameters: the new
//           values, the key values, the values read; NULL compares equal to NULL).
enum class SqlDialect { kSqlite, kPostgres };
std::string walk_select_sql(const SealedTable& t, bool after, SqlDialect d);
std::string reseal_update_sql(const SealedTable& t, SqlDialect d);

// A row's primary key (TEXT or INTEGER per column): where a rotation's walk through a table stands.
using KeyValue = std::variant<std::string, int64_t>;
using RowKey = std::vector<KeyValue>;

// A row read by a walk step: its key and its sealed columns' values (nullopt: NULL).
struct WalkedRow {
  RowKey key;
  std::vector<std::optional<std::string>> values;
};
// The row's values sealed again under the current key when any is stale (FieldSealer::stale), else nullopt.
// Fails when a value does not open: a rotation stops rather than seal what it cannot read.
Result<std::optional<std::vector<std::optional<std::string>>>> resealed_values(const FieldSealer& sealer,
                                                                               const SealedTable& t,
                                                                               const WalkedRow& row);

// One step of a walk: the last key read (empty: the table is done), rows read, values sealed again (or,
// counting, found stale).
struct ResealStep {
  RowKey last;
  int64_t rows = 0;
  int64_t resealed = 0;
};

}  // namespace tocsin::store

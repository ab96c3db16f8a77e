// The ledger table's row shape, shared by the store and the migrations that read or append entries.
#pragma once

#include "store/sqlite/statement.h"
#include "store/store.h"

namespace tocsin::store::sqlite {

// Column list in the order read_ledger_row expects and bind_ledger_insert binds.
extern const char* const kLedgerColumns;
// "INSERT INTO ledger (kLedgerColumns) VALUES (?, ...)".
extern const char* const kLedgerInsert;
// The same before migration 9 added the purpose and legal basis (for the migrations that run before it).
extern const char* const kLedgerColumnsV6;
extern const char* const kLedgerInsertV6;

// `sealer`: opens the personal values (store/sealing/field_sealer.h); null before migration 8 (no keys).
StoredLedgerEntry read_ledger_row(const Statement& q, const FieldSealer* sealer = nullptr);

// Binds a chained entry for kLedgerInsert, with the digests of its personal values (sealed by `sealer` when
// given); `with_scope` false for kLedgerInsertV6. A disclosure text, if any, is stored separately (the
// disclosures table).
Statement& bind_ledger_insert(Statement& q, const std::string& org_id, const consent::LedgerEntry& e,
                              const FieldSealer* sealer = nullptr, bool with_scope = true);

}  // namespace tocsin::store::sqlite

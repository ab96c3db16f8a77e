#include "store/sealing/sealed_tables.h"

namespace tocsin::store {

const std::vector<SealedTable>& sealed_tables() {
  static const std::vector<SealedTable> kTables = {
      {"people", {"org_id", "id"}, {false, false}, {{"doc", SealedColumn::kPersonDoc}}},
      {"action_records", {"org_id", "id"}, {false, false}, {{"doc", SealedColumn::kRecordDoc}}},
      {"org_docs", {"org_id", "kind", "id"}, {false, false, false}, {{"doc", SealedColumn::kOrgDoc}}},
      {"ledger",
       {"org_id", "seq"},
       {false, true},
       {{"contact_ref", SealedColumn::kLedgerContact},
        {"ip", SealedColumn::kLedgerIp},
        {"user_agent", SealedColumn::kLedgerUserAgent}}},
      {"deliveries",
       {"org_id", "message_id", "seq"},
       {false, false, true},
       {{"address", SealedColumn::kDeliveryAddress}}},
  };
  return kTables;
}

namespace {

std::string param(SqlDialect d, size_t n) {
  return (d == SqlDialect::kSqlite ? "?" : "$") + std::to_string(n);
}

std::string joined(const std::vector<std::string_view>& names) {
  std::string out;
  for (auto n : names) out += (out.empty() ? "" : ", ") + std::string(n);
  return out;
}

}  // namespace

Result<std::optional<std::vector<std::optional<std::string>>>> resealed_values(const FieldSealer& sealer,
                                                                               const SealedTable& t,
                                                                               const WalkedRow& row) {
  using Values = std::vector<std::optional<std::string>>;
  bool stale = false;
  for (const auto& v : row.values)
    if (v && sealer.stale(*v)) stale = true;
  if (!stale) return std::optional<Values>{};
  Values next;
  for (size_t i = 0; i < row.values.size(); ++i) {
    const auto& v = row.values[i];
    if (!v) {
      next.push_back(std::nullopt);
      continue;
    }
    auto plain = sealer.open(*v, t.columns[i].second);
    if (!plain) return Error{500, std::string(t.name) + ": " + plain.error().message};
    next.push_back(sealer.seal(*plain, t.columns[i].second));
  }
  return std::optional<Values>(std::move(next));
}

std::string walk_select_sql(const SealedTable& t, bool after, SqlDialect d) {
  std::vector<std::string_view> columns = t.key;
  for (const auto& c : t.columns) columns.push_back(c.first);
  std::string sql = "SELECT " + joined(columns) + " FROM " + std::string(t.name);
  size_t n = 0;
  if (after) {
    std::string values;
    for (size_t i = 0; i < t.key.size(); ++i) values += (i ? ", " : "") + param(d, ++n);
    sql += " WHERE (" + joined(t.key) + ") > (" + values + ")";
  }
  return sql + " ORDER BY " + joined(t.key) + " LIMIT " + param(d, ++n);
}

std::string reseal_update_sql(const SealedTable& t, SqlDialect d) {
  const char* same = d == SqlDialect::kSqlite ? " IS " : " IS NOT DISTINCT FROM ";
  std::string sql = "UPDATE " + std::string(t.name) + " SET ";
  size_t n = 0;
  for (size_t i = 0; i < t.columns.size(); ++i)
    sql += (i ? ", " : "") + std::string(t.columns[i].first) + " = " + param(d, ++n);
  sql += " WHERE ";
  for (size_t i = 0; i < t.key.size(); ++i)
    sql += (i ? " AND " : "") + std::string(t.key[i]) + " = " + param(d, ++n);
  for (const auto& c : t.columns) sql += " AND " + std::string(c.first) + same + param(d, ++n);
  return sql;
}

}  // namespace tocsin::store

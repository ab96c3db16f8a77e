// Thin RAII over sqlite3 handles: a connection and prepared statements with typed binds.
// Hand-written because Debian ships no maintained C++ SQLite wrapper that builds cleanly at C++20
// (sqlite_modern_cpp is not packaged); this covers only what the store needs.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace tocsin::store::sqlite {

class Connection {
 public:
  Connection() = default;
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  Status open(const std::string& path);
  Status exec(const char* sql);
  sqlite3* handle() const { return db_; }
  std::string last_error() const { return db_ ? sqlite3_errmsg(db_) : "no database"; }

 private:
  sqlite3* db_ = nullptr;
};

class Statement {
 public:
  Statement(Connection& c, const char* sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  bool prepared() const { return stmt_ != nullptr; }
  Statement& reset();
  Statement& bind(int i, std::string_view v);
  Statement& bind(int i, int64_t v);
  Statement& bind_blob(int i, const void* data, size_t n);
  Statement& bind_null(int i);
  // SQLITE_ROW, SQLITE_DONE or an error code.
  int step();
  // Runs to completion; false on error.
  bool run();

  std::string_view text(int col) const;
  int64_t integer(int col) const;
  std::string_view blob(int col) const;
  // The row's shape, for copying tables column by column (store/postgres/store_copy.h).
  int columns() const { return sqlite3_column_count(stmt_); }
  int type(int col) const { return sqlite3_column_type(stmt_, col); }  // SQLITE_INTEGER, SQLITE_TEXT, ...
  const char* name(int col) const { return sqlite3_column_name(stmt_, col); }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace tocsin::store::sqlite

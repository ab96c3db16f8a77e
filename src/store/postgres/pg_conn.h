// Thin RAII over libpq: a connection, query parameters (text, or binary bytea) and results.
// Hand-written over libpq (Debian libpq-dev) rather than libpqxx because the store needs libpq's pipeline
// mode for group commit (one round trip for a whole WriteBatch), which this covers in a few lines; results
// are read in text format, bytea decoded from its hex form.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/result.h"

namespace tocsin::store::pg {

// Parameters of one statement ($1, $2, ...). Text values let the server infer the type from the context;
// bytea goes in binary so hashes and plan chunks are sent as they are.
class Params {
 public:
  Params& text(std::string v);
  Params& integer(int64_t v) { return text(std::to_string(v)); }
  Params& null();
  Params& bytea(std::string_view v);

  int size() const { return static_cast<int>(values_.size()); }
  const Oid* types() const { return types_.data(); }
  const char* const* values();
  const int* lengths() const { return lengths_.data(); }
  const int* formats() const { return formats_.data(); }

 private:
  std::vector<std::string> values_;
  std::vector<bool> null_;
  std::vector<Oid> types_;
  std::vector<int> lengths_, formats_;
  std::vector<const char*> ptrs_;
};

// One PGresult; rows in text format.
class Rows {
 public:
  Rows() = default;
  explicit Rows(PGresult* r) : r_(r, &PQclear) {}
  int size() const { return r_ ? PQntuples(r_.get()) : 0; }
  std::string_view text(int row, int col) const;
  int64_t integer(int row, int col) const;
  bool is_null(int row, int col) const { return PQgetisnull(r_.get(), row, col) != 0; }
  std::string bytea(int row, int col) const;  // decoded from the hex text form
  int64_t affected() const;                   // rows an INSERT/UPDATE/DELETE touched
  PGresult* get() const { return r_.get(); }

 private:
  std::unique_ptr<PGresult, decltype(&PQclear)> r_{nullptr, &PQclear};
};

class Connection {
 public:
  Connection() = default;
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  Status open(const std::string& url);
  // Reconnects when the server closed the connection (a restart); a no-op otherwise.
  Status ensure_open();
  // Runs one or more statements without parameters.
  Status exec(const std::string& sql);
  // Runs one statement; its rows, or the server's error.
  Result<Rows> query(const std::string& sql, Params params = {});
  // Runs one statement and calls fn(rows, 0) for each row as it arrives (single-row mode), until fn returns
  // false; the rest of the result is then discarded.
  template <typename Fn>
  Status stream(const std::string& sql, Params params, Fn fn);

  // Pipeline mode: the statements of one transaction sent back to back, their results read after one sync.
  // Each distinct statement is prepared on the connection the first time it is sent (in the same pipeline)
  // and executed by name afterwards: a group commit repeats the same few INSERTs hundreds of times, and
  // parsing and planning each one again was most of the server's CPU for a signup or an imported row.
  Status begin_pipeline();
  bool send(const std::string& sql, Params& params);
  // Sends the sync and reads every result; the first error, if any.
  Status end_pipeline();
  // The constraint the last failed pipeline's first error names ("" if none): how a retried commit
  // recognizes its own marker (failover_commit.h).
  const std::string& failed_constraint() const { return failed_constraint_; }
  // True when the server is gone (closed, crashed, failed over): the next use reconnects.
  bool lost() const { return !c_ || PQstatus(c_) != CONNECTION_OK; }
  // True when the last pipeline's error is the server's answer to a statement (a constraint, a type, ...)
  // on a connection still open: the transaction was rolled back. False for a lost connection, a server
  // shutting down (SQLSTATE 57P..), a connection error (08...) or a read-only server (25006, a standby).
  bool pipeline_refused() const;
  // Drops the connection: the next use opens a new one (the URL's hosts tried again).
  void close();

  // A read connection (the store's pool): a statement outside a transaction that fails because the server
  // went away (a restart, a failover) is sent once more on a new connection, so the first read after a
  // failover does not fail. Never for the writer: a write's outcome is unknown when the answer is lost.
  void retry_reads_on_reconnect() { retry_reads_ = true; }

  PGconn* handle() const { return c_; }
  std::string last_error() const;

 private:
  Status send_single_row(const std::string& sql, Params& params);
  bool retry_on_new_connection(bool was_idle);
  PGresult* next_result() { return PQgetResult(c_); }
  // Statements prepared on this connection's session (SQL -> name); those prepared in the pipeline under
  // way are confirmed by its success, and forgotten if it fails (the server may not have them then).
  // Names are never reused, so a statement prepared after all is only a leftover, never a clash.
  std::unordered_map<std::string, std::string> prepared_;
  std::vector<std::string> preparing_;
  uint64_t next_statement_ = 0;
  std::string url_;
  std::string failed_constraint_, failed_sqlstate_;
  bool retry_reads_ = false;
  PGconn* c_ = nullptr;
};

template <typename Fn>
Status Connection::stream(const std::string& sql, Params params, Fn fn) {
  if (auto s = send_single_row(sql, params); !s) return s;
  bool more = true;
  std::string error;
  while (PGresult* r = next_result()) {
    Rows rows(r);
    auto st = PQresultStatus(r);
    if (st == PGRES_SINGLE_TUPLE) {
      if (more) more = fn(rows, 0);
    } else if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK && error.empty()) {
      error = PQresultErrorMessage(r);
    }
  }
  if (!error.empty()) return internal_error("database read failed: " + error);
  return Ok{};
}

}  // namespace tocsin::store::pg

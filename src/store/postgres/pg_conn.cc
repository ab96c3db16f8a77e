#include "store/postgres/pg_conn.h"

#include <charconv>

namespace tocsin::store::pg {

namespace {
constexpr Oid kByteaOid = 17;

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

Params& Params::text(std::string v) {
  values_.push_back(std::move(v));
  null_.push_back(false);
  types_.push_back(0);
  lengths_.push_back(0);
  formats_.push_back(0);
  return *this;
}

Params& Params::null() {
  values_.emplace_back();
  null_.push_back(true);
  types_.push_back(0);
  lengths_.push_back(0);
  formats_.push_back(0);
  return *this;
}

Params& Params::bytea(std::string_view v) {
  values_.emplace_back(v);
  null_.push_back(false);
  types_.push_back(kByteaOid);
  lengths_.push_back(static_cast<int>(v.size()));
  formats_.push_back(1);
  return *this;
}

const char* const* Params::values() {
  ptrs_.clear();
  for (size_t i = 0; i < values_.size(); ++i) ptrs_.push_back(null_[i] ? nullptr : values_[i].data());
  return ptrs_.data();
}

std::string_view Rows::text(int row, int col) const {
  return {PQgetvalue(r_.get(), row, col), static_cast<size_t>(PQgetlength(r_.get(), row, col))};
}

int64_t Rows::integer(int row, int col) const {
  auto t = text(row, col);
  int64_t v = 0;
  if (t == "t") return 1;  // a boolean
  std::from_chars(t.data(), t.data() + t.size(), v);
  return v;
}

std::string Rows::bytea(int row, int col) const {
  auto t = text(row, col);
  std::string out;
  if (t.size() < 2 || t[0] != '\\' || t[1] != 'x') return out;
  out.reserve((t.size() - 2) / 2);
  for (size_t i = 2; i + 1 < t.size(); i += 2) {
    int hi = hex_value(t[i]), lo = hex_value(t[i + 1]);
    if (hi < 0 || lo < 0) return {};
    out.push_back(static_cast<char>(hi << 4 | lo));
  }
  return out;
}

int64_t Rows::affected() const {
  const char* n = PQcmdTuples(r_.get());
  int64_t v = 0;
  std::from_chars(n, n + std::char_traits<char>::length(n), v);
  return v;
}

Connection::~Connection() {
  if (c_) PQfinish(c_);
}

std::string Connection::last_error() const {
  return c_ ? PQerrorMessage(c_) : "no connection";
}

Status Connection::open(const std::string& url) {
  url_ = url;
  prepared_.clear();  // a new session has none
  preparing_.clear();
  if (c_) PQfinish(c_);
  c_ = PQconnectdb(url.c_str());
  if (PQstatus(c_) != CONNECTION_OK) {
    // The message names host and port, never the password.
    std::string err = PQerrorMessage(c_);
    PQfinish(c_);
    c_ = nullptr;
    return internal_error("cannot connect to PostgreSQL: " + err);
  }
  // Quiet NOTICEs (e.g. "relation already exists, skipping") instead of libpq printing them to stderr.
  PQsetNoticeProcessor(
      c_, [](void*, const char*) {}, nullptr);
  return exec("SET client_min_messages = warning; SET synchronous_commit = on");
}

bool Connection::pipeline_refused() const {
  if (lost() || failed_sqlstate_.empty()) return false;
  std::string_view st = failed_sqlstate_;
  return !st.starts_with("08") && !st.starts_with("57P") && st != "25006";
}

void Connection::close() {
  prepared_.clear();
  preparing_.clear();
  if (c_) PQfinish(c_);
  c_ = nullptr;
}

Status Connection::ensure_open() {
  if (c_ && PQstatus(c_) == CONNECTION_OK) return Ok{};
  return open(url_);
}

bool Connection::retry_on_new_connection(bool was_idle) {
  // Only a read connection, only outside a transaction (a statement inside one cannot move to another
  // connection), and only when the server is gone, not when it refused the statement.
  if (!retry_reads_ || !was_idle || !lost()) return false;
  return bool(open(url_));
}

Status Connection::exec(const std::string& sql) {
  if (auto s = ensure_open(); !s) return s;
  bool idle = PQtransactionStatus(c_) == PQTRANS_IDLE;
  for (int attempt = 0;; ++attempt) {
    Rows r(PQexec(c_, sql.c_str()));
    auto st = PQresultStatus(r.get());
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return Ok{};
    if (attempt > 0 || !retry_on_new_connection(idle)) return internal_error("database: " + last_error());
  }
}

Result<Rows> Connection::query(const std::string& sql, Params params) {
  if (auto s = ensure_open(); !s) return s.error();
  bool idle = PQtransactionStatus(c_) == PQTRANS_IDLE;
  for (int attempt = 0;; ++attempt) {
    Rows r(PQexecParams(c_, sql.c_str(), params.size(), params.types(), params.values(), params.lengths(),
                        params.formats(), 0));
    auto st = PQresultStatus(r.get());
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return r;
    if (attempt > 0 || !retry_on_new_connection(idle)) return internal_error("database: " + last_error());
  }
}

Status Connection::send_single_row(const std::string& sql, Params& params) {
  if (auto s = ensure_open(); !s) return s;
  if (!PQsendQueryParams(c_, sql.c_str(), params.size(), params.types(), params.values(), params.lengths(),
                         params.formats(), 0))
    return internal_error("database: " + last_error());
  PQsetSingleRowMode(c_);
  return Ok{};
}

Status Connection::begin_pipeline() {
  failed_constraint_.clear();
  failed_sqlstate_.clear();
  if (auto s = ensure_open(); !s) return s;
  if (!PQenterPipelineMode(c_))
    return internal_error("database: cannot enter pipeline mode: " + last_error());
  return Ok{};
}

bool Connection::send(const std::string& sql, Params& params) {
  auto it = prepared_.find(sql);
  if (it == prepared_.end()) {
    std::string name = "tocsin_" + std::to_string(++next_statement_);
    if (PQsendPrepare(c_, name.c_str(), sql.c_str(), params.size(), params.types()) != 1) return false;
    it = prepared_.emplace(sql, std::move(name)).first;
    preparing_.push_back(sql);
  }
  return PQsendQueryPrepared(c_, it->second.c_str(), params.size(), params.values(), params.lengths(),
                             params.formats(), 0) == 1;
}

Status Connection::end_pipeline() {
  std::string error;
  failed_constraint_.clear();
  failed_sqlstate_.clear();
  if (!PQpipelineSync(c_)) error = last_error();
  // Each statement's result is followed by a null; the sync's PGRES_PIPELINE_SYNC ends the transaction's.
  for (bool synced = false; !synced && error.empty();) {
    PGresult* r = next_result();
    if (!r) {
      if (PQstatus(c_) != CONNECTION_OK) error = last_error();
      continue;
    }
    Rows rows(r);
    switch (PQresultStatus(r)) {
      case PGRES_PIPELINE_SYNC:
        synced = true;
        break;
      case PGRES_COMMAND_OK:
      case PGRES_TUPLES_OK:
        break;
      case PGRES_PIPELINE_ABORTED:
        break;  // a statement before this one failed: its error is the one reported
      default:
        if (error.empty()) {
          error = PQresultErrorMessage(r);
          if (const char* c = PQresultErrorField(r, PG_DIAG_CONSTRAINT_NAME)) failed_constraint_ = c;
          if (const char* c = PQresultErrorField(r, PG_DIAG_SQLSTATE)) failed_sqlstate_ = c;
        }
        break;
    }
  }
  // After an error, read on to the sync so the connection is usable again.
  if (!error.empty() && PQstatus(c_) == CONNECTION_OK) {
    for (int nulls = 0; nulls < 1000;) {
      PGresult* r = next_result();
      if (!r) {
        ++nulls;
        continue;
      }
      bool sync = PQresultStatus(r) == PGRES_PIPELINE_SYNC;
      PQclear(r);
      if (sync) break;
    }
  }
  PQexitPipelineMode(c_);
  if (!error.empty())
    for (const auto& sql : preparing_) prepared_.erase(sql);
  preparing_.clear();
  if (PQstatus(c_) == CONNECTION_OK && PQtransactionStatus(c_) == PQTRANS_INERROR) (void)exec("ROLLBACK");
  if (!error.empty()) return internal_error("database write failed: " + error);
  return Ok{};
}

}  // namespace tocsin::store::pg

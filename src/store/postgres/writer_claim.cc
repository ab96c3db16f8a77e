#include "store/postgres/writer_claim.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "store/postgres/pg_conn.h"

namespace tocsin::store {
namespace {

using pg::Connection;
using pg::Params;

// The advisory lock's key, "tocsinWR" in ASCII; as pg_locks shows a bigint key: classid = high 32 bits,
// objid = low 32 bits, objsubid = 1.
// The server's start time tells two servers (a primary and its promoted standby) apart: a backend pid means
// something only on the server that gave it.
constexpr const char* kTryLock =
    "SELECT pg_try_advisory_lock(8390033978155751250), pg_backend_pid(), pg_postmaster_start_time()::text";
constexpr const char* kHolder =
    "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = 1953457011 "
    "AND objid = 1768838994 AND objsubid = 1";

constexpr auto kCheckEvery = std::chrono::seconds(1);
constexpr auto kRetryEvery = std::chrono::milliseconds(200);

struct TryResult {
  bool held = false;
  int64_t backend_pid = 0;
  std::string server;  // its start time
};

// Tries the lock on `c` (reconnecting first when the connection is gone). A session advisory lock is
// re-entrant, so asking again while holding it answers true.
Result<TryResult> try_lock(Connection& c) {
  auto r = c.query(kTryLock);
  if (!r) return r.error();
  return TryResult{r->text(0, 0) == "t", r->integer(0, 1), std::string(r->text(0, 2))};
}

class PostgresWriterClaim final : public WriterClaim {
 public:
  explicit PostgresWriterClaim(const std::string& url) { (void)conn_.open(url); }

  Status take() {
    auto t = try_lock(conn_);
    if (!t) return t.error();
    if (!t->held)
      return Error{409,
                   "another tocsin node (a server or an import) already writes this database: one node per "
                   "database until the ledger chain's order is kept in the database (docs/SCALE.md)"};
    backend_pid_ = t->backend_pid;
    server_ = t->server;
    watcher_ = std::thread([this] { watch(); });
    return Ok{};
  }

  ~PostgresWriterClaim() override {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (watcher_.joinable()) watcher_.join();
  }

 private:
  // Re-asserts the lock every second; after a lost connection, every 200 ms until a server answers.
  void watch() {
    std::chrono::milliseconds wait = kCheckEvery;
    std::unique_lock lock(mu_);
    while (!cv_.wait_for(lock, wait, [this] { return stop_; })) {
      auto t = try_lock(conn_);
      if (!t) {  // no server now (a failover under way): try again soon
        wait = kRetryEvery;
        continue;
      }
      if (!t->held && !evict_own_old_session(t->server)) {
        spdlog::critical(
            "another tocsin node took this database's writer claim while this node was disconnected; "
            "stopping so that the two do not fork the ledger chain");
        std::abort();
      }
      if (t->backend_pid != backend_pid_ || t->server != server_) {
        spdlog::info("the database's writer claim is held again (on a new connection)");
        backend_pid_ = t->backend_pid;
        server_ = t->server;
      }
      wait = kCheckEvery;
    }
  }

  // The lock is held by another session: if it is this node's own earlier one (same server, the connection
  // broke without the backend noticing), ends it and takes the lock. False if someone else holds it.
  // `server`: the server now reached; the old session's pid names it only on the server it was on.
  bool evict_own_old_session(const std::string& server) {
    auto holder = conn_.query(kHolder);
    if (!holder || holder->size() == 0) return try_again();  // released meanwhile
    if (server != server_ || holder->integer(0, 0) != backend_pid_) return false;
    (void)conn_.query("SELECT pg_terminate_backend($1)", Params().integer(backend_pid_));
    for (int i = 0; i < 50; ++i) {  // the backend exits and releases the lock within moments
      if (try_again()) return true;
      std::this_thread::sleep_for(kRetryEvery);
    }
    return false;
  }

  bool try_again() {
    auto t = try_lock(conn_);
    if (!t || !t->held) return false;
    backend_pid_ = t->backend_pid;
    server_ = t->server;
    return true;
  }

  Connection conn_;
  int64_t backend_pid_ = 0;
  std::string server_;  // the start time of the server backend_pid_ is on
  std::thread watcher_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
};

}  // namespace

Result<std::unique_ptr<WriterClaim>> claim_postgres_writer(const std::string& url) {
  auto claim = std::make_unique<PostgresWriterClaim>(url);
  if (auto s = claim->take(); !s) return s.error();
  return std::unique_ptr<WriterClaim>(std::move(claim));
}

}  // namespace tocsin::store

#include "store/sqlite/checkpointer.h"

#include <spdlog/spdlog.h>

namespace tocsin::store::sqlite {

WalCheckpointer::~WalCheckpointer() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

Status WalCheckpointer::start(const std::string& path, CheckpointOptions options, std::mutex& writer_mu) {
  options_ = options;
  writer_mu_ = &writer_mu;
  if (auto s = conn_.open(path); !s) return s;
  // Holding the writer's mutex, wait only briefly for a reader's old snapshot; retry after a period.
  sqlite3_busy_timeout(conn_.handle(), 100);
  // Reading the journal mode opens the WAL on this connection (a fresh one would see no WAL and do
  // nothing); synchronous=FULL makes each checkpoint fsync the database before the WAL can be reused.
  if (auto s = conn_.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL"); !s) return s;
  thread_ = std::thread([this] { loop(); });
  return Ok{};
}

void WalCheckpointer::note_wal_pages(int pages) {
  bool wake;
  {
    std::lock_guard lock(mu_);
    wake = wal_pages_ < options_.threshold_pages && pages >= options_.threshold_pages;
    wal_pages_ = pages;
  }
  if (wake) cv_.notify_one();
}

uint64_t WalCheckpointer::restarts() const {
  std::lock_guard lock(mu_);
  return restarts_;
}

void WalCheckpointer::loop() {
  std::unique_lock lock(mu_);
  bool busy = false;  // after a busy attempt, wait a full period before the next
  for (;;) {
    cv_.wait_for(lock, options_.period,
                 [&] { return stopping_ || (!busy && wal_pages_ >= options_.threshold_pages); });
    bool stopping = stopping_;
    if (wal_pages_ > 0) {
      lock.unlock();
      busy = !checkpoint();
      lock.lock();
    }
    if (stopping) return;
  }
}

bool WalCheckpointer::checkpoint() {
  int log = 0, copied = 0;
  int rc = sqlite3_wal_checkpoint_v2(conn_.handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &log, &copied);
  if (rc == SQLITE_OK) {
    std::lock_guard writer(*writer_mu_);
    rc = sqlite3_wal_checkpoint_v2(conn_.handle(), nullptr, SQLITE_CHECKPOINT_RESTART, &log, &copied);
  }
  std::lock_guard lock(mu_);
  if (rc == SQLITE_OK) {
    ++restarts_;
    wal_pages_ = 0;  // the next commit starts the WAL over
    return true;
  }
  spdlog::warn("WAL checkpoint {}: {} (rc {}; WAL {} frames, {} copied); retrying in {} ms",
               rc == SQLITE_BUSY ? "busy" : "failed", conn_.last_error(), rc, log, copied,
               options_.period.count());
  return false;
}

}  // namespace tocsin::store::sqlite

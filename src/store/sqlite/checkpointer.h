// WalCheckpointer: copies the write-ahead log back into the database file from its own thread and its own
// connection, so the group committer never checkpoints on the path of an acknowledgement.
//
// The writer turns SQLite's auto-checkpoint off and calls note_wal_pages() after each commit (from its WAL
// hook). When the WAL holds at least `threshold_pages`, or `period` has passed with frames in it, this thread
// runs a PASSIVE checkpoint (copies what it can without blocking anyone), then a RESTART one while holding
// the writer's mutex: it copies the few frames committed meanwhile and lets the next commit start the WAL
// from its beginning again, so the file stays bounded under a steady stream of writes. The mutex, not
// SQLite's busy polling, is what lets it in between two group commits: a writer that commits back to back
// re-takes SQLite's write lock before a polling checkpointer wakes up, and the WAL would grow without end.
// Durability is unchanged: commits are already fsync'd in the WAL (synchronous=FULL); a checkpoint fsyncs the
// database file before it lets the WAL be reused.
//
// Thread-safe. The destructor stops the thread after one last checkpoint.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "core/result.h"
#include "store/sqlite/statement.h"

namespace tocsin::store::sqlite {

struct CheckpointOptions {
  int threshold_pages;
  std::chrono::milliseconds period;  // flushes a WAL that stopped growing
};

class WalCheckpointer {
 public:
  WalCheckpointer() = default;
  ~WalCheckpointer();
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  // Opens a connection to the database at `path` and starts the thread. `writer_mu` is held by the writer
  // around each write transaction; it must outlive this object.
  Status start(const std::string& path, CheckpointOptions options, std::mutex& writer_mu);
  // Called by the writer after each commit with the WAL's size in pages.
  void note_wal_pages(int pages);
  // How many RESTART checkpoints have completed (tests and diagnostics).
  uint64_t restarts() const;

 private:
  void loop();
  bool checkpoint();  // false if it could not finish (busy)

  Connection conn_;
  CheckpointOptions options_;
  std::mutex* writer_mu_ = nullptr;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  int wal_pages_ = 0;
  bool stopping_ = false;
  uint64_t restarts_ = 0;
  std::thread thread_;
};

}  // namespace tocsin::store::sqlite

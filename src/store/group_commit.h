// GroupCommitter: the one thread that changes state. Callers submit jobs; the committer runs a run of
// queued jobs back to back, each appending its writes to a shared WriteBatch, commits that batch once
// (one fsync for the whole group), and only then runs each job's completion — so every client is answered
// after its write is durable, and the fsync cost is shared by everyone who arrived meanwhile.
//
// If a commit fails, in-memory state is already ahead of the store; the process logs and aborts, and the
// next start rebuilds memory from the store (which holds nothing the client was told about).
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "store/store.h"

namespace tocsin::store {

class GroupCommitter {
 public:
  // Runs on the committer thread: applies the change in memory, appends its writes, and returns what to do
  // once they are durable (e.g. send the HTTP response). Must not block on I/O.
  using Job = std::function<std::function<void()>(WriteBatch&)>;

  explicit GroupCommitter(Store& store, size_t max_group = 2048);
  ~GroupCommitter();
  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  void submit(Job job);
  // Submits and waits for durability (CLI paths and tests).
  void run_sync(Job job);
  void stop();  // drains queued jobs, then joins

  uint64_t commits() const { return commits_; }

 private:
  void loop();

  Store& store_;
  size_t max_group_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> queue_;
  bool stopping_ = false;
  std::atomic<uint64_t> commits_{0};
  std::thread thread_;
};

}  // namespace tocsin::store

// GroupCommitter: the one place that changes state. Callers submit jobs; a group of queued jobs runs back
// to back, each appending its writes to a shared WriteBatch, the batch is committed once (one fsync for the
// whole group), and only then does each job's completion run — so every client is answered after its write
// is durable, and the fsync cost is shared by everyone who arrived meanwhile.
//
// Pipelined (issue 16): two threads. The builder thread runs the jobs of group N+1 (in-memory changes and
// their batch) while the commit thread commits group N (SQLite statements, sealing, COMMIT and fsync; or
// PostgreSQL's pipelined transaction). Once N's commit returned, the builder runs N's completions (between
// two jobs, as soon as it sees the commit returned) and hands over N+1. Jobs and completions thus still run
// on one thread, one at a time, as before the pipeline (code that assumes "the committer thread" is
// unchanged); the commit thread only runs Store::apply. Groups are committed in the order they were built
// and at most one group commits at a time, so a completion of group N runs only after N's commit and every
// earlier group's commit returned. A job must therefore not read the store expecting to find the
// previous job's writes there (none does: jobs change memory and append ops; reads of the store happen
// before submitting or after the completion). Readers of in-memory state may see up to two groups ahead of
// what is durable — the one committing and the one being built — never anything acknowledged before it is
// durable (docs/ARCHITECTURE.md, invariants).
//
// If a commit fails, in-memory state is already ahead of the store (by that group and the one built after
// it); `on_failure` runs on the commit thread and by default logs and aborts, and the next start rebuilds
// memory from the store (which holds nothing any client was told about). If `on_failure` returns (tests),
// the committer is failed: the failed group's completions and those of every later group never run, later
// groups are never committed (their in-memory changes may build on the failed group's), queued jobs are
// dropped without running, and stop() returns.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "store/store.h"

namespace tocsin::store {

class GroupCommitter {
 public:
  // Runs on the builder thread: applies the change in memory, appends its writes, and returns what to do
  // once they are durable (e.g. send the HTTP response; it runs on the builder thread too). Must not block on
  // I/O.
  using Job = std::function<std::function<void()>(WriteBatch&)>;
  using OnFailure = std::function<void(const Error&)>;
  // Commits one group's batch (Store::apply; a test may put its own in front of the store).
  using Apply = std::function<Status(const WriteBatch&)>;

  explicit GroupCommitter(Store& store, size_t max_group = 2048, OnFailure on_failure = {});
  GroupCommitter(Apply apply, size_t max_group = 2048, OnFailure on_failure = {});
  ~GroupCommitter();
  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  void submit(Job job);
  // Submits and waits for durability (CLI paths and tests).
  void run_sync(Job job);
  void stop();  // drains queued jobs, commits what was built, then joins both threads

  uint64_t commits() const { return commits_; }
  bool failed() const { return failed_; }

 private:
  struct Group {
    WriteBatch batch;
    std::vector<std::function<void()>> completions;
    size_t jobs = 0;
    void clear() {
      batch.clear();
      completions.clear();
      jobs = 0;
    }
  };

  void build_loop();
  void commit_loop();
  // On the builder, `lock` held: if the commit thread is done with its group, runs (lock released) that
  // group's completions and hands `building` over when it holds jobs. Returns whether a commit returned.
  bool collect_commit(std::unique_lock<std::mutex>& lock, Group& building);
  void hand_over(Group& building);  // `mu_` held, commit thread idle

  Apply apply_;
  size_t max_group_;
  OnFailure on_failure_;
  std::mutex mu_;
  std::condition_variable build_cv_;   // the builder: jobs queued, the commit slot freed, stopping
  std::condition_variable commit_cv_;  // the commit thread: a group handed over, the builder done
  std::deque<Job> queue_;
  Group slot_;               // the group being committed; owned by the commit thread while committing_
  bool committing_ = false;  // slot_ handed to the commit thread and not yet collected by the builder
  std::atomic<bool> commit_returned_{false};  // the commit thread is done with slot_ (the builder polls it)
  std::vector<std::function<void()>> done_;   // the builder's: completions being run
  bool stopping_ = false;
  bool builder_done_ = false;
  std::atomic<bool> failed_{false};
  std::atomic<uint64_t> commits_{0};
  std::thread commit_thread_;
  std::thread build_thread_;
};

}  // namespace tocsin::store

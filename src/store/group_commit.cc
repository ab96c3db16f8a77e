#include "store/group_commit.h"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <future>

#include "core/metrics.h"

namespace tocsin::store {

namespace {

void abort_on_failure(const Error&) {
  spdlog::critical("aborting so memory is rebuilt from the store");
  std::abort();
}

}  // namespace

GroupCommitter::GroupCommitter(Store& store, size_t max_group, OnFailure on_failure)
    : GroupCommitter([&store](const WriteBatch& b) { return store.apply(b); }, max_group,
                     std::move(on_failure)) {}

GroupCommitter::GroupCommitter(Apply apply, size_t max_group, OnFailure on_failure)
    : apply_(std::move(apply)),
      max_group_(max_group),
      on_failure_(on_failure ? std::move(on_failure) : OnFailure(abort_on_failure)),
      commit_thread_([this] { commit_loop(); }),
      build_thread_([this] { build_loop(); }) {}

GroupCommitter::~GroupCommitter() {
  stop();
}

void GroupCommitter::submit(Job job) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(job));
  }
  build_cv_.notify_one();
}

void GroupCommitter::run_sync(Job job) {
  std::promise<void> done;
  submit([&](WriteBatch& b) {
    auto then = job(b);
    return [&done, then = std::move(then)] {
      if (then) then();
      done.set_value();
    };
  });
  done.get_future().wait();
}

void GroupCommitter::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  build_cv_.notify_one();
  if (build_thread_.joinable()) build_thread_.join();
  if (commit_thread_.joinable()) commit_thread_.join();
}

void GroupCommitter::hand_over(Group& building) {
  std::swap(slot_, building);  // slot_ was cleared when collected: `building` gets its buffers back
  committing_ = true;
  commit_cv_.notify_one();
}

bool GroupCommitter::collect_commit(std::unique_lock<std::mutex>& lock, Group& building) {
  if (!committing_ || !commit_returned_.load(std::memory_order_acquire)) return false;
  commit_returned_.store(false, std::memory_order_relaxed);
  committing_ = false;
  if (failed_) {
    slot_.clear();  // never acknowledged: the process is meant to be gone (see the header)
    return true;
  }
  done_.swap(slot_.completions);
  slot_.clear();
  // The next group goes to the store before this one's answers go out: the fsync is the long part.
  if (building.jobs > 0) hand_over(building);
  lock.unlock();
  for (auto& c : done_)
    if (c) c();
  done_.clear();
  lock.lock();
  return true;
}

void GroupCommitter::build_loop() {
  Group building;
  std::vector<Job> taken;
  std::unique_lock lock(mu_);
  for (;;) {
    if (failed_) {
      // Nothing after a failed commit is committed or acknowledged: drop it all without running it.
      queue_.clear();
      building.clear();
      if (committing_ && commit_returned_) collect_commit(lock, building);
      if (stopping_ && !committing_) break;
      build_cv_.wait(lock);
      continue;
    }
    if (collect_commit(lock, building)) continue;
    if (building.jobs > 0 && !committing_) {
      hand_over(building);
      continue;
    }
    if (!queue_.empty() && building.jobs < max_group_) {
      size_t room = max_group_ - building.jobs;
      while (!queue_.empty() && taken.size() < room) {
        taken.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      metrics::process().committer_queue.at({}).set(static_cast<int64_t>(queue_.size()));
      lock.unlock();
      for (auto& job : taken) {
        building.completions.push_back(job(building.batch));
        ++building.jobs;
        // The commit thread finished group N while this job ran: answer N and hand it what is built.
        if (commit_returned_.load(std::memory_order_acquire)) {
          lock.lock();
          if (!failed_) collect_commit(lock, building);
          lock.unlock();
        }
      }
      taken.clear();
      lock.lock();
      continue;
    }
    if (stopping_ && queue_.empty() && building.jobs == 0 && !committing_) break;
    build_cv_.wait(lock);
  }
  builder_done_ = true;
  commit_cv_.notify_one();
}

void GroupCommitter::commit_loop() {
  std::unique_lock lock(mu_);
  for (;;) {
    commit_cv_.wait(lock, [&] { return (committing_ && !commit_returned_) || builder_done_; });
    if (builder_done_ && !(committing_ && !commit_returned_)) return;
    lock.unlock();
    // slot_ is this thread's until commit_returned_ is set: the builder touches it only after that.
    if (!slot_.batch.empty()) {
      int64_t started = metrics::steady_now_ns();
      if (auto s = apply_(slot_.batch); !s) {
        spdlog::critical("commit of {} writes ({} jobs) failed: {}", slot_.batch.size(), slot_.jobs,
                         s.error().message);
        failed_ = true;
        on_failure_(s.error());  // aborts unless a test said otherwise
      } else {
        ++commits_;
        metrics::process().group_commit_seconds.at({}).observe(metrics::seconds_since(started));
        metrics::process().group_commit_jobs.at({}).observe(static_cast<double>(slot_.jobs));
      }
    }
    lock.lock();
    commit_returned_.store(true, std::memory_order_release);
    build_cv_.notify_one();
  }
}

}  // namespace tocsin::store

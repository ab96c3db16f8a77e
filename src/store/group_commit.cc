#include "store/group_commit.h"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <future>

#include "core/metrics.h"

namespace tocsin::store {

GroupCommitter::GroupCommitter(Store& store, size_t max_group)
    : store_(store), max_group_(max_group), thread_([this] { loop(); }) {}

GroupCommitter::~GroupCommitter() {
  stop();
}

void GroupCommitter::submit(Job job) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(job));
  }
  cv_.notify_one();
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
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void GroupCommitter::loop() {
  std::vector<Job> group;
  std::vector<std::function<void()>> completions;
  WriteBatch batch;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      while (!queue_.empty() && group.size() < max_group_) {
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      metrics::process().committer_queue.at({}).set(static_cast<int64_t>(queue_.size()));
    }
    for (auto& job : group) completions.push_back(job(batch));
    if (!batch.empty()) {
      int64_t started = metrics::steady_now_ns();
      if (auto s = store_.apply(batch); !s) {
        spdlog::critical("commit of {} writes failed: {}; aborting so memory is rebuilt from the store",
                         batch.size(), s.error().message);
        std::abort();
      }
      ++commits_;
      metrics::process().group_commit_seconds.at({}).observe(metrics::seconds_since(started));
      metrics::process().group_commit_jobs.at({}).observe(static_cast<double>(group.size()));
    }
    for (auto& c : completions)
      if (c) c();
    group.clear();
    completions.clear();
    batch.clear();
  }
}

}  // namespace tocsin::store

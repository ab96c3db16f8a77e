#include "store/group_commit.h"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <future>

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
    }
    for (auto& job : group) completions.push_back(job(batch));
    if (!batch.empty()) {
      if (auto s = store_.apply(batch); !s) {
        spdlog::critical("commit of {} writes failed: {}; aborting so memory is rebuilt from the store",
                         batch.size(), s.error().message);
        std::abort();
      }
      ++commits_;
    }
    for (auto& c : completions)
      if (c) c();
    group.clear();
    completions.clear();
    batch.clear();
  }
}

}  // namespace tocsin::store

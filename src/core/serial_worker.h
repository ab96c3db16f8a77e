// SerialWorker: one background thread that takes queued jobs one at a time, in order. For the one-off mail
// senders (re-subscription confirmations, staff invitations): running jobs one at a time means a job's check
// and its write never race with another job's for the same address.
//
// push() may be called from any thread; work runs on the worker's thread without the queue's lock. stop()
// (also in the destructor) lets the running job finish and drops the jobs still queued.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <stop_token>
#include <thread>

namespace tocsin {

template <typename Job>
class SerialWorker {
 public:
  explicit SerialWorker(std::function<void(const Job&)> work) : work_(std::move(work)) {}
  ~SerialWorker() { stop(); }
  SerialWorker(const SerialWorker&) = delete;
  SerialWorker& operator=(const SerialWorker&) = delete;

  void start() {
    thread_ = std::jthread([this](std::stop_token stop) { loop(stop); });
  }
  void stop() {
    if (!thread_.joinable()) return;
    thread_.request_stop();
    thread_.join();
  }
  void push(Job job) {
    {
      std::lock_guard lock(mu_);
      jobs_.push_back(std::move(job));
    }
    cv_.notify_all();
  }

 private:
  void loop(std::stop_token stop) {
    std::unique_lock lock(mu_);
    while (!stop.stop_requested()) {
      if (jobs_.empty()) {
        cv_.wait(lock, stop, [&] { return !jobs_.empty(); });
        continue;
      }
      Job job = std::move(jobs_.front());
      jobs_.pop_front();
      lock.unlock();
      work_(job);
      lock.lock();
    }
  }

  std::function<void(const Job&)> work_;
  std::mutex mu_;
  std::condition_variable_any cv_;
  std::deque<Job> jobs_;
  std::jthread thread_;  // last: joined before the members its loop uses go
};

}  // namespace tocsin

// CountedLater: a screen's slow part — a count over every person of an organization, a preflight that plans
// every recipient — computed on one background thread and served from its last result, so the screen answers
// in milliseconds at a million people (issue #13: every screen ≤ 100 ms server time).
//
// A value is "of" a key (e.g. "preflight <org> <message>") and "as of" a revision: a string the caller makes
// from what the value depends on (the ledger's head, the number of people, the message's modified time). A
// request asks for the key at the current revision:
//   - a value of that revision younger than `max_age` is current and returned as is;
//   - otherwise one computation of the key is queued (never two: requests while it runs share it) and the
//     request waits up to `wait` for it; if it does not finish in time the last value, older or of another
//     revision, is returned marked not current (or none at all the first time) and the screen says so.
// The console counts small organizations inline (screens/ConsoleOptions::count_inline_below); only large ones
// go through here, where an exact answer would cost seconds per view.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/clock.h"

namespace tocsin::web::admin {

template <class V>
class CountedLater {
 public:
  struct Seen {
    std::shared_ptr<const V> value;  // null: never computed yet
    Micros computed_at = 0;          // when the computation started (what the value is as of)
    bool current = false;            // of the asked revision and younger than max_age
  };

  explicit CountedLater(Micros max_age, size_t max_keys = 256) : max_age_(max_age), max_keys_(max_keys) {
    thread_ = std::thread([this] { loop(); });
  }
  ~CountedLater() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }
  CountedLater(const CountedLater&) = delete;
  CountedLater& operator=(const CountedLater&) = delete;

  Seen get(const std::string& key, const std::string& revision, std::function<V()> compute,
           std::chrono::milliseconds wait) {
    std::unique_lock lock(mu_);
    auto fresh = [&] {
      auto it = entries_.find(key);
      return it != entries_.end() && it->second.value && it->second.revision == revision &&
             now_micros() - it->second.computed_at < max_age_;
    };
    if (!fresh()) {
      Entry& e = entries_[key];
      if (!e.queued) {
        e.queued = true;
        jobs_.push_back({key, revision, std::move(compute)});
        wake_.notify_all();
      }
      done_.wait_for(lock, wait, [&] { return fresh() || stop_; });
    }
    const Entry& e = entries_[key];
    return {e.value, e.computed_at, fresh()};
  }

 private:
  struct Entry {
    std::shared_ptr<const V> value;
    std::string revision;
    Micros computed_at = 0;
    bool queued = false;  // a computation is queued or running
  };
  struct Job {
    std::string key, revision;
    std::function<V()> compute;
  };

  void loop() {
    std::unique_lock lock(mu_);
    for (;;) {
      wake_.wait(lock, [&] { return stop_ || !jobs_.empty(); });
      if (stop_) return;
      Job job = std::move(jobs_.front());
      jobs_.pop_front();
      lock.unlock();
      const Micros started = now_micros();
      auto value = std::make_shared<const V>(job.compute());
      lock.lock();
      if (entries_.size() > max_keys_) forget_oldest();
      Entry& e = entries_[job.key];
      e.value = std::move(value);
      e.revision = job.revision;
      e.computed_at = started;
      e.queued = false;
      done_.notify_all();
    }
  }

  // Bounded: the least recently computed key that is not being computed goes.
  void forget_oldest() {
    auto oldest = entries_.end();
    for (auto it = entries_.begin(); it != entries_.end(); ++it)
      if (!it->second.queued &&
          (oldest == entries_.end() || it->second.computed_at < oldest->second.computed_at))
        oldest = it;
    if (oldest != entries_.end()) entries_.erase(oldest);
  }

  const Micros max_age_;
  const size_t max_keys_;
  std::mutex mu_;
  std::condition_variable wake_, done_;
  std::map<std::string, Entry> entries_;
  std::deque<Job> jobs_;
  bool stop_ = false;
  std::thread thread_;  // last: started once everything above exists
};

}  // namespace tocsin::web::admin

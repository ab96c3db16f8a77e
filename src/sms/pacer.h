// Pacer: per-sender pacing for SMS — a token bucket at the sender's messages-per-second, and a daily cap.
//
// Pacing is a token bucket per sender (core/gcra.h). With the default burst of 1 the slots are exactly 1/MPS
// apart, so the count in any window of length W is W * MPS rounded up — no start-up burst that carriers
// would count against the sender.
//
// Daily cap: per sender per UTC calendar day (the day of the granted slot), a plain counter. Chosen over a
// rolling 24 h because it is O(1) per sender and is how 10DLC daily limits are accounted by carriers (a fixed
// day; T-Mobile's resets at midnight Pacific, so an operator who needs that boundary sets a cap with margin).
// When the day's cap is reached the answer is kDailyCap with the start of the next UTC day, and nothing is
// reserved.
//
// A granted slot counts toward the daily cap; refund() gives the count back when the text was not sent after
// all (the gate refused it at dispatch, the gateway rejected it). hold() pauses a sender until an instant
// (the gateway throttled us). Thread-safe; acquire() sleeps outside the lock.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

#include "core/clock.h"
#include "core/gcra.h"

namespace tocsin::sms {

inline constexpr Micros kUtcDay = int64_t{86'400} * 1'000'000;
// The start of the UTC day after the one `t` falls in: when a sender's daily count starts again.
Micros next_utc_day(Micros t);

struct SenderLimits {
  double per_second = 1.0;  // > 0
  int64_t daily_cap = 0;    // 0: no daily cap
  int burst = 1;            // >= 1: slots that may be used at once after an idle period
};

class Pacer {
 public:
  using Clock = std::function<Micros()>;
  using Sleep = std::function<void(Micros)>;  // sleeps for a duration in microseconds

  explicit Pacer(Clock clock = now_micros, Sleep sleep = default_sleep)
      : clock_(std::move(clock)), sleep_(std::move(sleep)) {}

  // Sets or changes a sender's limits (a change keeps the sender's schedule and today's count).
  void configure(const std::string& sender, SenderLimits limits);

  struct Grant {
    enum class Kind { kGo, kDailyCap, kUnknownSender };
    Kind kind = Kind::kGo;
    Micros at = 0;  // kGo: the slot (send at or after it); kDailyCap: when the next day begins
  };

  // Reserves the sender's next slot without waiting; the caller sends at `at` or later.
  Grant reserve(const std::string& sender);
  // reserve(), then sleeps until the slot; returns the grant (kDailyCap and kUnknownSender do not sleep).
  Grant acquire(const std::string& sender);
  // Gives one count of the day of `slot` back to the sender's daily cap.
  void refund(const std::string& sender, Micros slot);
  // No slot for `sender` before `until`.
  void hold(const std::string& sender, Micros until);

  // Texts counted today (UTC day of `now`) for the sender.
  int64_t sent_today(const std::string& sender) const;

  static void default_sleep(Micros d);

 private:
  struct State {
    SenderLimits limits;
    Gcra gcra;  // microseconds since the epoch
    int64_t day = INT64_MIN;
    int64_t count = 0;
  };
  Clock clock_;
  Sleep sleep_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, State> senders_;
};

}  // namespace tocsin::sms

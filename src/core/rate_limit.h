// Token-bucket rate limits keyed by API key id, client IP, action or phone number (in core: the API and the
// hosted pages apply the same limits). Thread-safe; the table is sharded to keep lock
// contention off the request path, and idle buckets are forgotten so the table stays bounded.
#pragma once

#include <array>
#include <mutex>
#include <string>
#include <unordered_map>

#include "core/clock.h"

namespace tocsin {

class RateLimiter {
 public:
  RateLimiter(double per_second, double burst) : rate_(per_second), burst_(burst < 1 ? 1 : burst) {}
  // Takes one token for `key` at time `now`; returns 0 when allowed, else the seconds to wait (>= 1).
  int acquire(const std::string& key, Micros now);

 private:
  struct Bucket {
    double tokens;
    Micros last;
  };
  struct Shard {
    std::mutex mu;
    std::unordered_map<std::string, Bucket> buckets;
  };
  double rate_, burst_;
  std::array<Shard, 16> shards_;
};

// Abuse limits on keyless record-helper posts beyond the per-IP one: per action (a petition flooded from
// many addresses) and per destination phone number (SMS pumping: one number signed up again and again; also
// applied to keyless POST /people).
struct HelperLimits {
  HelperLimits(double per_action_per_second, double action_burst, double per_phone_per_hour,
               double phone_burst)
      : per_action(per_action_per_second, action_burst),
        per_phone(per_phone_per_hour / 3600.0, phone_burst) {}
  RateLimiter per_action;
  RateLimiter per_phone;
};

}  // namespace tocsin

#include "core/rate_limit.h"

#include <cmath>
#include <functional>

namespace tocsin {

int RateLimiter::acquire(const std::string& key, Micros now) {
  if (rate_ <= 0) return 0;  // 0 disables the limit
  auto& shard = shards_[std::hash<std::string>{}(key) % shards_.size()];
  std::lock_guard lock(shard.mu);
  if (shard.buckets.size() > 100000) {
    // Forget buckets that have refilled completely; they carry no state worth keeping.
    for (auto it = shard.buckets.begin(); it != shard.buckets.end();)
      it = (now - it->second.last) / 1e6 * rate_ >= burst_ ? shard.buckets.erase(it) : std::next(it);
  }
  auto [it, inserted] = shard.buckets.try_emplace(key, Bucket{burst_, now});
  Bucket& b = it->second;
  if (!inserted) {
    b.tokens = std::min(burst_, b.tokens + (now - b.last) / 1e6 * rate_);
    b.last = now;
  }
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return 0;
  }
  return std::max(1, static_cast<int>(std::ceil((1 - b.tokens) / rate_)));
}

}  // namespace tocsin

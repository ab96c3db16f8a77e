#include "staff/lockout.h"

#include <algorithm>

namespace tocsin::staff {

bool is_locked(const Account& a, Micros now) {
  return now < a.locked_until;
}

bool record_failure(Account& a, Micros now) {
  std::erase_if(a.failures, [&](Micros t) { return t <= now - kFailureWindow; });
  a.failures.push_back(now);
  if (static_cast<int>(a.failures.size()) < kMaxFailures) return false;
  a.locked_until = now + kLockDuration;
  a.failures.clear();  // the lock is the consequence; after it, a fresh count starts
  return true;
}

void record_success(Account& a) {
  a.failures.clear();
}

}  // namespace tocsin::staff

// Login throttling: after kMaxFailures wrong passwords within kFailureWindow the account is locked for
// kLockDuration, during which every login is refused, the right password included (so guessing cannot
// continue by watching which attempt "would have" worked). Pure functions over the account document; the
// caller stores the result before answering, so the count survives a restart.
#pragma once

#include "core/clock.h"
#include "staff/account.h"

namespace tocsin::staff {

inline constexpr int kMaxFailures = 5;
inline constexpr Micros kFailureWindow = 15LL * 60 * 1'000'000;
inline constexpr Micros kLockDuration = 15LL * 60 * 1'000'000;

bool is_locked(const Account& a, Micros now);

// Records one wrong password (or code) at `now`: forgets failures older than the window, and locks the
// account when this is the kMaxFailures-th inside it. Returns true when this failure locked the account.
bool record_failure(Account& a, Micros now);

// A successful login clears the failures.
void record_success(Account& a);

}  // namespace tocsin::staff

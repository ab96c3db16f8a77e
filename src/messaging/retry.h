// How a delivery's hand-over is retried and how one interrupted by a stop is recovered — the same for blasts
// (messaging/dispatcher.h) and autoresponses (messaging/autoresponder.h).
#pragma once

#include "core/clock.h"
#include "store/store.h"

namespace tocsin::messaging {

inline constexpr Micros kSecond = 1'000'000;
// Hand-overs a 4xx or an unreachable relay may defer before the delivery fails.
inline constexpr int kMaxAttempts = 5;

// The wait before attempt `attempts` + 1: 1, 5, 30, then 120 minutes.
Micros retry_backoff(int attempts);

// A delivery the process left `handing` when it stopped becomes `unknown` and is never handed again: the
// relay may or may not have taken it, and sending twice is worse than reporting one unknown.
store::DeliveryRow unknown_after_stop(store::DeliveryRow r, Micros now);

}  // namespace tocsin::messaging

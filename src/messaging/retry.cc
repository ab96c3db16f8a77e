#include "messaging/retry.h"

#include <algorithm>

namespace tocsin::messaging {

Micros retry_backoff(int attempts) {
  static const Micros kSteps[] = {60 * kSecond, 300 * kSecond, 1800 * kSecond, 7200 * kSecond};
  return kSteps[std::min<int>(std::max(attempts, 1), 4) - 1];
}

store::DeliveryRow unknown_after_stop(store::DeliveryRow r, Micros now) {
  r.state = store::DeliveryState::kUnknown;
  r.reason = "the process stopped during the hand-over; not handed again to never send twice";
  r.updated = now;
  return r;
}

}  // namespace tocsin::messaging

// Delivery state changes counted for GET /metrics (tocsin_deliveries_total{channel, state}, core/metrics.h),
// where they are recorded: the dispatcher's round marks and hand-over outcomes, SMS receipts, mail feedback.
#pragma once

#include <vector>

#include "core/metrics.h"
#include "messaging/sms_receipts.h"
#include "store/store.h"

namespace tocsin::messaging {

inline void count_delivery(Channel channel, store::DeliveryState state) {
  metrics::process().deliveries.at({channel_name(channel), delivery_state_name(state)}).inc();
}

inline void count_deliveries(const std::vector<store::DeliveryRow>& rows) {
  for (const auto& r : rows) count_delivery(r.channel, r.state);
}

}  // namespace tocsin::messaging

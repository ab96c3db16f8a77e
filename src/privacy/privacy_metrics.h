// What an operator's monitoring needs from the privacy module, per organization: data-subject requests
// open and overdue (GDPR Art. 12(3): a month; CCPA: 45 days) and consent-evidence requests past their
// deadline. Read from the store at each scrape (api/metrics_handlers.cc writes them as Prometheus gauges).
#pragma once

#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "store/store.h"

namespace tocsin::privacy {

struct PrivacyCounts {
  int64_t requests_open = 0;     // data-subject requests open or in progress
  int64_t requests_overdue = 0;  // of those, past their due time
  int64_t evidence_overdue = 0;  // consent-evidence requests unanswered past their deadline
};

Result<PrivacyCounts> privacy_counts(store::OrgScope& scope, Micros now);

}  // namespace tocsin::privacy

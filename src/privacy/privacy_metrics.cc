#include "privacy/privacy_metrics.h"

#include "privacy/evidence_request.h"
#include "privacy/privacy_request.h"

namespace tocsin::privacy {

Result<PrivacyCounts> privacy_counts(store::OrgScope& scope, Micros now) {
  PrivacyCounts n;
  auto requests = scope.docs_of_kind(kPrivacyRequestKind);
  if (!requests) return requests.error();
  for (const auto& d : requests.value()) {
    auto r = decode_privacy_request(d.doc);
    if (!r) continue;
    n.requests_open += r->state == RequestState::kOpen || r->state == RequestState::kInProgress;
    n.requests_overdue += is_overdue(r.value(), now);
  }
  auto evidence = scope.docs_of_kind(kEvidenceRequestKind);
  if (!evidence) return evidence.error();
  for (const auto& d : evidence.value())
    if (auto r = decode_evidence_request(d.doc)) n.evidence_overdue += overdue(r.value(), now);
  return n;
}

}  // namespace tocsin::privacy

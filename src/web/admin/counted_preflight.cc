#include "web/admin/counted_preflight.h"

#include <mutex>
#include <shared_mutex>

namespace tocsin::web::admin {

CountedPreflight count_preflight(people::OrgState& org, const policy::Gate& gate,
                                 const messaging::Dispatcher* dispatcher, const std::string& message_id,
                                 size_t people_per_reason) {
  CountedPreflight out;
  auto pre = messaging::preflight(org, gate, dispatcher, message_id, true);
  if (!pre) {
    out.error = pre.error().message;
    return out;
  }
  const auto& entries = pre->plan.entries;
  for (size_t i = 0; i < entries.size(); ++i) {
    auto e = entries[i];
    if (e.reason.empty()) continue;
    auto it = out.people_by_reason.find(e.reason);
    if (it == out.people_by_reason.end()) it = out.people_by_reason.emplace(std::string(e.reason), 0).first;
    ++it->second;
    auto& first = out.first_people[it->first];
    if (first.size() < people_per_reason) first.emplace_back(e.person_id);
  }
  pre->plan.entries = store::DeliveryPlan();
  out.preflight = std::move(pre).value();
  return out;
}

std::string preflight_revision(const people::OrgState& org, const messaging::Message& m) {
  std::shared_lock lock(org.mu);
  return std::to_string(org.ledger_seq) + " " + std::to_string(org.people.size()) + " " +
         std::to_string(org.taggings.size()) + " " + std::to_string(org.list_items.size()) + " " +
         std::to_string(m.modified) + " " + std::string(messaging::status_name(m.status)) + " " +
         m.review_state;
}

}  // namespace tocsin::web::admin

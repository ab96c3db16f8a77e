#include "messaging/texts_pause.h"

#include <spdlog/spdlog.h>

namespace tocsin::messaging {

Result<std::optional<std::string>> texts_pause_due(store::Store& store, const std::string& org_id,
                                                   const std::string& message_id, bool undeliverable,
                                                   const policy::PauseLimits& limits) {
  if (!undeliverable || limits.undeliverable_percent <= 0) return std::optional<std::string>{};
  auto tally = store.scope(org_id).delivery_tally(message_id);
  if (!tally) return tally.error();
  const auto& t = tally.value();
  // The receipt being judged is not in the store yet; the text it is about was handed over already.
  return policy::texts_pause_reason({t.handed_over, t.complained, t.unknown_user, t.undeliverable + 1},
                                    limits, message_id);
}

bool pause_texts(people::OrgState& org, store::WriteBatch::OrgWrites& w, const std::string& reason,
                 Micros now) {
  Settings s = org.messaging.settings();
  if (s.bulk_texts_paused) return false;
  s.bulk_texts_paused = true;
  s.bulk_texts_paused_reason = reason;
  s.bulk_texts_paused_at = now;
  org.messaging.put_settings(w, std::move(s));
  spdlog::warn("organization {}: text blasts paused: {}", org.org.id, reason);
  return true;
}

}  // namespace tocsin::messaging

#include "messaging/spam_trap_pause.h"

#include <spdlog/spdlog.h>

#include <mutex>

#include "messaging/settings.h"

namespace tocsin::messaging {

bool pause_on_spam_traps(store::GroupCommitter& committer, people::OrgState& org,
                         const std::string& message_id, int64_t hits, const policy::PauseLimits& limits,
                         Micros now) {
  auto reason = policy::spam_trap_pause_reason(hits, limits, message_id);
  if (!reason) return false;
  bool paused = false;
  committer.run_sync([&](store::WriteBatch& b) {
    auto w = b.for_org(org.org.id);
    std::unique_lock lock(org.mu);
    Settings s = org.messaging.settings();
    if (!s.bulk_email_paused) {
      s.bulk_email_paused = true;
      s.bulk_email_paused_reason = *reason;
      s.bulk_email_paused_at = now;
      org.messaging.put_settings(w, std::move(s));
      paused = true;
      spdlog::warn("organization {}: bulk email paused: {}", org.org.id, *reason);
    }
    return std::function<void()>{};
  });
  return paused;
}

}  // namespace tocsin::messaging

#include "policy/org_settings.h"

#include <mutex>

namespace tocsin::policy {

void OrgSettings::put(const std::string& org_id, OrgMessaging settings) {
  std::unique_lock lock(mu_);
  orgs_[org_id] = std::make_shared<const OrgMessaging>(std::move(settings));
}

void OrgSettings::set_suspended(const std::string& org_id, bool suspended) {
  std::unique_lock lock(mu_);
  auto& slot = orgs_[org_id];
  OrgMessaging next = slot ? *slot : OrgMessaging{};
  next.suspended = suspended;
  slot = std::make_shared<const OrgMessaging>(std::move(next));
}

std::shared_ptr<const OrgMessaging> OrgSettings::messaging(const std::string& org_id) const {
  std::shared_lock lock(mu_);
  auto it = orgs_.find(org_id);
  return it == orgs_.end() ? nullptr : it->second;
}

}  // namespace tocsin::policy

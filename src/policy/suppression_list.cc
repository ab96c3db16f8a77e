#include "policy/suppression_list.h"

#include <mutex>

namespace tocsin::policy {

void SuppressionList::add_platform(const ContactHash& contact, Micros since) {
  std::unique_lock lock(mu_);
  platform_.try_emplace(contact, since);
}

void SuppressionList::add_erased(const ContactHash& contact, Micros since) {
  std::unique_lock lock(mu_);
  erased_.try_emplace(contact, since);
}

void SuppressionList::add_org(const std::string& org_id, const ContactHash& contact, Micros since) {
  std::unique_lock lock(mu_);
  orgs_[org_id].try_emplace(contact, OrgEntry{since, false});
}

void SuppressionList::remove_org(const std::string& org_id, const ContactHash& contact) {
  std::unique_lock lock(mu_);
  auto it = orgs_.find(org_id);
  if (it != orgs_.end()) it->second.erase(contact);
}

std::optional<SuppressionHit> SuppressionList::find(const std::string& org_id,
                                                    const ContactHash& contact) const {
  std::shared_lock lock(mu_);
  if (auto it = platform_.find(contact); it != platform_.end())
    return SuppressionHit{SuppressionScope::kPlatform, it->second};
  if (auto it = erased_.find(contact); it != erased_.end())
    return SuppressionHit{SuppressionScope::kErased, it->second};
  if (auto org = orgs_.find(org_id); org != orgs_.end())
    if (auto it = org->second.find(contact); it != org->second.end())
      return SuppressionHit{SuppressionScope::kOrg, it->second.since};
  return std::nullopt;
}

bool SuppressionList::claim_confirmation(const std::string& org_id, const ContactHash& contact) {
  std::unique_lock lock(mu_);
  auto org = orgs_.find(org_id);
  if (org == orgs_.end()) return false;
  auto it = org->second.find(contact);
  if (it == org->second.end() || it->second.confirmed) return false;
  it->second.confirmed = true;
  return true;
}

bool SuppressionList::confirmation_claimed(const std::string& org_id, const ContactHash& contact) const {
  std::shared_lock lock(mu_);
  auto org = orgs_.find(org_id);
  if (org == orgs_.end()) return false;
  auto it = org->second.find(contact);
  return it != org->second.end() && it->second.confirmed;
}

}  // namespace tocsin::policy

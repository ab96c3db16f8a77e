#include "policy/consent_projection.h"

#include <mutex>

namespace tocsin::policy {

consent::Status ProjectionConsent::status(const std::string& org_id, const ContactHash& contact) const {
  const people::OrgState* org = lookup_(org_id);
  if (!org) return consent::Status::kNone;
  std::shared_lock lock(org->mu);
  return org->status_of(contact);
}

consent::ConsentScope ProjectionConsent::scope(const std::string& org_id, const ContactHash& contact) const {
  const people::OrgState* org = lookup_(org_id);
  if (!org) return {};
  std::shared_lock lock(org->mu);
  return org->scope_of(contact);
}

}  // namespace tocsin::policy

// ConsentFacts over the serving copy of each organization (people::OrgState::status, the ledger's
// projection). An organization that cannot be found has no subscribed contact points.
#pragma once

#include <functional>

#include "people/directory.h"
#include "policy/facts.h"

namespace tocsin::policy {

class ProjectionConsent final : public ConsentFacts {
 public:
  using Lookup = std::function<const people::OrgState*(const std::string& org_id)>;
  // `lookup` returns organizations that outlive this object (Directory's have stable addresses).
  explicit ProjectionConsent(Lookup lookup) : lookup_(std::move(lookup)) {}
  explicit ProjectionConsent(const people::Directory& directory)
      : ProjectionConsent([&directory](const std::string& id) { return directory.find(id); }) {}

  // Takes the organization's lock shared, like every other reader of OrgState.
  consent::Status status(const std::string& org_id, const ContactHash& contact) const override;
  consent::ConsentScope scope(const std::string& org_id, const ContactHash& contact) const override;

 private:
  Lookup lookup_;
};

}  // namespace tocsin::policy

// OrgSettings: the in-memory OrgFacts — each organization's messaging settings, replaced whole when they
// change (so a reader never sees half an update). Thread-safe.
#pragma once

#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "policy/facts.h"

namespace tocsin::policy {

class OrgSettings final : public OrgFacts {
 public:
  void put(const std::string& org_id, OrgMessaging settings);
  // Suspension is the one setting changed from outside often (a complaint suspends until consent is proven).
  void set_suspended(const std::string& org_id, bool suspended);
  std::shared_ptr<const OrgMessaging> messaging(const std::string& org_id) const override;

 private:
  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<const OrgMessaging>> orgs_;
};

}  // namespace tocsin::policy

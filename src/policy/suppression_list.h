// SuppressionList: the in-memory suppression sets, by keyed contact hash — platform-wide (AUP enforcement),
// erasure stubs (the hash an erased person leaves behind, DESIGN invariant 5) and per organization (opt-outs;
// one suppression per organization across all its numbers and programs, SMS-R4).
//
// Thread-safe: lookups take a shared lock, changes an exclusive one. Callers that persist suppressions
// (the ledger) add them here after their commit; this class is the serving index, not the record.
#pragma once

#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "core/by_contact.h"
#include "core/clock.h"
#include "policy/facts.h"

namespace tocsin::policy {

class SuppressionList final : public SuppressionFacts {
 public:
  void add_platform(const ContactHash& contact, Micros since);
  void add_erased(const ContactHash& contact, Micros since);
  // An opt-out; a later opt-out of the same contact keeps the first time and its confirmation state.
  void add_org(const std::string& org_id, const ContactHash& contact, Micros since);
  // A re-subscription (e.g. START) lifts the org suppression; platform and erasure entries stay.
  void remove_org(const std::string& org_id, const ContactHash& contact);

  std::optional<SuppressionHit> find(const std::string& org_id, const ContactHash& contact) const override;
  bool claim_confirmation(const std::string& org_id, const ContactHash& contact) override;
  bool confirmation_claimed(const std::string& org_id, const ContactHash& contact) const override;

 private:
  struct OrgEntry {
    Micros since = 0;
    bool confirmed = false;
  };
  mutable std::shared_mutex mu_;
  ByContact<Micros> platform_;
  ByContact<Micros> erased_;
  std::unordered_map<std::string, ByContact<OrgEntry>> orgs_;
};

}  // namespace tocsin::policy

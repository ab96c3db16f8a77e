// GateWiring: the one policy::Gate of a serving process, wired to the serving state — consent from each
// organization's ledger projection, opt-outs from its MessagingBook, platform-wide suppressions, the
// frequency-cap history rebuilt from recent deliveries, and the settings each book publishes.
#pragma once

#include <memory>
#include <string>

#include "messaging/opt_out_breaker.h"
#include "people/directory.h"
#include "policy/consent_projection.h"
#include "policy/gate.h"
#include "policy/send_log.h"
#include "policy/suppression_list.h"
#include "store/store.h"

namespace tocsin::messaging {

// SuppressionFacts over the platform-wide list and each organization's own opt-outs.
class ServingSuppressions final : public policy::SuppressionFacts {
 public:
  explicit ServingSuppressions(const people::Directory& directory) : directory_(directory) {}
  policy::SuppressionList& platform() { return platform_; }

  std::optional<policy::SuppressionHit> find(const std::string& org_id,
                                             const ContactHash& contact) const override;
  bool claim_confirmation(const std::string& org_id, const ContactHash& contact) override;
  bool confirmation_claimed(const std::string& org_id, const ContactHash& contact) const override;

 private:
  const people::Directory& directory_;
  policy::SuppressionList platform_;
};

// OrgFacts over the settings each organization's MessagingBook publishes.
class ServingOrgFacts final : public policy::OrgFacts {
 public:
  explicit ServingOrgFacts(const people::Directory& directory) : directory_(directory) {}
  std::shared_ptr<const policy::OrgMessaging> messaging(const std::string& org_id) const override;

 private:
  const people::Directory& directory_;
};

class GateWiring {
 public:
  GateWiring(const people::Directory& directory, policy::Gate::Clock clock = now_micros);

  // Loads platform suppressions and rebuilds the send history of every organization from the deliveries
  // handed over in the last 7 days (the longest cap window kept), and the opt-out meter's window from the
  // texts handed over and the opt-outs received in it (configure the meter first).
  Status load(store::Store& store);

  // Picks up platform-wide suppressions added since (by the administrator's CLI).
  Status refresh_platform(store::Store& store);

  policy::Gate& gate() { return gate_; }
  ServingSuppressions& suppressions() { return suppressions_; }
  policy::SendLog& sends() { return sends_; }
  // Texts and opt-outs per sender: the SMS opt-out-rate breaker's figures (messaging/opt_out_breaker.h).
  OptOutMeter& opt_outs() { return opt_outs_; }

 private:
  Status load_opt_outs(store::Store& store, const std::string& org_id, Micros since);

  const people::Directory& directory_;
  policy::ProjectionConsent consent_;
  ServingSuppressions suppressions_;
  policy::SendLog sends_;
  OptOutMeter opt_outs_;
  ServingOrgFacts orgs_;
  policy::Gate gate_;
};

}  // namespace tocsin::messaging

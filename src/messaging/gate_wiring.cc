#include "messaging/gate_wiring.h"

#include <shared_mutex>

#include "messaging/sms_inbound.h"

namespace tocsin::messaging {
namespace {
constexpr Micros kHistoryKept = int64_t{7} * 24 * 3600 * 1'000'000;
}

std::optional<policy::SuppressionHit> ServingSuppressions::find(const std::string& org_id,
                                                                const ContactHash& contact) const {
  if (auto hit = platform_.find(org_id, contact)) return hit;
  const auto* org = directory_.find(org_id);
  return org ? org->messaging.suppressions().find(org_id, contact) : std::nullopt;
}

bool ServingSuppressions::claim_confirmation(const std::string& org_id, const ContactHash& contact) {
  auto* org = directory_.find(org_id);
  return org && org->messaging.suppressions().claim_confirmation(org_id, contact);
}

bool ServingSuppressions::confirmation_claimed(const std::string& org_id, const ContactHash& contact) const {
  const auto* org = directory_.find(org_id);
  return org && org->messaging.suppressions().confirmation_claimed(org_id, contact);
}

std::shared_ptr<const policy::OrgMessaging> ServingOrgFacts::messaging(const std::string& org_id) const {
  const auto* org = directory_.find(org_id);
  return org ? org->messaging.gate_view() : nullptr;
}

GateWiring::GateWiring(const people::Directory& directory, policy::Gate::Clock clock)
    : directory_(directory),
      consent_(directory),
      suppressions_(directory),
      sends_(kHistoryKept),
      orgs_(directory),
      gate_({consent_, suppressions_, sends_, orgs_}, std::move(clock)) {}

Status GateWiring::refresh_platform(store::Store& store) {
  auto platform = store.platform_suppressions();
  if (!platform) return platform.error();
  for (const auto& row : platform.value()) suppressions_.platform().add_platform(row.contact, row.since);
  return Ok{};
}

Status GateWiring::load(store::Store& store) {
  if (auto s = refresh_platform(store); !s) return s;
  Micros since = now_micros() - kHistoryKept;
  Micros meter_since = now_micros() - opt_outs_.settings().window;
  for (auto* org : directory_.all()) {
    const std::string& id = org->org.id;
    std::shared_lock lock(org->mu);
    auto s = store.scope(id).for_each_recent_send(since, [&](const store::DeliveryRow& d) {
      (void)sends_.try_record(id, d.channel, d.contact, policy::FrequencyCap{}, d.handed_at);
      if (d.channel != Channel::kSms || d.handed_at < meter_since) return;
      if (const Message* m = org->messaging.message(d.message_id))
        opt_outs_.record_text(id, m->sms_sender, d.handed_at);
    });
    if (!s) return s;
    if (auto o = load_opt_outs(store, id, meter_since); !o) return o;
  }
  return Ok{};
}

// The opt-outs of the meter's window, from the inbound texts kept as documents (messaging/sms_inbound.h).
Status GateWiring::load_opt_outs(store::Store& store, const std::string& org_id, Micros since) {
  auto docs = store.scope(org_id).docs_of_kind(kInboundKind);
  if (!docs) return docs.error();
  for (const auto& d : docs.value()) {
    auto in = decode_inbound(d.doc);
    if (in && in->recorded_at >= since && in->action == action_name(InboundAction::kOptedOut))
      opt_outs_.record_opt_out(org_id, in->to, in->recorded_at);
  }
  return Ok{};
}

}  // namespace tocsin::messaging

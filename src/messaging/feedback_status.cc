#include "messaging/feedback_status.h"

#include "core/metrics.h"

namespace tocsin::messaging {
namespace {

bool should_change(consent::Status current, consent::Status to) {
  using consent::Status;
  switch (to) {
    case Status::kUnsubscribed:
      return current == Status::kSubscribed;
    case Status::kBouncing:
      return current != Status::kBouncing && current != Status::kSpamComplaint;
    default:
      return current != to;
  }
}

}  // namespace

bool record_feedback(store::GroupCommitter& committer, people::OrgState& org, const FeedbackTarget& target,
                     consent::Status to, const consent::Evidence& ev, Micros now) {
  bool changed = false;
  committer.run_sync([&](store::WriteBatch& b) {
    auto w = b.for_org(org.org.id);
    std::unique_lock lock(org.mu);
    const Person* person = org.find_person(target.person_id);
    std::string address = target.address;
    if (address.empty() && person && person->email && !target.contact) address = *person->email;
    if (person && !address.empty()) {
      if (should_change(org.status_of(Channel::kEmail, address), to)) {
        org.record_status(w, Channel::kEmail, address, person->id, to, ev, now);
        changed = true;
      }
    } else if (target.contact && !org.messaging.suppressions().find(org.org.id, *target.contact)) {
      // Erased: the person's ledger entries are blanked; the organization's own opt-out keeps the promise.
      store::SuppressionRow row{org.org.id,
                                Channel::kEmail,
                                *target.contact,
                                now,
                                std::string(consent::status_name(to)) + ": " + ev.method,
                                true};
      w.add(store::op::PutSuppression{row});
      org.messaging.suppressions().add_org(org.org.id, *target.contact, now);
      changed = true;
    }
    return std::function<void()>{};
  });
  return changed;
}

Result<bool> record_hard_bounce(store::Store& store, store::GroupCommitter& committer, people::OrgState& org,
                                const store::DeliveryRow& d, const consent::Evidence& ev, Micros now) {
  bool changed = record_feedback(committer, org, FeedbackTarget::of(d), consent::Status::kBouncing, ev, now);
  metrics::process().bounces.at({org.org.id, channel_name(d.channel), "hard"}).inc();
  if (auto s = store.scope(org.org.id).clear_soft_bounces(d.channel, d.contact); !s) return s.error();
  return changed;
}

}  // namespace tocsin::messaging

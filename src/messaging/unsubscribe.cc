#include "messaging/unsubscribe.h"

#include "messaging/feedback_status.h"

namespace tocsin::messaging {

Result<bool> unsubscribe_recipient(store::Store& store, store::GroupCommitter& committer,
                                   people::OrgState& org, UnsubscribeRequest request, Micros now) {
  auto scope = store.scope(org.org.id);
  if (!request.delivery) {
    auto found = scope.delivery_for_person(request.message_id, request.person_id);
    if (!found) return found.error();
    request.delivery = std::move(found).value();
  }
  FeedbackTarget target = request.delivery ? FeedbackTarget::of(*request.delivery)
                                           : FeedbackTarget{request.person_id, "", std::nullopt};
  bool changed =
      record_feedback(committer, org, target, consent::Status::kUnsubscribed, request.evidence, now);
  const auto& d = request.delivery;
  if (d && !(d->events & store::DeliveryEvent::kUnsubscribed)) {
    store::DeliveryMark mark;
    mark.add_events = store::DeliveryEvent::kUnsubscribed;
    mark.updated = now;
    if (auto s = scope.mark_delivery(d->message_id, d->seq, mark); !s) return s.error();
  }
  return changed;
}

}  // namespace tocsin::messaging

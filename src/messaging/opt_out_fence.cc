#include "messaging/opt_out_fence.h"

#include <condition_variable>

namespace tocsin::messaging {

uint64_t OptOutFence::enter(const ContactHash& contact) {
  std::lock_guard lock(mu_);
  uint64_t t = next_++;
  active_.emplace(t, contact);
  return t;
}

bool OptOutFence::in_flight_before(const ContactHash& contact, uint64_t mark) const {
  for (auto it = active_.begin(); it != active_.end() && it->first < mark; ++it)
    if (it->second == contact) return true;
  return false;
}

void OptOutFence::leave(uint64_t ticket) {
  std::vector<std::function<void()>> ready;
  {
    std::lock_guard lock(mu_);
    auto it = active_.find(ticket);
    if (it == active_.end()) return;
    ContactHash contact = it->second;
    active_.erase(it);
    for (auto w = waiters_.begin(); w != waiters_.end();) {
      if (w->contact == contact && !in_flight_before(contact, w->mark)) {
        ready.push_back(std::move(w->then));
        w = waiters_.erase(w);
      } else {
        ++w;
      }
    }
  }
  for (auto& then : ready) then();
}

void OptOutFence::after_handovers(const ContactHash& contact, std::function<void()> then) {
  {
    std::lock_guard lock(mu_);
    if (in_flight_before(contact, next_)) {
      waiters_.push_back({contact, next_, std::move(then)});
      return;
    }
  }
  then();
}

void OptOutFence::after_handovers(std::vector<ContactHash> contacts, std::function<void()> then) {
  if (contacts.empty()) return then();
  ContactHash first = contacts.back();
  contacts.pop_back();
  after_handovers(first, [this, rest = std::move(contacts), then = std::move(then)]() mutable {
    after_handovers(std::move(rest), std::move(then));
  });
}

void OptOutFence::await_handovers(const ContactHash& contact) {
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  after_handovers(contact, [&] {
    std::lock_guard lock(mu);
    done = true;
    cv.notify_all();
  });
  std::unique_lock lock(mu);
  cv.wait(lock, [&] { return done; });
}

LastLookPass::~LastLookPass() {
  if (ticket_) fence_.leave(*ticket_);
}

std::optional<std::string> LastLookPass::operator()() {
  // Enter first, then look: an opt-out acknowledged after the entry waits for this hand-over; one made
  // visible before it is seen by the look.
  if (!ticket_) ticket_ = fence_.enter(contact_);
  policy::Decision d = gate_.last_look(org_id_, contact_);
  if (d.sends()) return std::nullopt;
  return std::string(policy::reason_name(d.reason));
}

bool fenced(policy::MessageKind kind) {
  return kind == policy::MessageKind::kBlast || kind == policy::MessageKind::kOneOff;
}

email::Handover FencedEmailTransport::send(const policy::ClearedEmail& cleared,
                                           const std::string& envelope_from, std::string_view data,
                                           const email::HandoverHooks& hooks) {
  const auto& m = cleared.message();
  if (!fenced(m.kind)) return inner_.send(cleared, envelope_from, data, hooks);
  LastLookPass pass(fence_, gate_, m.org_id, m.to.contact);
  email::HandoverHooks fenced_hooks{[&]() -> std::optional<std::string> {
                                      if (hooks.last_look)
                                        if (auto why = hooks.last_look()) return why;
                                      return pass();
                                    },
                                    hooks.answered};
  return inner_.send(cleared, envelope_from, data, fenced_hooks);
}

sms::SmsHandover FencedSmsTransport::send(const policy::ClearedSms& cleared, const std::string& delivery_id) {
  const auto& m = cleared.message();
  if (!fenced(m.kind)) return inner_.send(cleared, delivery_id);
  LastLookPass pass(fence_, gate_, m.org_id, m.to.contact);
  if (auto why = pass()) return {sms::SmsHandover::Outcome::kWithheld, "", *why};
  return inner_.send(cleared, delivery_id);
}

}  // namespace tocsin::messaging

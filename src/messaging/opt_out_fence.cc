#include "messaging/opt_out_fence.h"

namespace tocsin::messaging {

uint64_t OptOutFence::enter() {
  std::lock_guard lock(mu_);
  uint64_t t = next_++;
  active_.insert(t);
  return t;
}

void OptOutFence::leave(uint64_t ticket) {
  {
    std::lock_guard lock(mu_);
    active_.erase(ticket);
  }
  cv_.notify_all();
}

uint64_t OptOutFence::mark() {
  std::lock_guard lock(mu_);
  return next_;
}

void OptOutFence::wait_before(uint64_t mark) {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return active_.empty() || *active_.begin() >= mark; });
}

sms::SmsHandover FencedSmsTransport::send(const policy::ClearedSms& cleared, const std::string& delivery_id) {
  struct Ticket {
    OptOutFence& fence;
    uint64_t t;
    ~Ticket() { fence.leave(t); }
  } ticket{fence_, fence_.enter()};
  const auto& m = cleared.message();
  if (m.kind == policy::MessageKind::kBlast || m.kind == policy::MessageKind::kOneOff) {
    if (suppressions_.find(m.org_id, m.to.contact))
      return {sms::SmsHandover::Outcome::kRejected, "",
              "not handed over: the recipient opted out after the gate cleared the text"};
  }
  return inner_.send(cleared, delivery_id);
}

}  // namespace tocsin::messaging

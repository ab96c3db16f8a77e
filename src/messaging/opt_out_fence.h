// OptOutFence: "the opt-out was acknowledged" means "nothing leaves for that contact from now on", on every
// channel and for every way of opting out.
//
// The dispatcher asks the gate before each hand-over, but a message cleared a moment before an opt-out can
// still be waiting for the transport (SMTP pacing, a free relay connection, a sender's pace) when the
// opt-out is answered. Two pieces close that gap, for one contact at a time:
//  - The last look (LastLook): at the last moment before a transport commits a hand-over (SMTP: after the
//    pacing slot and the connection are taken, right before MAIL FROM; texts: right before the gateway
//    request), the hand-over enters the fence under its recipient's contact hash, then asks the gate's
//    recipient rules once more (policy::Gate::last_look: suppression and subscription status). A recipient
//    who opted out since is not sent to: the transport answers "withheld" with the reason code and the
//    delivery is recorded as suppressed. It leaves the fence when the transport returns.
//  - The opt-out side: once the opt-out is visible to the gate (committed in memory and durable), the
//    path that acknowledges it (one-click POST, mailto and complaint ingest, PUT /people, STOP) calls
//    after_handovers(contact, answer) — the answer goes out once every hand-over to that contact that entered
//    the fence before that call has left. Those are the only ones that may have looked before the opt-out
//    was visible; every later one sees it.
// Only hand-overs to the same contact are waited for (at most a transaction or two: one SMTP transaction,
// one gateway request), never the whole blast, never the pacing; and nobody waits when none is in flight,
// which is almost always. CSV import needs no wait: it runs only while no server holds the data directory
// (app/installation.h DataDirLock), so nothing is in flight.
//
// Blast and one-off messages pass the fence; keyword replies and opt-out confirmations go to numbers that
// asked for them. FencedEmailTransport and FencedSmsTransport wrap a channel's transport with it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/contact_point.h"
#include "email/transport.h"
#include "policy/gate.h"
#include "sms/transport.h"

namespace tocsin::messaging {

class OptOutFence {
 public:
  // A hand-over inside the fence, from its last look until its transport returned.
  uint64_t enter(const ContactHash& contact);
  void leave(uint64_t ticket);

  // Runs `then` once every hand-over to `contact` that entered before this call has left: right here when
  // none is in flight, else on the thread of the one that leaves last. `then` must not block.
  void after_handovers(const ContactHash& contact, std::function<void()> then);
  // The same for several contacts (a person's email and phone), one after the other.
  void after_handovers(std::vector<ContactHash> contacts, std::function<void()> then);
  // Blocks until then (for paths that answer on their own thread).
  void await_handovers(const ContactHash& contact);

 private:
  struct Waiter {
    ContactHash contact;
    uint64_t mark;
    std::function<void()> then;
  };
  bool in_flight_before(const ContactHash& contact, uint64_t mark) const;  // mu_ held

  std::mutex mu_;
  uint64_t next_ = 0;
  std::map<uint64_t, ContactHash> active_;  // ticket -> contact: at most the transports' workers
  std::vector<Waiter> waiters_;
};

// The last look of one hand-over (see above). Enters the fence on the call, leaves when destroyed, so it
// must live until the transport returned.
class LastLookPass {
 public:
  LastLookPass(OptOutFence& fence, const policy::Gate& gate, const std::string& org_id,
               const ContactHash& contact)
      : fence_(fence), gate_(gate), org_id_(org_id), contact_(contact) {}
  ~LastLookPass();
  LastLookPass(const LastLookPass&) = delete;
  LastLookPass& operator=(const LastLookPass&) = delete;

  // nullopt: the message may go; else the gate's reason code (e.g. "org_suppressed", "not_subscribed").
  std::optional<std::string> operator()();

 private:
  OptOutFence& fence_;
  const policy::Gate& gate_;
  const std::string& org_id_;
  const ContactHash& contact_;
  std::optional<uint64_t> ticket_;
};

// Whether a message of this kind passes the fence (blasts and one-offs).
bool fenced(policy::MessageKind kind);

class FencedEmailTransport final : public email::EmailTransport {
 public:
  // All three must outlive this object.
  FencedEmailTransport(email::EmailTransport& inner, const policy::Gate& gate, OptOutFence& fence)
      : inner_(inner), gate_(gate), fence_(fence) {}
  using email::EmailTransport::send;
  email::Handover send(const policy::ClearedEmail& cleared, const std::string& envelope_from,
                       std::string_view data, const email::HandoverHooks& hooks) override;

 private:
  email::EmailTransport& inner_;
  const policy::Gate& gate_;
  OptOutFence& fence_;
};

// SMS drivers do not wait on their own (the dispatcher paces texts before the gate), so the last look is
// taken right before the driver is called.
class FencedSmsTransport final : public sms::SmsTransport {
 public:
  // All three must outlive this object.
  FencedSmsTransport(sms::SmsTransport& inner, const policy::Gate& gate, OptOutFence& fence)
      : inner_(inner), gate_(gate), fence_(fence) {}
  sms::SmsHandover send(const policy::ClearedSms& cleared, const std::string& delivery_id) override;

 private:
  sms::SmsTransport& inner_;
  const policy::Gate& gate_;
  OptOutFence& fence_;
};

}  // namespace tocsin::messaging

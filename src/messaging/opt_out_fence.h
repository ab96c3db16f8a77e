// OptOutFence: "the opt-out was acknowledged" means "no blast text leaves for that number from now on".
//
// The dispatcher asks the gate before each hand-over, but a round's texts are cleared together and then
// paced out over up to a second, so a text cleared just before a STOP could still reach the gateway after
// the STOP was answered. Two pieces close that gap:
//  - FencedSmsTransport wraps the SMS transport of blasts. Each hand-over enters the fence, looks at the
//    suppression list once more (blast and one-off texts only: keyword replies go to numbers that asked for
//    them), sends, and leaves. A recipient suppressed since the gate cleared the text is not sent to
//    (kRejected, with a sentence saying so).
//  - The inbound handler takes a mark() after the opt-out is in the suppression list, and before answering
//    the gateway waits (wait_before) until every hand-over that entered before the mark has left. Those are
//    the only ones that may have looked at the list before the opt-out was in it; every later one sees it.
// The wait is as long as the in-flight gateway calls (milliseconds on a local Kannel; at most the driver's
// timeout) and never waits for hand-overs that start after the mark, so a busy blast cannot starve it.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <set>

#include "policy/facts.h"
#include "sms/transport.h"

namespace tocsin::messaging {

class OptOutFence {
 public:
  uint64_t enter();
  void leave(uint64_t ticket);
  uint64_t mark();
  void wait_before(uint64_t mark);

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  uint64_t next_ = 0;
  std::set<uint64_t> active_;
};

class FencedSmsTransport final : public sms::SmsTransport {
 public:
  // All three must outlive this object.
  FencedSmsTransport(sms::SmsTransport& inner, const policy::SuppressionFacts& suppressions,
                     OptOutFence& fence)
      : inner_(inner), suppressions_(suppressions), fence_(fence) {}
  sms::SmsHandover send(const policy::ClearedSms& cleared, const std::string& delivery_id) override;

 private:
  sms::SmsTransport& inner_;
  const policy::SuppressionFacts& suppressions_;
  OptOutFence& fence_;
};

}  // namespace tocsin::messaging

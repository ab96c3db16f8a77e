// The SMS opt-out-rate circuit breaker (issue 15; docs/SMS.md "Opt-out-rate breaker"): when the opt-outs
// (STOP family, plain-language revocations) texted to one sender within a window pass a share of the texts
// that sender handed to the gateway in that window, the sender's blasts pause by themselves — like the bulk
// email complaint-rate pause (messaging/mail_ingest.cc, `bulk_email_paused`), but per number, since
// carriers judge (and filter) numbers one by one. The pause names its figures (opt-outs, texts, rate,
// window); replies, HELP answers and opt-out confirmations still go (policy/gate.cc), and the platform
// operator lifts it with `tocsin sender enable` (app/sender_levers.h), which also restarts the count.
//
// Counting is in memory (OptOutMeter, one per serving process, in GateWiring): texts as the dispatcher hands
// them over, opt-outs as api/sms_handlers.cc applies them. GateWiring::load rebuilds both from the store at
// start (deliveries handed over within the window, `sms_inbound` documents that opted out), so a restart
// does not reset the window. The pause itself is durable: a field of the sender's document.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "core/clock.h"
#include "people/directory.h"
#include "store/store.h"

namespace tocsin::messaging {

// Platform settings ([sms] in tocsin.toml; app/config.h). The defaults, and why:
//  - 5 %: a consented list's blast sees well under 2 % opt-outs, a first text to a new list 2-3 %; five in
//    a hundred says the list was not consented or the content is unwelcome, which is what gets a number
//    filtered or suspended by carriers (and then every legitimate text on it is lost too);
//  - at least 200 texts in the window before the rate counts: on a test send to 20 people two STOPs are
//    10 % and mean nothing;
//  - 24 h: opt-outs to a blast arrive within hours, and a day spans one blast's replies without mixing in
//    last week's.
struct OptOutBreakerSettings {
  double percent = 5.0;  // 0 turns the breaker off
  int64_t min_texts = 200;
  Micros window = int64_t{24} * 3600 * 1'000'000;
};

// Texts handed over and opt-outs received per (organization, sender), in one-minute buckets over the
// window. Thread-safe (one mutex; a record is a map update).
class OptOutMeter {
 public:
  void configure(const OptOutBreakerSettings& s);
  OptOutBreakerSettings settings() const;

  void record_text(const std::string& org_id, const std::string& sender, Micros at);
  void record_opt_out(const std::string& org_id, const std::string& sender, Micros at);

  // Starts the sender's count again at `at` (its opt_outs_counted_from, set by `sender enable`), once: a
  // later call with the same or an earlier instant changes nothing. Buckets are minutes, so what was counted
  // in the minute of `at` goes too, after it as well as before (erring towards not tripping).
  void restart(const std::string& org_id, const std::string& sender, Micros at);

  struct Figures {
    int64_t opt_outs = 0;
    int64_t texts = 0;
  };
  // Counts within the window ending at `now`.
  Figures figures(const std::string& org_id, const std::string& sender, Micros now) const;

 private:
  struct Counts {
    int64_t texts = 0, opt_outs = 0;
  };
  struct Series {
    std::map<int64_t, Counts> minutes;  // by minute since the epoch
    Micros restarted = 0;
  };
  Counts& bucket(const std::string& org_id, const std::string& sender, Micros at);

  mutable std::mutex mu_;
  OptOutBreakerSettings settings_;
  std::map<std::pair<std::string, std::string>, Series> series_;
};

// The breaker's verdict on a sender's figures: the sentence that pauses it (with the figures), or nullopt.
std::optional<std::string> opt_out_rate_exceeded(const OptOutBreakerSettings& s,
                                                 const OptOutMeter::Figures& f);

// After an opt-out texted to `sender` was applied (on the committer thread, the organization's lock held
// exclusively): counts it and, when the sender's figures pass the limit, pauses the sender's blasts in the
// same batch (durable with the opt-out). Returns the pause's reason when it paused the sender now.
std::optional<std::string> count_opt_out(OptOutMeter& meter, people::OrgState& org,
                                         store::WriteBatch::OrgWrites& w, const std::string& sender,
                                         Micros now);

}  // namespace tocsin::messaging

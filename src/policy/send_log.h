// SendLog: the in-memory SendHistory — send instants per (organization, channel, contact) for rolling-window
// frequency caps (SMS-F1 and the organization's email cap), and whether anything was ever sent (for the
// opt-out instructions the first SMS must carry).
//
// Thread-safe (one mutex; each call is a short map lookup). Instants older than `retain` are dropped when
// the key is next touched, so memory is bounded by recent traffic plus one flag per contact ever reached.
#pragma once

#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

#include "policy/facts.h"

namespace tocsin::policy {

class SendLog final : public SendHistory {
 public:
  // `retain` must be at least the longest cap window in use.
  explicit SendLog(Micros retain = int64_t{7} * 24 * 3600 * 1'000'000) : retain_(retain) {}

  std::optional<Micros> try_record(const std::string& org_id, Channel channel, const ContactHash& contact,
                                   const FrequencyCap& cap, Micros now) override;
  std::optional<Micros> would_exceed(const std::string& org_id, Channel channel, const ContactHash& contact,
                                     const FrequencyCap& cap, Micros now) const override;
  bool ever_sent(const std::string& org_id, Channel channel, const ContactHash& contact) const override;

 private:
  struct Entry {
    std::deque<Micros> sends;  // ascending
  };
  static std::string key(const std::string& org_id, Channel channel, const ContactHash& contact);
  static std::optional<Micros> blocked_until(const Entry& e, const FrequencyCap& cap, Micros now);

  Micros retain_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;  // an entry exists iff something was ever sent
};

}  // namespace tocsin::policy

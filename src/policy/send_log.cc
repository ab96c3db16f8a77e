#include "policy/send_log.h"

#include <algorithm>

namespace tocsin::policy {

std::string SendLog::key(const std::string& org_id, Channel channel, const ContactHash& contact) {
  std::string k = org_id;
  k.push_back(channel == Channel::kEmail ? 'e' : 's');
  k.append(reinterpret_cast<const char*>(contact.data()), contact.size());
  return k;
}

std::optional<Micros> SendLog::blocked_until(const Entry& e, const FrequencyCap& cap, Micros now) {
  if (cap.max <= 0) return std::nullopt;
  // Sends counted are those after now - window, including any a dispatcher with a slightly later clock
  // recorded "after" now: they happened, and must not free a slot.
  auto first = std::upper_bound(e.sends.begin(), e.sends.end(), now - cap.window);
  auto counted = e.sends.end() - first;
  if (counted < cap.max) return std::nullopt;
  // One more may go once (counted - max + 1) of them have left the window.
  return *(first + (counted - cap.max)) + cap.window;
}

std::optional<Micros> SendLog::try_record(const std::string& org_id, Channel channel,
                                          const ContactHash& contact, const FrequencyCap& cap, Micros now) {
  std::lock_guard lock(mu_);
  Entry& e = entries_[key(org_id, channel, contact)];
  while (!e.sends.empty() && e.sends.front() <= now - retain_) e.sends.pop_front();
  if (auto until = blocked_until(e, cap, now)) return until;
  e.sends.insert(std::upper_bound(e.sends.begin(), e.sends.end(), now), now);
  return std::nullopt;
}

std::optional<Micros> SendLog::would_exceed(const std::string& org_id, Channel channel,
                                            const ContactHash& contact, const FrequencyCap& cap,
                                            Micros now) const {
  std::lock_guard lock(mu_);
  auto it = entries_.find(key(org_id, channel, contact));
  if (it == entries_.end()) return std::nullopt;
  return blocked_until(it->second, cap, now);
}

bool SendLog::ever_sent(const std::string& org_id, Channel channel, const ContactHash& contact) const {
  std::lock_guard lock(mu_);
  return entries_.count(key(org_id, channel, contact)) > 0;
}

}  // namespace tocsin::policy

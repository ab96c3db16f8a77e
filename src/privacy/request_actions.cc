#include "privacy/request_actions.h"

#include <algorithm>

namespace tocsin::privacy {
namespace {

std::vector<std::pair<Channel, std::string>> contacts_of(const Person& p) {
  std::vector<std::pair<Channel, std::string>> out;
  if (p.email) out.push_back({Channel::kEmail, *p.email});
  if (p.phone) out.push_back({Channel::kSms, *p.phone});
  return out;
}

// The keyed hashes (hex) of the people's contact points: what the restricted set holds.
std::vector<std::string> contact_hashes_of(const people::OrgState& org,
                                           const std::vector<std::string>& person_ids) {
  std::vector<std::string> out;
  for (const auto& pid : person_ids)
    if (const Person* p = org.find_person(pid))
      for (const auto& [ch, addr] : contacts_of(*p)) out.push_back(to_hex(org.hasher->hash(ch, addr)));
  return out;
}

}  // namespace

int record_withdrawal(people::OrgState& org, store::WriteBatch::OrgWrites& w, const PrivacyRequest& r,
                      const std::vector<std::string>& person_ids, const std::string& actor, Micros now) {
  consent::Evidence ev;
  ev.actor = actor;
  ev.source = "privacy_request:" + r.id;
  ev.method = "privacy request: " + std::string(kind_name(r.kind));
  int n = 0;
  for (const auto& pid : person_ids) {
    const Person* p = org.find_person(pid);
    if (!p) continue;
    for (const auto& [ch, addr] : contacts_of(*p)) {
      auto s = org.status_of(ch, addr);
      if (s != consent::Status::kSubscribed) continue;  // already not receiving: nothing to withdraw
      org.record_status(w, ch, addr, pid, consent::Status::kUnsubscribed, ev, now);
      ++n;
    }
  }
  return n;
}

int add_restriction(people::OrgState& org, store::WriteBatch::OrgWrites& w,
                    const std::vector<std::string>& person_ids) {
  messaging::Settings s = org.messaging.settings();
  int n = 0;
  for (auto& hex : contact_hashes_of(org, person_ids)) {
    if (std::find(s.restricted.begin(), s.restricted.end(), hex) != s.restricted.end()) continue;
    s.restricted.push_back(std::move(hex));
    ++n;
  }
  if (n) org.messaging.put_settings(w, std::move(s));
  return n;
}

int lift_restriction(people::OrgState& org, store::WriteBatch::OrgWrites& w,
                     const std::vector<std::string>& person_ids) {
  messaging::Settings s = org.messaging.settings();
  int n = 0;
  for (const auto& hex : contact_hashes_of(org, person_ids)) {
    auto it = std::find(s.restricted.begin(), s.restricted.end(), hex);
    if (it == s.restricted.end()) continue;
    s.restricted.erase(it);
    ++n;
  }
  if (n) org.messaging.put_settings(w, std::move(s));
  return n;
}

}  // namespace tocsin::privacy

#include "privacy/tracking_objection.h"

#include "privacy/request_actions.h"

namespace tocsin::privacy {

int record_tracking_objection(people::OrgState& org, store::WriteBatch::OrgWrites& w,
                              const std::vector<std::string>& person_ids, Micros now) {
  int n = 0;
  for (const auto& pid : person_ids) {
    auto it = org.people.find(pid);
    // An objection already on file keeps its first time: that is when tracking had to stop.
    if (it == org.people.end() || it->second.tracking_objection) continue;
    it->second.tracking_objection = now;
    it->second.modified = now;
    w.add(store::op::PutPerson{it->second});
    ++n;
  }
  return n;
}

void fulfil_objection(people::OrgState& org, store::WriteBatch::OrgWrites& w, PrivacyRequest& r,
                      const std::vector<std::string>& person_ids, const std::string& actor, Micros now) {
  if (r.objection_to == ObjectionScope::kAll) {
    int n = record_withdrawal(org, w, r, person_ids, actor, now);
    r.audit.push_back({now, actor, "unsubscribed " + std::to_string(n) + " contact point(s)"});
  }
  int before = 0;
  for (const auto& pid : person_ids)
    if (const Person* p = org.find_person(pid); p && p->tracking_objection) ++before;
  int t = record_tracking_objection(org, w, person_ids, now);
  std::string line = "objection to tracking recorded for " + std::to_string(t) + " person(s)";
  if (before) line += " (" + std::to_string(before) + " had objected already)";
  r.audit.push_back({now, actor, line + ": no opens or clicks are recorded for them"});
  r.state = RequestState::kDone;
}

}  // namespace tocsin::privacy

// What fulfilling a data-subject request changes, each run inside a group-committer job while the
// organization's lock is held exclusively (the same step queues the store writes).
#pragma once

#include <string>
#include <vector>

#include "people/directory.h"
#include "privacy/privacy_request.h"

namespace tocsin::privacy {

// Objection and withdrawal: one ledger entry `unsubscribed` per contact point (email and phone) of each
// person not already opted out, with the request as evidence. Returns the number of entries.
int record_withdrawal(people::OrgState& org, store::WriteBatch::OrgWrites& w, const PrivacyRequest& r,
                      const std::vector<std::string>& person_ids, const std::string& actor, Micros now);

// Restriction: the people's contact points join the organization's restricted set (messaging settings),
// which the gate refuses with `restricted`. Returns the number of contact points added.
int add_restriction(people::OrgState& org, store::WriteBatch::OrgWrites& w,
                    const std::vector<std::string>& person_ids);

// Lifting: the people's contact points leave the restricted set. Returns the number of contact points
// removed.
int lift_restriction(people::OrgState& org, store::WriteBatch::OrgWrites& w,
                     const std::vector<std::string>& person_ids);

}  // namespace tocsin::privacy

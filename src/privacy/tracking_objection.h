// Objection to tracking (GDPR Art. 21, issue 11): a person who objected is never tracked, whatever the
// organization's tracking setting. Their emails carry no open pixel and no rewritten links (the dispatcher
// reads Person::tracking_objection when it composes each delivery), and the tracking endpoints record no open
// or click for them, even from a link in a mail sent before the objection (api/tracking_handlers.cc).
//
// Where it is kept: on the person (Person::tracking_objection, the time it was recorded), in the person's
// sealed document. So it is durable and organization-scoped like the person, follows them through address
// changes, and goes with them when they are erased — it lasts exactly as long as the person.
//
// How it is set: fulfilling an objection request (privacy/privacy_request.h) — one scoped to tracking
// (`objection_to: tracking`) records only this and leaves the subscriptions alone; a plain objection
// unsubscribes every channel and records this too — or the supporter's own preference center
// (web/preference_center.h), which files an objection to tracking and fulfils it at once through
// fulfil_objection below.
//
// Both functions run on the committer thread with the organization's lock held exclusively, in the step
// that queues the store writes.
#pragma once

#include <string>
#include <vector>

#include "people/directory.h"
#include "privacy/privacy_request.h"

namespace tocsin::privacy {

// Records the objection on each of the people who have not objected yet (their person document is
// rewritten through the batch). Returns how many people changed.
int record_tracking_objection(people::OrgState& org, store::WriteBatch::OrgWrites& w,
                              const std::vector<std::string>& person_ids, Micros now);

// Fulfils objection request `r` for `person_ids` (the people holding its subject): a plain objection
// unsubscribes every channel (record_withdrawal) and records the objection to tracking; one scoped to
// tracking records only the latter. Marks `r` done with one audit line per effect, by `actor`.
void fulfil_objection(people::OrgState& org, store::WriteBatch::OrgWrites& w, PrivacyRequest& r,
                      const std::vector<std::string>& person_ids, const std::string& actor, Micros now);

}  // namespace tocsin::privacy

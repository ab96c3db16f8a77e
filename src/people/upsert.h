// Matching and merging people, exactly as Action Network does (reference §4.4), and the consent-ledger
// entries every resulting status change needs.
//
//  - One email and one mobile per person; the email defines the person.
//  - Same email, different mobile: the new mobile replaces the old one.
//  - Same mobile, different email: a new person is created and the number moves to them, keeping its
//    subscription status (statuses belong to contact points, not people).
//  - A mobile-only record matched by phone merges with the incoming email.
//  - Email status (§4.1): a new address is subscribed unless "unsubscribed" is given; an existing one changes
//    only when a status is given. A "subscribed" never clears bouncing or spam complaint.
//  - Mobile status (§4.3): a new number stays unsubscribed unless "subscribed" is given.
//  - Every change to "subscribed" is ruled on by people/subscribe_rule.h (who may subscribe whom, with what
//    evidence); every write first passes check_write (the age gate, a keyed SMS opt-in without evidence)
//    and has its header-bound text normalized (people/header_text.h). These run here, inside the one write
//    path, so no entry point can skip them.
//
// All functions run on the committer thread with `org.mu` held exclusively; they validate before they change
// anything, so an error leaves both memory and the batch untouched.
#pragma once

#include <string>
#include <vector>

#include "consent/ledger_entry.h"
#include "people/directory.h"
#include "people/person_input.h"
#include "people/subscribe_rule.h"

namespace tocsin::people {

struct UpsertResult {
  const Person* person = nullptr;
  bool created = false;
  std::vector<std::string> notices;          // why a requested subscription was not written
  std::optional<std::string> confirm_email;  // keyless re-subscription: send a confirmation to this address
};

// Signup helper semantics: match by email, then phone; create when nothing matches. Needs email or phone.
Result<UpsertResult> signup(OrgState& org, PersonInput in, const std::vector<std::string>& add_tags,
                            const consent::Evidence& ev, const WriteAuthority& who,
                            store::WriteBatch::OrgWrites& w, Micros now);

// PUT semantics on a known person: merge; null clears; a status-only email entry applies to the primary
// address. 404 when the id is unknown; 400 when the new email or phone belongs to another person.
Result<UpsertResult> update(OrgState& org, const std::string& person_id, PersonInput in,
                            const consent::Evidence& ev, const WriteAuthority& who,
                            store::WriteBatch::OrgWrites& w, Micros now);

// Adds a tagging if the person does not have the tag yet; returns the tagging either way.
const Tagging& tag_person(OrgState& org, const std::string& tag_id, const std::string& person_id,
                          store::WriteBatch::OrgWrites& w, Micros now);
// Removes the tagging `tagging_id` (the API's DELETE .../taggings/{id}, the console's Remove); false when
// the organization has no such tagging.
bool untag(OrgState& org, std::string tagging_id, store::WriteBatch::OrgWrites& w);

}  // namespace tocsin::people

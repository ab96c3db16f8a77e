// Recording what people do on an action: the record helper (a person described inline, matched and merged
// exactly as the signup helper does, with consent-ledger entries whose source is the action), the plain
// create (an existing person by link) and updates. Runs on the committer thread with OrgState::mu held
// exclusively; every check runs before anything changes, so an error leaves memory and the batch untouched.
//
// Rules kept here (reference §3.3, compliance §1.6, DESIGN "Privacy"):
//  - one signature/attendance/submission per person per action: a repeat updates it; donations and
//    outreaches are never deduplicated (ActionType::dedup);
//  - an SMS opt-in counts only through an action that carries a complete SMS disclosure and only when the
//    phone's status is explicitly "subscribed", or on a key's attestation (people/subscribe_rule.h);
//    otherwise a keyless post keeps the number unsubscribed and the outcome says why, a keyed one is a 422;
//  - people under 13 (16 where GDPR applies) are refused with 422 and nothing is stored (people/age_gate.h,
//    asked by people::signup).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "actions/action.h"
#include "actions/action_type.h"
#include "consent/ledger_entry.h"
#include "people/directory.h"
#include "people/person_input.h"
#include "people/subscribe_rule.h"

namespace tocsin::actions {

// The record's own part of a request.
struct RecordInput {
  RawFields fields;  // documented record fields only
  std::vector<std::string> identifiers;
  std::optional<std::string> referrer_data;  // raw JSON object
  bool autoresponse_requested = false;
  // The record's id when the caller fixes it (a paid donation takes its pending checkout's id, so the
  // provider's second callback for it finds the record). record_helper changes nothing when a record with
  // this id exists already and answers it with created = false. Unset: a new UUID.
  std::optional<std::string> id;
};

struct HelperInput {
  people::PersonInput person;
  std::vector<std::string> add_tags;
  RecordInput record;
};

struct HelperRules {
  people::WriteAuthority authority;  // the writer (keyless or key), its attestation and the age field
};

struct RecordOutcome {
  const ActionRecord* record = nullptr;
  bool created = false;
  std::vector<std::string> notices;          // e.g. why a phone number was kept unsubscribed
  std::optional<std::string> confirm_email;  // keyless re-subscription: the address to ask for confirmation
};

// `ev` carries actor, IP, user agent and method; its source is set here to the action's URL (`action_url`)
// with the disclosure version, and its disclosure text to what the action showed.
Result<RecordOutcome> record_helper(people::OrgState& org, const ActionType& type,
                                    const std::string& action_id, const std::string& action_url,
                                    HelperInput in, consent::Evidence ev, const HelperRules& rules,
                                    store::WriteBatch::OrgWrites& w, Micros now);

// Plain create for a person who already exists (no consent change).
Result<RecordOutcome> record_for_person(people::OrgState& org, const ActionType& type,
                                        const std::string& action_id, const std::string& person_id,
                                        RecordInput in, store::WriteBatch::OrgWrites& w, Micros now);

// PUT on a record: the given fields change, nothing else.
Result<const ActionRecord*> update_record(people::OrgState& org, const ActionType& type,
                                          const std::string& action_id, const std::string& record_id,
                                          RecordInput in, store::WriteBatch::OrgWrites& w, Micros now);

}  // namespace tocsin::actions

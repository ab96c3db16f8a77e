// A record helper submission (a signature, an RSVP, a form submission...) from any face: the API's keyless
// or keyed record helper and the hosted pages call this one function, so both take the same path —
// actions::record_helper on the committer thread (age gate, SMS rule, dedup, ledger evidence), then, once
// durable, the autoresponse it asked for and the confirmation a keyless re-subscription needs.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "actions/record_write.h"
#include "messaging/org_write.h"

namespace tocsin::messaging {

class Autoresponder;
class ResubscribeConfirmations;

struct Submission {
  const actions::ActionType* type = nullptr;
  std::string action_id;
  std::string action_url;  // the evidence's source (with "#disclosure-vN" appended by the helper)
  actions::HelperInput input;
  consent::Evidence evidence;  // actor, IP, user agent, method
  actions::HelperRules rules;
  // The disclosure version the person saw (hosted pages); a different current version refuses with 409
  // so consent is never recorded against text the person did not see. Unset: whatever is current.
  std::optional<int> shown_version;
};

struct SubmitServices {
  store::GroupCommitter& committer;
  Autoresponder* autoresponder = nullptr;             // null: no autoresponses
  ResubscribeConfirmations* confirmations = nullptr;  // null: none asked
};

// Renders the outcome under the organization's lock (e.g. the API's HAL record).
using RenderOutcome = std::function<std::string(const people::OrgState&, const actions::RecordOutcome&)>;

// `done` gets the rendered outcome once durable, or the error (nothing written).
void submit_record(const SubmitServices& services, people::OrgState& org, Submission s, RenderOutcome render,
                   std::function<void(Result<std::string>)> done);

}  // namespace tocsin::messaging

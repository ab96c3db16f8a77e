// A draft's preflight as the console's message screen shows it: the gate's plan summary and content screening
// (messaging::preflight, the API's tocsin:preflight), and for the drill-down the first people each reason
// leaves out or holds back — kept as ids, so one computation serves every ?reason= view of it.
// Counted inline for small organizations and in the background for large ones (web/admin/counted_later.h).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "messaging/blast_control.h"
#include "people/directory.h"

namespace tocsin::messaging {
class Dispatcher;
}
namespace tocsin::policy {
class Gate;
}

namespace tocsin::web::admin {

struct CountedPreflight {
  std::optional<messaging::Preflight> preflight;  // the plan's entries dropped (one per recipient)
  std::string error;                              // why there is none
  // Reason code → the first `people_per_reason` person ids it applies to, in audience order, and how many.
  std::map<std::string, std::vector<std::string>, std::less<>> first_people;
  std::map<std::string, int64_t, std::less<>> people_by_reason;
};

CountedPreflight count_preflight(people::OrgState& org, const policy::Gate& gate,
                                 const messaging::Dispatcher* dispatcher, const std::string& message_id,
                                 size_t people_per_reason);

// What a draft's preflight depends on, short of the clock: its consents (the ledger's head), its people and
// their groupings, and the draft itself. A count of another revision is stale.
std::string preflight_revision(const people::OrgState& org, const messaging::Message& m);

}  // namespace tocsin::web::admin

// The platform operator's word on an organization's standing (docs/POLICY.md "Per-organization trust"):
//   tocsin org trust   --data DIR --org ORG --reason "..."   its first large blasts are no longer held
//   tocsin org untrust --data DIR --org ORG --reason "..."   they are again (until it has sent enough)
//   tocsin org resume  --data DIR --org ORG --channel email|sms --reason "..."
//                                                             lifts an automatic pause of its blasts
// Each is recorded first in the staff audit (actor "cli:USER", action org.trust | org.untrust | org.resume,
// the reason in the target), then written to the organization's settings with Store::put_doc_outside, so a
// running server applies it within a second.
#pragma once

#include <CLI/CLI.hpp>

namespace tocsin {

void add_org_trust_commands(CLI::App& org_command);

}  // namespace tocsin

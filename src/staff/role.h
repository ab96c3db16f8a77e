// Staff roles and what each may do: the one permission table of the console (docs/CONSOLE.md).
//
// Roles are per organization; a person may hold a different role in each. Platform operators (suspension,
// platform suppressions, complaints) are a flag on the account, separate from every org role: an operator
// has no access to an organization's data unless also a member of it.
#pragma once

#include <optional>
#include <string_view>

namespace tocsin::staff {

enum class Role { kViewer = 0, kOrganizer = 1, kAdmin = 2, kOwner = 3 };

enum class Permission {
  kRead,      // see people, actions, messages, statistics
  kExport,    // download personal data (CSV exports, consent proofs in bulk)
  kSend,      // compose, schedule and send messages; edit people and actions
  kApprove,   // approve a blast an organizer prepared (when the org requires approval)
  kSettings,  // sending domains, SMS senders, quiet hours, caps, tracking, retention
  kKeys,      // create and revoke API keys
  kTeam,      // invite, remove and change the role of staff; deletion of the organization
};

// The table: viewer reads (no exports); organizer also exports and sends; admin also approves and manages
// settings and keys; owner also manages the team.
bool allows(Role role, Permission p);

std::string_view role_name(Role r);
std::optional<Role> parse_role(std::string_view s);
std::string_view permission_name(Permission p);

}  // namespace tocsin::staff

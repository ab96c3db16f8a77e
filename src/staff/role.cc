#include "staff/role.h"

namespace tocsin::staff {

bool allows(Role role, Permission p) {
  switch (p) {
    case Permission::kRead:
      return true;
    case Permission::kExport:
    case Permission::kSend:
      return role >= Role::kOrganizer;
    case Permission::kApprove:
    case Permission::kSettings:
    case Permission::kKeys:
      return role >= Role::kAdmin;
    case Permission::kTeam:
      return role == Role::kOwner;
  }
  return false;
}

std::string_view role_name(Role r) {
  switch (r) {
    case Role::kViewer:
      return "viewer";
    case Role::kOrganizer:
      return "organizer";
    case Role::kAdmin:
      return "admin";
    case Role::kOwner:
      return "owner";
  }
  return "viewer";
}

std::optional<Role> parse_role(std::string_view s) {
  for (Role r : {Role::kViewer, Role::kOrganizer, Role::kAdmin, Role::kOwner})
    if (role_name(r) == s) return r;
  return std::nullopt;
}

std::string_view permission_name(Permission p) {
  switch (p) {
    case Permission::kRead:
      return "read";
    case Permission::kExport:
      return "export";
    case Permission::kSend:
      return "send";
    case Permission::kApprove:
      return "approve";
    case Permission::kSettings:
      return "settings";
    case Permission::kKeys:
      return "keys";
    case Permission::kTeam:
      return "team";
  }
  return "read";
}

}  // namespace tocsin::staff

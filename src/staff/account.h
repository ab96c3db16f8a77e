// A staff account: one person who logs into the console, by email address, with a password and a TOTP
// second factor, and a role in each organization they belong to.
//
// Stored as a platform-level document (org id '', kind `staff_account`) whose id is a keyed hash of the
// lower-cased address (staff/directory.h), so login finds it with one keyed read and no scan. Everything
// a login decides on — the lockout counters, the last accepted TOTP step, the session epoch — is in the
// document, so it survives a restart.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "staff/role.h"

namespace tocsin::staff {

inline constexpr std::string_view kAccountKind = "staff_account";

struct Account {
  std::string id;     // keyed hash of the lower-cased email, hex
  std::string email;  // lower-cased
  std::string password_hash;
  std::string totp_secret;            // base32
  std::map<std::string, Role> roles;  // organization id → role
  bool platform_operator = false;     // the administrator's powers (suspend, platform suppressions)
  std::vector<Micros> failures;       // wrong-password times inside the throttling window
  Micros locked_until = 0;
  int64_t last_totp_step = 0;       // a code of this step or an earlier one is refused
  Micros sessions_valid_after = 0;  // sessions created before this are revoked (password reset)
  Micros created = 0;
};

std::string encode_account(const Account& a);
Result<Account> decode_account(std::string_view doc);

// The role the account holds in `org_id`, if any.
std::optional<Role> role_in(const Account& a, const std::string& org_id);

}  // namespace tocsin::staff

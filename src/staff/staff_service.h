// Staff accounts and access: the one service the CLI (`tocsin user`) and the console use to create
// accounts, reset passwords, log in (password + TOTP, throttled), and turn a session cookie into a
// Principal. It reads and writes only documents (store/store.h OrgDoc): accounts and sessions at platform
// level (org id ''), each organization's team list as its `staff_team` document. No SQL table of its own.
//
// Thread-safe: read-modify-write of an account (failure counts, TOTP step) is serialized by a mutex, so two
// concurrent wrong passwords both count. Another process writing the same account meanwhile (the CLI
// resetting a password while the server counts a failure) is rare enough to accept last-writer-wins.
#pragma once

#include <array>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "staff/account.h"
#include "staff/audit.h"
#include "staff/password.h"
#include "staff/session.h"
#include "store/store.h"

namespace tocsin::staff {

inline constexpr std::string_view kTeamKind = "staff_team";
inline constexpr size_t kMaxTeamSize = 1000;

struct StaffOptions {
  HashCost cost = HashCost::kInteractive;
  std::string issuer = "tocsin";  // shown by authenticator apps next to the account
};

struct TeamMember {
  std::string account_id, email;
  Role role = Role::kViewer;
};

// Who is acting: from a live session (or the CLI, with role kOwner of the org it names).
struct Principal {
  std::string account_id, email, org_id, session_id;
  Role role = Role::kViewer;
  bool platform_operator = false;
  bool can(Permission p) const { return allows(role, p); }
};

class StaffService {
 public:
  // `installation_key`: the installation's secret (contact.key); account ids are keyed hashes under a key
  // derived from it, so an account's email cannot be confirmed from its id without the key.
  StaffService(store::Store& store, const std::array<unsigned char, 32>& installation_key, AuditLog& audit,
               StaffOptions options = {});
  StaffService(const StaffService&) = delete;
  StaffService& operator=(const StaffService&) = delete;

  // The document id of an address (lower-cased first).
  std::string account_id_for(std::string_view email) const;

  Result<std::optional<Account>> find(std::string_view email);

  struct Created {
    Account account;
    std::string enrolment_uri;  // empty when the account existed (it keeps its password and TOTP)
  };
  // Gives `email` `role` in `org_id`, creating the account (with `password` and a new TOTP secret) if it
  // does not exist; an existing account only gains or changes the role. 422 for a bad address or password.
  Result<Created> add_member(const std::string& org_id, std::string_view email, Role role,
                             std::string_view password, const std::string& actor, Micros now);
  // Platform operator flag (the administrator's powers), separate from every org role.
  Result<Created> set_operator(std::string_view email, std::string_view password, const std::string& actor,
                               Micros now);

  // New password; revokes every session of the account and clears a lock. 404 for an unknown address.
  Status reset_password(std::string_view email, std::string_view password, const std::string& actor,
                        Micros now);

  Result<std::vector<TeamMember>> team(const std::string& org_id);

  struct LoggedIn {
    std::string token;  // for the cookie; never stored
    Principal principal;
  };
  // Password and TOTP code. Errors: 401 "wrong email, password or code" for any mismatch (which also
  // counts a failure), 429 while the account is locked. `org_id` picks the organization when the account
  // belongs to several; empty: the first one.
  Result<LoggedIn> login(std::string_view email, std::string_view password, std::string_view code,
                         const std::string& org_id, const std::string& ip, Micros now);

  // The principal of a session token; 401 when the token is unknown, expired, idle or revoked, or the
  // account lost its role in the session's organization.
  Result<Principal> authenticate(std::string_view token, Micros now);

  // Revokes the session (idempotent).
  Status logout(std::string_view token, const std::string& ip, Micros now);

 private:
  Result<std::optional<Account>> load_account(const std::string& id);
  Status put_account(const Account& a, const std::string& team_org = {},
                     const std::vector<TeamMember>* team = nullptr);
  Status put_session(const Session& s);
  Result<Created> ensure_account(std::string_view email, std::string_view password, Micros now);
  void audit(const std::string& org, const std::string& actor, const std::string& action,
             const std::string& target, const std::string& ip, Micros now);

  store::Store& store_;
  std::array<unsigned char, 32> id_key_{};
  AuditLog& audit_;
  StaffOptions options_;
  std::mutex mu_;
};

}  // namespace tocsin::staff

// The staff audit trail: every staff action that changes or exports data is recorded with who, what, when
// and from where. A small interface, so the privacy module's access log can take its place later without
// touching the callers; DocAuditLog keeps each event as an organization document (kind `staff_audit`, id a
// time-ordered UUID, so creation order is id order). Platform actions (operators, the CLI on accounts) are
// recorded under org id ''.
#pragma once

#include <string>

#include "core/clock.h"
#include "core/result.h"
#include "store/store.h"

namespace tocsin::staff {

inline constexpr std::string_view kAuditKind = "staff_audit";

struct AuditEvent {
  std::string org_id;  // '' for platform-level actions
  std::string actor;   // account id, or "cli:USER" for the command line
  std::string action;  // dotted verb: "user.create", "user.reset", "session.login", "people.export", ...
  std::string target;  // what it acted on (an account id, a message id, ...); never personal data
  std::string ip;      // the request's address, "" for the command line
  Micros at = 0;
};

class AuditLog {
 public:
  virtual ~AuditLog() = default;
  // Durable on return; an error means the action should not be reported as done.
  virtual Status record(const AuditEvent& e) = 0;
};

class DocAuditLog : public AuditLog {
 public:
  explicit DocAuditLog(store::Store& store) : store_(store) {}
  Status record(const AuditEvent& e) override;

 private:
  store::Store& store_;
};

std::string encode_audit_event(const AuditEvent& e);

}  // namespace tocsin::staff

// The platform operator's levers on an organization's standing (docs/POLICY.md "Per-organization trust"):
// trust (its first large blasts are not held for review), untrust, and resume (lift an automatic pause of its
// bulk email or its text blasts, whose figures stay on record in the audit). The one service behind
// `tocsin org trust|untrust|resume` (app/org_trust_commands.cc) and the operator's console screen
// (web/admin/console_platform.cc). The settings document is written with Store::put_doc_outside, as the
// CLI writes it, so a running server applies it within a second; the staff audit (`org.trust`,
// `org.untrust`, `org.resume`) is written first.
#pragma once

#include <string>

#include "core/result.h"
#include "messaging/settings.h"
#include "staff/audit.h"
#include "store/store.h"

namespace tocsin::oversight {

enum class StandingVerb { kTrust, kUntrust, kResumeEmail, kResumeTexts };

struct StandingChange {
  std::string org_id;
  StandingVerb verb = StandingVerb::kTrust;
  std::string reason;  // required: kept in the audit
  std::string actor;   // "cli:USER" or the console account's id
  std::string ip;      // the console request's address, "" from the CLI
};

struct StandingOutcome {
  messaging::Settings settings;  // as written
  std::string action;            // the audit's verb
};

// The stored settings, or the defaults when the organization has none yet.
Result<messaging::Settings> stored_settings(store::Store& store, const std::string& org_id);

// 400 without a reason or resuming what is not paused.
Result<StandingOutcome> change_standing(store::Store& store, staff::AuditLog& log, const StandingChange& c);

}  // namespace tocsin::oversight

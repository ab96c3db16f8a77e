// One lever of the platform operator on one sender of an organization: disable (or enable again) one SMS
// number or one sending domain without suspending the whole organization. The service behind
// `tocsin sender|domain disable|enable` (app/sender_levers.h), `tocsin abuse close --disable-sender` and the
// console's abuse cases (oversight/abuse_close.h): a field of the sender's own document, written with
// Store::put_doc_outside so a running server applies it within a second; recorded in the staff audit first.
#pragma once

#include <string>

#include "core/result.h"
#include "staff/audit.h"
#include "store/store.h"

namespace tocsin::oversight {

struct LeverPull {
  std::string org_id;
  bool sms = true;   // an SMS number (true) or a sending domain (false)
  std::string name;  // the number as stored (E.164 or short code) or the domain, lower-case
  bool disable = true;
  std::string reason;  // required: shown with every refusal and kept in the audit
  std::string actor;   // "cli:USER" or the console account's id
  std::string ip;      // the console request's address, "" from the CLI
};

// Applies one pull; the answer is the JSON line the command prints (the sender's state after it). 404 when
// the organization has no such sender, 400 without a reason.
Result<std::string> pull_lever(store::Store& store, staff::AuditLog& log, const LeverPull& pull);

}  // namespace tocsin::oversight

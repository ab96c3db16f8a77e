// Closing an abuse case (docs/POLICY.md "Abuse reports"): the one service behind `tocsin abuse close`
// (app/abuse_commands.cc) and the Close forms of the operator's console screen
// (web/admin/console_platform.cc). Closing can act on what the case names — disable the reported number
// (oversight/sender_lever.h), take the reported hosted page down (a `page_takedown` document: the page
// answers 410), stop the reported message — each told to the organization as "abuse case ID: <reason>" and
// recorded in the staff audit before it takes effect (`sender.disable`, `page.take_down`, `message.stop`),
// then the close itself (`abuse.close`). Every write is Store::put_doc_outside: a running server applies it
// within a second.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "messaging/abuse_case.h"
#include "staff/audit.h"
#include "store/store.h"

namespace tocsin::oversight {

enum class CaseAction { kNone, kDisableSender, kTakeDownPage, kStopMessage };

struct CaseClose {
  std::string case_id;
  std::string reason;  // required: what was found and done
  CaseAction action = CaseAction::kNone;
  std::string actor;  // "cli:USER" or the console account's id
  std::string ip;     // the console request's address, "" from the CLI
};

// Every organization's cases and the platform's own (org ''): the open ones, or every one with `all`.
Result<std::vector<messaging::AbuseCase>> abuse_cases(store::Store& store, bool all);

// The closed case as stored. 404 for an unknown case; 400 for a closed one, no reason, or an action the case
// does not allow (a number of no organization, a page that is not a hosted page, a message sent already).
Result<messaging::AbuseCase> close_abuse_case(store::Store& store, staff::AuditLog& log, const CaseClose& c);

}  // namespace tocsin::oversight

// The content review queue of the platform operator (docs/POLICY.md "Content screening", "Review in the
// console"): the one service both `tocsin review list|approve|reject` (app/review_commands.cc) and the
// operator's console screen (web/admin/console_platform.cc) call, so a decision has one meaning and one
// record whichever door it came through.
//
// A decision is written with Store::put_doc_outside, as every operator lever is: a running server applies the
// changed message within its one-second refresh (app/serve.cc), whether the decision came from the CLI in
// another process or from the console in the server itself. Approve makes the message a draft approved for
// exactly its current content (an edit needs a new review), so the organization's next send goes past the
// screening and the new-organization hold; reject stops it with the note, which the organization sees.
// The audit comes first (a `content_review` document with the findings the operator saw, and a staff audit
// line `review.approve` / `review.reject`), so a decision that took effect is always on record.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "messaging/message.h"
#include "staff/audit.h"
#include "store/store.h"

namespace tocsin::oversight {

inline constexpr std::string_view kReviewKind = "content_review";

struct HeldMessage {
  std::string org_id;
  messaging::Message message;
};

// Every held message, of one organization (`org_id`) or of all ('' ); 404 for an unknown organization.
// Ordered by organization, then by when each was held.
Result<std::vector<HeldMessage>> held_messages(store::Store& store, const std::string& org_id);

// One finding as the queue shows it (from the message's stored `review_findings`).
struct HeldFinding {
  std::string verdict, code, part, excerpt, sentence;
};
std::vector<HeldFinding> held_findings(const messaging::Message& m);

struct ReviewDecision {
  std::string org_id, message_id;
  bool approve = true;
  std::string by;     // who decides, as the organization and the audit name them
  std::string note;   // required to reject: the organization is told why
  std::string actor;  // the staff audit's actor: "cli:USER" or the console account's id
  std::string ip;     // the console request's address, "" from the CLI
};

struct ReviewOutcome {
  messaging::Message message;  // as written
  std::string audit_id;        // the content_review document's id
};

// 400 without `by`, a rejection without a note, or a message that is not held; 404 for an unknown message.
Result<ReviewOutcome> decide_review(store::Store& store, staff::AuditLog& audit, const ReviewDecision& d);

}  // namespace tocsin::oversight

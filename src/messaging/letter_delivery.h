// Delivering an advocacy letter to its targets (docs/PAGES.md "Delivering letters"): each outreach a hosted
// page records sends the letter, as the supporter sent it, to each of the campaign's targets that has an
// email address — one email per target, through the one gate as policy::MessageKind::kLetterToTarget
// (docs/POLICY.md "Letters to targets").
//
// The email: From "{supporter's name} <no-reply@{the organization's first verified sending domain}>",
// DKIM-signed under that domain as blasts are (so DMARC aligns: the supporter's own domain is never
// spoofed), Reply-To the supporter's address (the target answers the person, not the organization), To the
// target, the letter's subject, a text body = the letter + a signature block (name, postal code when given)
// + one line saying through which organization's campaign it came. No List-Unsubscribe: it is not a list
// message; the signed VERP bounce address, Message-ID and X-Tocsin-Delivery let a bounce find its row.
//
// State: one delivery row per target in the organization (message id = the outreach record's id, seq = the
// target's position in the outreach's `targets`, no person: the target is not a supporter), written
// `queued` for every target at once, then each asked gate.dispatch right before its hand-over (a refusal is
// written with its reason code) — a target without an email address gets the row `suppressed` with reason
// `no_email_address`. The API shows the rows on the outreach (`tocsin:deliveries`, deliveries_json).
// One worker thread; a failed hand-over is not retried. Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "actions/letter.h"
#include "core/serial_worker.h"
#include "messaging/compose.h"
#include "messaging/dispatcher.h"

namespace tocsin::messaging {

struct TargetLetter {
  std::string org_id, record_id;         // the outreach
  std::string campaign_title, page_url;  // named in the closing line
  std::string supporter_name, supporter_email, postal_code;
  std::string subject, body;  // as the supporter sent them
  std::vector<actions::LetterTarget> targets;
};

class LetterDelivery {
 public:
  LetterDelivery(Dispatcher::Deps deps, MailLinks links);
  ~LetterDelivery();
  LetterDelivery(const LetterDelivery&) = delete;
  LetterDelivery& operator=(const LetterDelivery&) = delete;

  void start();
  void stop();

  // Queues the letters of one outreach (after the outreach is durable).
  void send(TargetLetter letter);

 private:
  void work(const TargetLetter& letter);

  Dispatcher::Deps deps_;
  MailLinks links_;
  SerialWorker<TargetLetter> worker_{[this](const TargetLetter& l) { work(l); }};  // last
};

// The email's text: the letter, the signature block and the closing line (screening reads the letter only).
std::string letter_text(const TargetLetter& l, const std::string& org_name);

// `tocsin:deliveries` of an outreach: one object per target, in the order of its `targets` — target (its
// line), email, state, reason, handed_at —, from the delivery rows; a target without a row yet is
// "queued". A JSON array.
std::string deliveries_json(store::OrgScope& scope, const std::string& record_id,
                            const std::vector<actions::LetterTarget>& targets);

}  // namespace tocsin::messaging

// The email that invites a staff member to an organization's console (staff/invitation.h, docs/CONSOLE.md
// "Invitations"): one transactional message through the one gate as policy::MessageKind::kStaffInvitation
// (organization not suspended, From a verified sending domain of the organization — `no-reply@` its first
// verified one —, platform suppressions and erasure stubs honoured; not the address's consent status, which
// concerns supporters, nor caps: docs/POLICY.md "Staff invitation").
//
// plan() is the gate's answer now, without side effects, so the team page can say at once why an invitation
// cannot be sent (and store nothing). send() queues the email for this object's one worker thread, which
// writes its delivery row in the organization (message id = the invitation's delivery id, seq 0, no person:
// the recipient is not a supporter) `queued`, asks gate.dispatch right before the hand-over (a refusal is
// written with its reason code), writes `handing`, builds and DKIM-signs the message and records the
// transport's answer. Unlike compose_email (messaging/compose.h) the message has no unsubscribe link or
// List-Unsubscribe header: there is no subscription to leave; it does carry the signed VERP bounce address,
// Message-ID and X-Tocsin-Delivery, so a bounce finds its row. A failed hand-over is not retried: the owner
// invites again. Thread-safe.
#pragma once

#include <string>

#include "core/serial_worker.h"
#include "messaging/compose.h"
#include "messaging/dispatcher.h"
#include "policy/decision.h"

namespace tocsin::messaging {

struct InvitationLetter {
  std::string org_id, address;  // address normalized
  std::string role, inviter_email;
  std::string link;         // {public_url}/admin/invite/{token}
  std::string delivery_id;  // staff::Invitation::delivery_id
};

class StaffInvitationMail {
 public:
  StaffInvitationMail(Dispatcher::Deps deps, MailLinks links);
  ~StaffInvitationMail();
  StaffInvitationMail(const StaffInvitationMail&) = delete;
  StaffInvitationMail& operator=(const StaffInvitationMail&) = delete;

  void start();
  void stop();

  // The gate's answer about an invitation from `org_id` to `address` now (the From domain it would use).
  policy::Decision plan(const std::string& org_id, const std::string& address) const;

  // Queues the email (after the invitation is durable).
  void send(InvitationLetter letter);

  const std::string& public_url() const { return links_.public_url; }

 private:
  void work(const InvitationLetter& letter);

  Dispatcher::Deps deps_;
  MailLinks links_;
  SerialWorker<InvitationLetter> worker_{[this](const InvitationLetter& l) { work(l); }};  // last
};

}  // namespace tocsin::messaging

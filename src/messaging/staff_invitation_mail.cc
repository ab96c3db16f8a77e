#include "messaging/staff_invitation_mail.h"

#include <spdlog/spdlog.h>

#include "core/html_escape.h"
#include "email/bounce_address.h"
#include "email/dkim_signer.h"
#include "email/message_builder.h"
#include "messaging/org_sender.h"
#include "messaging/smtp_rejection.h"

namespace tocsin::messaging {
namespace {

using store::DeliveryRow;
using store::DeliveryState;

// Fixed text; the organization's name, the role, the inviter and the link are the only values in it.
email::RenderedEmail letter_of(const InvitationLetter& l, const OrgSender& s) {
  email::RenderedEmail e;
  e.from_address = "no-reply@" + s.from_domain;
  e.from_name = s.org_name;
  e.to_address = l.address;
  e.subject = "You are invited to " + s.org_name + "'s console on tocsin";
  const std::string who = l.inviter_email.empty() ? std::string("An owner") : l.inviter_email;
  e.text = who + " invited you to join " + s.org_name + " as " + l.role +
           " in its tocsin console.\n\nAccept the invitation (the link works once, for 7 days):\n" + l.link +
           "\n\nIf you did not expect this, ignore this message: nothing happens unless you accept.\n";
  e.html = "<p>" + escape_html(who) + " invited you to join <strong>" + escape_html(s.org_name) +
           "</strong> as " + escape_html(l.role) + " in its tocsin console.</p><p><a href=\"" +
           escape_html(l.link) +
           "\">Accept the invitation</a> (the link works once, for 7 days).</p><p>If you did not expect "
           "this, ignore this message: nothing happens unless you accept.</p>";
  return e;
}

}  // namespace

StaffInvitationMail::StaffInvitationMail(Dispatcher::Deps deps, MailLinks links)
    : deps_(deps), links_(std::move(links)) {}

StaffInvitationMail::~StaffInvitationMail() {
  stop();
}

void StaffInvitationMail::start() {
  worker_.start();
}

void StaffInvitationMail::stop() {
  worker_.stop();
}

policy::Decision StaffInvitationMail::plan(const std::string& org_id, const std::string& address) const {
  auto s = org_sender(deps_.directory, org_id);
  if (!s) return policy::Decision::refuse(policy::Reason::kOrgUnknown);
  policy::Recipient to{address, deps_.directory.hasher().hash(Channel::kEmail, address), std::nullopt};
  policy::Decision d = deps_.gate.gate().plan(
      policy::OutboundEmail{org_id, to, policy::MessageKind::kStaffInvitation, s->from_domain});
  // The gate's sentence speaks of "the From domain"; with none at all, say what to do.
  if (d.reason == policy::Reason::kSenderDomainUnverified && s->from_domain.empty())
    d.sentence += " The organization has no verified sending domain yet: add and verify one in Settings.";
  return d;
}

void StaffInvitationMail::send(InvitationLetter letter) {
  worker_.push(std::move(letter));
}

void StaffInvitationMail::work(const InvitationLetter& l) {
  auto s = org_sender(deps_.directory, l.org_id);
  if (!s) return;
  auto scope = deps_.store.scope(l.org_id);
  auto record = [&](const DeliveryRow& r) {
    if (auto w = scope.put_deliveries({r}); !w)
      spdlog::error("staff invitation {}: cannot record the delivery: {}", l.delivery_id, w.error().message);
  };
  DeliveryRow r;
  r.message_id = l.delivery_id;
  r.seq = 0;
  r.channel = Channel::kEmail;
  r.address = l.address;
  r.contact = deps_.directory.hasher().hash(Channel::kEmail, l.address);
  r.next_at = r.updated = now_micros();
  r.state = DeliveryState::kQueued;
  if (!deps_.email) {
    r.reason = "no email transport is configured";
    return record(r);
  }
  policy::Recipient to{r.address, r.contact, std::nullopt};
  auto out = deps_.gate.gate().dispatch(
      policy::OutboundEmail{l.org_id, to, policy::MessageKind::kStaffInvitation, s->from_domain});
  const policy::Decision& d = out.decision;
  if (!d.sends()) {
    r.state = d.kind == policy::Kind::kBlock ? DeliveryState::kBlocked : DeliveryState::kSuppressed;
    r.reason = std::string(policy::reason_name(d.reason));
    spdlog::info("staff invitation {} not sent: {} ({})", l.delivery_id, r.reason, d.sentence);
    return record(r);
  }
  r.state = DeliveryState::kHanding;
  record(r);

  email::RenderedEmail e = letter_of(l, *s);
  const email::DeliveryRef ref{r.message_id, r.seq};
  std::string plain = ref.message_id + "." + std::to_string(ref.seq);
  std::string envelope_from = "bounces+" + plain + "@" + links_.mail_domain;
  e.message_id = plain + "@" + links_.mail_domain;
  std::string delivery_header = ref.message_id + ":" + std::to_string(ref.seq);
  if (links_.delivery_tokens) {  // signed names, so a bounce finds this row (docs/MAIL.md)
    const auto& dt = *links_.delivery_tokens;
    if (auto v = email::bounce_address(dt, links_.mail_domain, ref)) envelope_from = *v;
    if (auto v = email::delivery_message_id(dt, links_.mail_domain, ref)) e.message_id = *v;
    if (auto v = email::delivery_header_value(dt, ref)) delivery_header = *v;
  }
  e.extra_headers.push_back({std::string(email::kDeliveryHeader), delivery_header});
  auto built = email::build_message(e, now_micros());
  email::Handover h{email::Handover::Outcome::kRejected, 0, built ? "" : built.error().message};
  if (built) {
    std::string data = std::move(built).value();
    if (s->signer)
      if (auto sig = s->signer->sign(data)) data = sig.value() + data;
    h = deps_.email->send(*out.cleared, envelope_from, data);
  }
  r.updated = now_micros();
  if (h.outcome == email::Handover::Outcome::kAccepted) {
    r.state = DeliveryState::kHandedOver;
    r.handed_at = r.updated;
  } else if (built && h.outcome == email::Handover::Outcome::kRejected) {
    SmtpRejection rejection = classify_rejection(h.detail);
    r.state = rejection.state;
    r.reason = rejection.reason;
  } else {
    r.state = DeliveryState::kFailed;
    r.reason = h.detail;
  }
  record(r);
}

}  // namespace tocsin::messaging

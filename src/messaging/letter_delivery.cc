#include "messaging/letter_delivery.h"

#include <spdlog/spdlog.h>

#include <map>

#include "core/json_out.h"
#include "email/bounce_address.h"
#include "email/dkim_signer.h"
#include "email/message_builder.h"
#include "messaging/org_sender.h"
#include "messaging/sms_receipts.h"
#include "messaging/smtp_rejection.h"

namespace tocsin::messaging {
namespace {

using store::DeliveryRow;
using store::DeliveryState;

// A header value from what a supporter typed: control characters (a line break above all) become spaces.
std::string header_safe(std::string v) {
  for (char& c : v)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  return v;
}

}  // namespace

std::string letter_text(const TargetLetter& l, const std::string& org_name) {
  std::string t = l.body;
  while (!t.empty() && (t.back() == '\n' || t.back() == ' ')) t.pop_back();
  t += "\n\n" + l.supporter_name;
  if (!l.postal_code.empty()) t += "\n" + l.postal_code;
  t += "\n\n--\nSent by " + l.supporter_name + " <" + l.supporter_email + "> through " + org_name +
       "'s campaign \"" + l.campaign_title + "\" (" + l.page_url + "). Reply to this email to answer " +
       l.supporter_name + ".\n";
  return t;
}

LetterDelivery::LetterDelivery(Dispatcher::Deps deps, MailLinks links)
    : deps_(deps), links_(std::move(links)) {}

LetterDelivery::~LetterDelivery() {
  stop();
}

void LetterDelivery::start() {
  worker_.start();
}

void LetterDelivery::stop() {
  worker_.stop();
}

void LetterDelivery::send(TargetLetter letter) {
  worker_.push(std::move(letter));
}

void LetterDelivery::work(const TargetLetter& l) {
  auto s = org_sender(deps_.directory, l.org_id);
  if (!s) return;
  auto scope = deps_.store.scope(l.org_id);
  auto record = [&](const std::vector<DeliveryRow>& rows) {
    if (auto w = scope.put_deliveries(rows); !w)
      spdlog::error("letters of outreach {}: cannot record the deliveries: {}", l.record_id,
                    w.error().message);
  };
  // Every target's row first, so the outreach shows at once what will happen to each.
  std::vector<DeliveryRow> rows;
  for (size_t i = 0; i < l.targets.size(); ++i) {
    DeliveryRow r;
    r.message_id = l.record_id;
    r.seq = static_cast<int64_t>(i);
    r.channel = Channel::kEmail;
    r.next_at = r.updated = now_micros();
    r.address = l.targets[i].email;
    if (r.address.empty()) {
      r.state = DeliveryState::kSuppressed;
      r.reason = "no_email_address";
    } else {
      r.contact = deps_.directory.hasher().hash(Channel::kEmail, r.address);
      r.state = DeliveryState::kQueued;
      if (!deps_.email) r.reason = "no email transport is configured";
    }
    rows.push_back(std::move(r));
  }
  record(rows);
  if (!deps_.email) return;

  const std::string text = letter_text(l, s->org_name);
  const std::string from_name = header_safe(l.supporter_name);
  const std::string subject = header_safe(l.subject.empty() ? l.campaign_title : l.subject);
  auto content = std::make_shared<policy::EmailContent>();
  content->from_name = from_name;
  content->subject = subject;
  // Screened: the letter as the supporter wrote it (docs/POLICY.md "Letters to targets"), as plain text.
  // Not the closing line tocsin adds, whose link is the installation's own page (a bare IP address on a
  // test or intranet installation, which the link rules would take for the supporter's).
  content->body_html = l.body;
  content->from_address = "no-reply@" + s->from_domain;

  for (DeliveryRow& r : rows) {
    if (r.state != DeliveryState::kQueued) continue;
    policy::Recipient to{r.address, r.contact, std::nullopt};
    policy::OutboundEmail m{l.org_id, to, policy::MessageKind::kLetterToTarget, s->from_domain, content};
    auto out = deps_.gate.gate().dispatch(m);
    const policy::Decision& d = out.decision;
    r.updated = now_micros();
    if (!d.sends()) {
      r.state = d.kind == policy::Kind::kBlock ? DeliveryState::kBlocked : DeliveryState::kSuppressed;
      r.reason = std::string(policy::reason_name(d.reason));
      spdlog::info("letter of outreach {} to target {} not sent: {} ({})", l.record_id, r.seq, r.reason,
                   d.sentence);
      record({r});
      continue;
    }
    r.state = DeliveryState::kHanding;
    record({r});

    email::RenderedEmail e;
    e.from_address = content->from_address;
    e.from_name = from_name;
    e.reply_to = l.supporter_email;
    e.to_address = r.address;
    e.to_name = header_safe(l.targets[static_cast<size_t>(r.seq)].line);
    e.subject = subject;
    e.text = text;
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
    r.reason.clear();
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
    record({r});
  }
}

std::string deliveries_json(store::OrgScope& scope, const std::string& record_id,
                            const std::vector<actions::LetterTarget>& targets) {
  std::map<int64_t, DeliveryRow> rows;
  if (auto s = scope.for_each_delivery(record_id,
                                       [&](const DeliveryRow& r) {
                                         rows[r.seq] = r;
                                         return true;
                                       });
      !s)
    spdlog::warn("outreach {}: cannot read its deliveries: {}", record_id, s.error().message);
  JsonOut j;
  j.begin_array();
  for (size_t i = 0; i < targets.size(); ++i) {
    j.begin().kv("target", targets[i].line);
    if (!targets[i].email.empty()) j.kv("email", targets[i].email);
    auto it = rows.find(static_cast<int64_t>(i));
    if (it == rows.end()) {
      j.kv("state", targets[i].email.empty() ? "suppressed" : "queued");
      if (targets[i].email.empty()) j.kv("reason", "no_email_address");
    } else {
      j.kv("state", delivery_state_name(it->second.state));
      if (!it->second.reason.empty()) j.kv("reason", it->second.reason);
      if (it->second.handed_at) j.kv("handed_at", format_iso8601(it->second.handed_at));
    }
    j.end();
  }
  j.end_array();
  return j.take();
}

}  // namespace tocsin::messaging

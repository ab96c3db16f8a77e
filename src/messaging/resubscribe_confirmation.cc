#include "messaging/resubscribe_confirmation.h"

#include <spdlog/spdlog.h>

#include "core/doc_fields.h"
#include "core/ids.h"
#include "core/json_out.h"
#include "email/dkim_signer.h"
#include "messaging/planner.h"
#include "messaging/processor_disclosures.h"
#include "messaging/smtp_rejection.h"
#include "people/subscribe_rule.h"

namespace tocsin::messaging {
namespace {

using store::DeliveryRow;
using store::DeliveryState;

// The stored pending confirmation of one address (organization document, id = the keyed hash in hex).
struct Record {
  std::string confirmation_id, person_id, address;
  Micros requested = 0, confirmed = 0;
};

std::string encode(const Record& r) {
  JsonOut o;
  o.begin()
      .kv("confirmation_id", r.confirmation_id)
      .kv("person_id", r.person_id)
      .kv("address", r.address)
      .kv("requested", r.requested)
      .kv("confirmed", r.confirmed);
  return o.end().take();
}

std::optional<Record> decode(std::string_view doc) {
  thread_local simdjson::dom::parser parser;
  auto root = parse_doc(doc, parser, "re-subscription confirmation");
  if (!root) return std::nullopt;
  DocFields f(root.value());
  return Record{f.str("confirmation_id"), f.str("person_id"), f.str("address"), f.integer("requested"),
                f.integer("confirmed")};
}

store::OrgDoc as_doc(const ContactHash& h, const Record& r) {
  return {std::string(kResubscribeKind), to_hex(h), encode(r)};
}

// Fixed text; the organization's name and the link are merge values, so the renderer escapes them.
constexpr const char* kSubject = "Please confirm: email from {{org_name}} again?";
constexpr const char* kBody =
    "<p>Someone asked to receive email from {{org_name}} again at this address. You unsubscribed from "
    "(or stopped receiving) their email before, so nothing changes unless you confirm.</p>"
    "<p><a href=\"{{confirm_url}}\">Yes, send me email from {{org_name}} again</a></p>"
    "<p>If this was not you, ignore this message: you stay unsubscribed. The link works for 7 days.</p>";

// What one confirmation needs from the organization's state, read under its lock; nullopt when there is
// nothing to confirm any more (person gone, address changed, no longer opted out).
struct Snapshot {
  ContactHash contact{};
  std::optional<std::string> zip;
  MergeValues values;
  MailContent content;
  std::string from_domain;
  std::optional<email::DkimSigner> signer;
};

std::optional<Snapshot> snapshot(const people::OrgState& org, const std::string& person_id,
                                 const std::string& address) {
  std::shared_lock lock(org.mu);
  const Person* p = org.find_person(person_id);
  if (!p || p->email != address) return std::nullopt;
  Snapshot s;
  s.contact = org.hasher->hash(Channel::kEmail, address);
  if (!people::is_opt_out(org.status_of(s.contact))) return std::nullopt;
  s.zip = zip_of(*p);
  s.values = merge_values(*p);
  s.values.fields["org_name"] = org.org.name;
  // From: the organization's first verified sending domain (the gate refuses if there is none).
  for (const auto& [name, d] : org.messaging.domains()) {
    if (!d.verified_at) continue;
    s.from_domain = name;
    if (auto signer = email::DkimSigner::make(d.signing_domain(), d.selector, d.private_key_pem))
      s.signer.emplace(std::move(signer).value());
    break;
  }
  MailContent& c = s.content;
  c.subject = kSubject;
  c.body_html = kBody;
  c.from_name = org.org.name;
  c.from_address = "no-reply@" + (s.from_domain.empty() ? std::string("invalid") : s.from_domain);
  c.postal_address = org.messaging.settings().postal_address;
  return s;
}

Error not_valid() {
  return not_found("this confirmation link is not valid or has expired");
}

}  // namespace

ResubscribeConfirmations::ResubscribeConfirmations(Dispatcher::Deps deps, MailLinks links,
                                                   const email::UnsubscribeTokens& tokens)
    : deps_(deps), links_(std::move(links)), tokens_(tokens) {}

ResubscribeConfirmations::~ResubscribeConfirmations() {
  stop();
}

void ResubscribeConfirmations::start() {
  worker_.start();
}

void ResubscribeConfirmations::stop() {
  worker_.stop();
}

void ResubscribeConfirmations::request(const std::string& org_id, const std::string& person_id,
                                       const std::string& address) {
  worker_.push({org_id, person_id, address});
}

void ResubscribeConfirmations::work(const Job& job) {
  auto* org = deps_.directory.find(job.org_id);
  if (!org) return;
  auto snap = snapshot(*org, job.person_id, job.address);
  if (!snap) return;
  auto scope = deps_.store.scope(job.org_id);
  Micros now = now_micros();
  auto stored = deps_.store.org_doc(job.org_id, kResubscribeKind, to_hex(snap->contact));
  if (!stored) {
    spdlog::error("re-subscription confirmation: {}", stored.error().message);
    return;
  }
  if (stored.value())
    if (auto r = decode(stored.value()->doc);
        r && !r->confirmed && now - r->requested < kResubscribeResendAfter)
      return;  // one pending confirmation per address and organization: no second mail within a day

  Record rec{new_uuid(), job.person_id, job.address, now, 0};
  auto token = tokens_.issue({job.org_id, job.person_id, rec.confirmation_id});
  if (!token) {
    spdlog::error("re-subscription confirmation: {}", token.error().message);
    return;
  }
  snap->values.fields["confirm_url"] = links_.public_url + "/resubscribe/" + token.value();
  deps_.committer.run_sync([&](store::WriteBatch& b) {
    b.for_org(job.org_id).add(store::op::PutDoc{as_doc(snap->contact, rec)});
    return std::function<void()>{};
  });

  DeliveryRow r;
  r.message_id = rec.confirmation_id;
  r.seq = 0;
  r.person_id = job.person_id;
  r.channel = Channel::kEmail;
  r.address = job.address;
  r.contact = snap->contact;
  r.next_at = r.updated = now;
  r.state = DeliveryState::kQueued;
  if (!deps_.email) {
    r.reason = "no email transport is configured";
    if (auto s = scope.put_deliveries({r}); !s)
      spdlog::error("re-subscription confirmation: {}", s.error().message);
    return;
  }
  policy::Recipient to{r.address, r.contact, snap->zip};
  auto out = deps_.gate.gate().dispatch(policy::OutboundEmail{
      job.org_id, to, policy::MessageKind::kResubscribeConfirmation, snap->from_domain});
  const policy::Decision& d = out.decision;
  if (!d.sends()) {
    r.state = d.kind == policy::Kind::kBlock ? DeliveryState::kBlocked : DeliveryState::kSuppressed;
    r.reason = std::string(policy::reason_name(d.reason));
    spdlog::info("re-subscription confirmation {} not sent: {} ({})", rec.confirmation_id, r.reason,
                 d.sentence);
    if (auto s = scope.put_deliveries({r}); !s)
      spdlog::error("re-subscription confirmation: {}", s.error().message);
    return;
  }
  r.state = DeliveryState::kHanding;
  if (auto s = scope.put_deliveries({r}); !s) {
    spdlog::error("re-subscription confirmation: {}", s.error().message);
    return;
  }
  auto composed = compose_email(links_, snap->content, snap->signer ? &*snap->signer : nullptr, job.org_id,
                                r.person_id, r.address, {r.message_id, r.seq}, snap->values, now);
  email::Handover h{email::Handover::Outcome::kRejected, 0, composed ? "" : composed.error().message};
  if (composed) h = deps_.email->send(*out.cleared, composed->envelope_from, composed->data);
  r.updated = now_micros();
  if (h.outcome == email::Handover::Outcome::kAccepted) {
    r.state = DeliveryState::kHandedOver;
    r.handed_at = r.updated;
    if (deps_.disclosures)
      deps_.disclosures->one_off(job.org_id, Channel::kEmail, r.person_id, "re-subscription confirmation");
  } else if (composed && h.outcome == email::Handover::Outcome::kRejected) {
    SmtpRejection rejection = classify_rejection(h.detail);
    r.state = rejection.state;
    r.reason = rejection.reason;
  } else {
    r.state = DeliveryState::kFailed;
    r.reason = h.detail;
  }
  if (auto s = scope.put_deliveries({r}); !s)
    spdlog::error("re-subscription confirmation {}: cannot record the outcome: {}", rec.confirmation_id,
                  s.error().message);
}

Result<PendingResubscribe> ResubscribeConfirmations::check(std::string_view token) const {
  auto claim = tokens_.verify(token);
  if (!claim) return not_valid();
  auto* org = deps_.directory.find(claim->org_id);
  if (!org) return not_valid();
  std::string address;
  ContactHash contact{};
  {
    std::shared_lock lock(org->mu);
    const Person* p = org->find_person(claim->person_id);
    if (!p || !p->email) return not_valid();
    address = *p->email;
    contact = org->hasher->hash(Channel::kEmail, address);
  }
  auto stored = deps_.store.org_doc(claim->org_id, kResubscribeKind, to_hex(contact));
  if (!stored) return stored.error();
  if (!stored.value()) return not_valid();
  auto r = decode(stored.value()->doc);
  if (!r || r->confirmation_id != claim->message_id || r->person_id != claim->person_id ||
      r->address != address || r->confirmed || now_micros() - r->requested > kResubscribeLinkLifetime)
    return not_valid();
  return PendingResubscribe{claim->org_id, claim->person_id, address, r->confirmation_id, r->requested};
}

Result<PendingResubscribe> ResubscribeConfirmations::confirm(std::string_view token, consent::Evidence ev) {
  auto pending = check(token);
  if (!pending) return pending.error();
  auto* org = deps_.directory.find(pending->org_id);
  if (!org) return not_valid();
  const PendingResubscribe& p = pending.value();
  ev.actor = "recipient";  // the signed link in the mail to the address is the credential
  // The token is spent by this confirmation, so it no longer opens anything: it is the evidence of the click.
  ev.source = links_.public_url + "/resubscribe/" + std::string(token);
  ev.method = "re-subscription confirmed by the address's owner (confirmation " + p.confirmation_id +
              " emailed " + format_iso8601(p.requested) + ")";
  bool spent = false;
  deps_.committer.run_sync([&](store::WriteBatch& b) {
    auto w = b.for_org(p.org_id);
    std::unique_lock lock(org->mu);
    Micros now = now_micros();
    const Person* person = org->find_person(p.person_id);
    if (!person || person->email != p.address) return std::function<void()>{};
    ContactHash h = org->hasher->hash(Channel::kEmail, p.address);
    if (org->status_of(h) != consent::Status::kSubscribed)
      org->record_status(w, Channel::kEmail, p.address, p.person_id, consent::Status::kSubscribed, ev, now);
    w.add(store::op::PutDoc{as_doc(h, Record{p.confirmation_id, p.person_id, p.address, p.requested, now})});
    spent = true;
    return std::function<void()>{};
  });
  if (!spent) return not_valid();
  return pending;
}

}  // namespace tocsin::messaging

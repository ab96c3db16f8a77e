// The rules, in the order they are asked. The first rule that does not pass decides; the order puts what
// the organization must fix (blocks) before what concerns the recipient (suppressions) before what only
// delays (defers), so a blast preview counts each recipient under the most actionable reason.
#include "policy/gate.h"

#include <cctype>

#include "core/metrics.h"
#include "people/directory.h"
#include "policy/quiet_hours.h"
#include "policy/sms_content.h"
#include "policy/sms_recipient.h"
#include "policy/sms_segments.h"

namespace tocsin::policy {
namespace {

// Every verdict of plan and dispatch, counted by stage, kind and reason (tocsin_gate_verdicts_total).
Decision counted(std::string_view stage, Decision d) {
  metrics::process().gate_verdicts.at({stage, kind_name(d.kind), reason_name(d.reason)}).inc();
  return d;
}

constexpr Micros kConfirmationWindow = int64_t{5} * 60 * 1'000'000;  // SMS-R3: within 5 minutes

std::optional<Decision> org_rule(const OrgMessaging* org) {
  if (!org) return Decision::refuse(Reason::kOrgUnknown);
  if (org->suspended)
    return Decision::refuse(Reason::kOrgSuspended,
                            org->suspended_reason.empty() ? "" : "Reason: " + org->suspended_reason);
  if (!org->evidence_overdue.empty())
    return Decision::refuse(Reason::kEvidenceOverdue, org->evidence_overdue);
  return std::nullopt;
}

// A sending domain the platform operator disabled refuses every mail from it, tocsin's own confirmations
// included (they carry the domain's name and DKIM signature too).
std::optional<Decision> domain_rule(const OrgMessaging& org, const std::string& from_domain) {
  if (org.disabled_email_domains.empty()) return std::nullopt;
  auto it = org.disabled_email_domains.find(lower_ascii(from_domain));
  if (it == org.disabled_email_domains.end()) return std::nullopt;
  return Decision::refuse(Reason::kDomainDisabled, "Reason: " + it->second);
}

// Bulk-sender authentication (EM-G2, EM-Y1, EM-M1): blasts from a domain whose last check found no valid
// DMARC record, or one that does not align with tocsin's signature, are refused. The fact is the stored
// verdict of `tocsin domain verify` (messaging/settings.h), so no recipient waits for DNS.
std::optional<Decision> dmarc_rule(const OrgMessaging& org, const std::string& from_domain) {
  if (org.dmarc_unmet_email_domains.empty()) return std::nullopt;
  auto it = org.dmarc_unmet_email_domains.find(lower_ascii(from_domain));
  if (it == org.dmarc_unmet_email_domains.end()) return std::nullopt;
  return Decision::refuse(it->second.misaligned ? Reason::kDmarcMisaligned : Reason::kDmarcMissing,
                          it->second.detail);
}

std::optional<Decision> restriction_rule(const OrgMessaging& org, const ContactHash& contact) {
  if (!org.restricted.empty() && org.restricted.count(contact)) return Decision::refuse(Reason::kRestricted);
  return std::nullopt;
}

// `past_org_opt_out`: the HELP answer goes past an opt-out of the organization (find() reports platform and
// erasure before org suppressions, so an org hit means there is no other).
std::optional<Decision> suppression_rule(const SuppressionFacts& facts, const std::string& org_id,
                                         const ContactHash& contact, bool past_org_opt_out = false) {
  auto hit = facts.find(org_id, contact);
  if (!hit || (past_org_opt_out && hit->scope == SuppressionScope::kOrg)) return std::nullopt;
  switch (hit->scope) {
    case SuppressionScope::kPlatform:
      return Decision::refuse(Reason::kPlatformSuppressed);
    case SuppressionScope::kErased:
      return Decision::refuse(Reason::kErasedContact);
    case SuppressionScope::kOrg:
      return Decision::refuse(Reason::kOrgSuppressed);
  }
  return std::nullopt;
}

std::optional<Decision> status_rule(consent::Status s) {
  using consent::Status;
  switch (s) {
    case Status::kSubscribed:
      return std::nullopt;
    case Status::kNone:
    case Status::kUnsubscribed:
      return Decision::refuse(Reason::kNotSubscribed);
    case Status::kBouncing:
      return Decision::refuse(Reason::kBouncing);
    case Status::kPreviousBounce:
      return Decision::refuse(Reason::kPreviousBounce);
    case Status::kSpamComplaint:
      return Decision::refuse(Reason::kSpamComplaint);
    case Status::kPreviousSpamComplaint:
      return Decision::refuse(Reason::kPreviousSpamComplaint);
  }
  return Decision::refuse(Reason::kNotSubscribed);
}

// Purpose limitation and the special-category basis (consent/scope.h), for blasts to a subscribed address.
std::optional<Decision> scope_rule(const consent::ConsentScope& scope, const BlastScope& blast) {
  if (!scope.covers(blast.purpose)) {
    std::string detail = "The blast is for ";
    detail += blast.purpose.empty() ? std::string("no declared purpose (a general message)")
                                    : "\"" + blast.purpose + "\"";
    detail += "; the consent covers ";
    for (size_t i = 0; i < scope.purposes.size(); ++i)
      detail += (i ? ", \"" : "\"") + scope.purposes[i] + "\"";
    return Decision::refuse(Reason::kPurposeNotConsented, detail + ".");
  }
  if (blast.special_category && !consent::covers_special_category(scope.basis))
    return Decision::refuse(
        Reason::kSpecialCategoryBasisMissing,
        "The consent rests on " + std::string(consent::legal_basis_name(scope.basis)) + ".");
  return std::nullopt;
}

bool blank(std::string_view s) {
  for (char c : s)
    if (!std::isspace(static_cast<unsigned char>(c))) return false;
  return true;
}

std::optional<Decision> number_rule(const std::string& number) {
  switch (classify_number(number, "US")) {
    case NumberClass::kTextable:
      return std::nullopt;
    case NumberClass::kInvalid:
      return Decision::refuse(Reason::kInvalidNumber);
    case NumberClass::kEmergency:
      return Decision::refuse(Reason::kEmergencyNumber);
    case NumberClass::kShort:
      return Decision::refuse(Reason::kShortNumber);
    case NumberClass::kPremiumRate:
      return Decision::refuse(Reason::kPremiumRateNumber);
  }
  return Decision::refuse(Reason::kInvalidNumber);
}

std::optional<Decision> sender_rule(const OrgMessaging& org, const OutboundSms& m) {
  auto it = org.sms_senders.find(m.sender);
  if (it == org.sms_senders.end()) return Decision::refuse(Reason::kSenderUnknown);
  const SmsSender& s = it->second;
  // The platform operator's lever stops every text from the number, answers included: a number taken down
  // for abuse sends nothing (the opt-out itself is still recorded when a STOP arrives).
  if (!s.disabled_reason.empty())
    return Decision::refuse(Reason::kSenderDisabled, "Reason: " + s.disabled_reason);
  // The opt-out-rate breaker pauses bulk texts only: what a person asked for (HELP, the STOP confirmation,
  // a reply) still goes.
  if (m.kind == MessageKind::kBlast && !s.blasts_paused_reason.empty())
    return Decision::refuse(Reason::kSenderOptOutRate, s.blasts_paused_reason);
  if (s.type == SenderType::kLongCode) {
    if (m.marketing) return Decision::refuse(Reason::kLongCodeBulk, "This message is marked marketing.");
    if (m.blast_recipients > org.long_code_max_recipients)
      return Decision::refuse(Reason::kLongCodeBulk, "The blast has " + std::to_string(m.blast_recipients) +
                                                         " recipients; the limit is " +
                                                         std::to_string(org.long_code_max_recipients) + ".");
    return std::nullopt;
  }
  if (!s.registered) return Decision::refuse(Reason::kSenderUnregistered);
  return std::nullopt;
}

// Text rules shared by every SMS, the opt-out confirmation included.
std::optional<Decision> text_rule(const OrgMessaging& org, const OutboundSms& m) {
  SegmentCount seg = count_segments(m.body);
  if (!seg.valid_utf8) return Decision::refuse(Reason::kInvalidText);
  if (!names_brand(m.body, org.brand_name)) return Decision::refuse(Reason::kBrandMissing);
  if (seg.segments > org.max_segments)
    return Decision::refuse(Reason::kTooManySegments, "It needs " + std::to_string(seg.segments) +
                                                          " segments; the limit is " +
                                                          std::to_string(org.max_segments) + ".");
  return std::nullopt;
}

std::optional<Decision> quiet_hours_rule(const Recipient& to, Micros now) {
  Whereabouts where = locate_recipient(to.address, to.zip);
  if (where.zones.empty()) return Decision::refuse(Reason::kTimeZoneUnknown);
  auto open = next_window_open(where, now);
  if (!open) return Decision::refuse(Reason::kNoSendingWindow);
  if (*open > now)
    return Decision::defer(Reason::kQuietHours, *open, "The window opens at " + format_iso8601(*open) + ".");
  return std::nullopt;
}

std::string finding_detail(const content::Screening& s) {
  const content::Finding* f = s.decisive();
  if (!f) return {};
  return f->code + " in the " + std::string(content::part_name(f->part)) + " at \"" + f->excerpt +
         "\": " + f->sentence;
}

}  // namespace

content::Screening Gate::screen(const std::string& org_id, const content::Content& c) const {
  auto org = facts_.orgs.messaging(org_id);
  if (!screener_ || !org) {
    content::Screening none;
    none.spam_note = "content screening is not configured on this process";
    return none;
  }
  content::OrgContext ctx{&org->verified_email_domains, &org->verified_entities, &org->age_gated_content};
  return screener_->screen(c, ctx);
}

// One memo per thread: the last content judged, for which screener, organization settings object and
// blocklist generation (the memo holds the first two, so their addresses cannot be reused meanwhile). A blast
// asks about the same content recipient after recipient; comparing it costs a string compare, screening it
// again would cost the whole rule family.
std::optional<Decision> Gate::content_rule(const OrgMessaging& org,
                                           const std::shared_ptr<const OrgMessaging>& org_ptr,
                                           const content::Content& c, bool approved) const {
  if (!screener_) return std::nullopt;
  struct Memo {
    std::shared_ptr<const content::Screener> screener;
    std::shared_ptr<const OrgMessaging> org;
    uint64_t generation = 0;
    bool sms = false, html = false;
    std::string from, subject, body, from_address;
    content::Screening result;
  };
  thread_local Memo memo;
  uint64_t generation = screener_->generation();
  if (memo.screener != screener_ || memo.org != org_ptr || memo.generation != generation ||
      memo.sms != c.sms || memo.html != c.html || memo.from != c.from_name || memo.subject != c.subject ||
      memo.body != c.body || memo.from_address != c.from_address) {
    content::OrgContext ctx{&org.verified_email_domains, &org.verified_entities, &org.age_gated_content};
    memo.result = screener_->screen(c, ctx);
    memo.screener = screener_;
    memo.org = org_ptr;
    memo.generation = generation;
    memo.sms = c.sms;
    memo.html = c.html;
    memo.from.assign(c.from_name);
    memo.subject.assign(c.subject);
    memo.body.assign(c.body);
    memo.from_address.assign(c.from_address);
  }
  const auto& s = memo.result;
  if (s.verdict == content::Verdict::kBlock)
    return Decision::refuse(Reason::kContentBlocked, finding_detail(s));
  if (s.verdict == content::Verdict::kHold && !approved)
    return Decision::refuse(Reason::kContentHeld, finding_detail(s));
  return std::nullopt;
}

Decision Gate::cap(const std::string& org_id, Channel channel, const ContactHash& contact,
                   const FrequencyCap& c, Stage stage, Micros now) const {
  auto until = stage == Stage::kDispatch ? facts_.sends.try_record(org_id, channel, contact, c, now)
                                         : facts_.sends.would_exceed(org_id, channel, contact, c, now);
  if (until)
    return Decision::defer(Reason::kFrequencyCap, *until,
                           std::to_string(c.max) + " messages are allowed per " +
                               std::to_string(c.window / 3'600'000'000) + " h.");
  return Decision::send();
}

// The re-subscription confirmation: the address is opted out by definition, so the status rule is turned
// around (an opt-out is required: never a first mail to a stranger's address), and an organization
// suppression (the opt-out itself, for an erased person's stub) does not stop it; platform suppressions and
// erasure stubs still do. One-off mail: no bulk pause, no cap; the one-per-address-per-day limit is the
// sender's, durable in its pending record (messaging/resubscribe_confirmation.h).
std::optional<std::string> Gate::acceptable_use_unmet(const OrgMessaging& org) const {
  if (acceptable_use_.version.empty() || org.acceptable_use_accepted == acceptable_use_.version)
    return std::nullopt;
  std::string why = "The platform's acceptable-use policy version " + acceptable_use_.version;
  if (!acceptable_use_.url.empty()) why += " (" + acceptable_use_.url + ")";
  why += org.acceptable_use_accepted.empty()
             ? " has not been accepted by the organization."
             : " has not been accepted by the organization (it accepted version " +
                   org.acceptable_use_accepted + ").";
  return why + " Accept it with POST /api/v2/tocsin:acceptable_use.";
}

Decision Gate::judge_resubscribe_confirmation(const OutboundEmail& m, const OrgMessaging& org) const {
  if (auto d = suppression_rule(facts_.suppressions, m.org_id, m.to.contact, true)) return *d;
  auto s = facts_.consent.status(m.org_id, m.to.contact);
  if (s == consent::Status::kNone || s == consent::Status::kSubscribed)
    return Decision::refuse(Reason::kResubscribeNotOptedOut);
  if (!org.verified_email_domains.count(lower_ascii(m.from_domain)))
    return Decision::refuse(Reason::kSenderDomainUnverified);
  if (blank(org.postal_address)) return Decision::refuse(Reason::kPostalAddressMissing);
  return Decision::send(Reason::kResubscribeConfirmation);
}

// The invitation of a staff member (docs/POLICY.md "Staff invitation"): the recipient is a colleague, not a
// supporter, so neither the consent status nor the organization's own opt-outs, restrictions, bulk pause,
// caps or postal-address footer concern it. What does: the organization may send at all (not suspended; an
// overdue evidence request does not stop it, since a new member may be who answers it), the From domain is
// one of its verified, enabled sending domains, and the platform's suppressions and erasure stubs, which no
// organization may override.
Decision Gate::judge_staff_invitation(const OutboundEmail& m, const OrgMessaging* org) const {
  if (!org) return Decision::refuse(Reason::kOrgUnknown);
  if (org->suspended)
    return Decision::refuse(Reason::kOrgSuspended,
                            org->suspended_reason.empty() ? "" : "Reason: " + org->suspended_reason);
  if (auto d = domain_rule(*org, m.from_domain)) return *d;
  if (auto d = suppression_rule(facts_.suppressions, m.org_id, m.to.contact, true)) return *d;
  if (!org->verified_email_domains.count(lower_ascii(m.from_domain)))
    return Decision::refuse(Reason::kSenderDomainUnverified);
  return Decision::send(Reason::kStaffInvitation);
}

// A supporter's letter to a campaign's target (docs/POLICY.md "Letters to targets"). The organization must
// be allowed to send at all (suspension, overdue evidence), the operator's levers on the domain hold, the
// letter as the supporter wrote it is screened (the supporter's words leave under the organization's
// domain), platform suppressions, erasure stubs and the target's own opt-out or complaint to this
// organization stop it, the From domain must be verified, and one target gets at most `letters_per_target_`
// letters from the organization in 24 hours. Not asked: the target's subscription (the target is not a
// supporter and the letter is not the organization's marketing), the bulk pause and the acceptable-use
// version (both concern blasts), the postal-address footer (a letter is a person's own message).
Decision Gate::judge_letter(const OutboundEmail& m, const std::shared_ptr<const OrgMessaging>& org,
                            Stage stage, Micros now) const {
  if (auto d = org_rule(org.get())) return *d;
  if (auto d = domain_rule(*org, m.from_domain)) return *d;
  if (m.content) {
    content::Content c{false, m.content->from_name,   m.content->subject, m.content->body_html,
                       false, m.content->from_address};
    if (auto d = content_rule(*org, org, c, m.content->review_approved)) return *d;
  }
  if (auto d = suppression_rule(facts_.suppressions, m.org_id, m.to.contact)) return *d;
  if (!org->verified_email_domains.count(lower_ascii(m.from_domain)))
    return Decision::refuse(Reason::kSenderDomainUnverified);
  // The letters' own count, apart from the organization's mail to the same address (an official may also
  // be a subscriber): the send log keyed under a name no organization id can take.
  const FrequencyCap per_target{letters_per_target_, int64_t{24} * 3600 * 1'000'000};
  const std::string key = m.org_id + "\x1fletters";
  auto until = stage == Stage::kDispatch
                   ? facts_.sends.try_record(key, Channel::kEmail, m.to.contact, per_target, now)
                   : facts_.sends.would_exceed(key, Channel::kEmail, m.to.contact, per_target, now);
  if (until)
    return Decision::refuse(Reason::kTargetDailyLimit,
                            std::to_string(per_target.max) + " letters already went to this target in 24 h.");
  return Decision::send(Reason::kLetterToTarget);
}

Decision Gate::judge(const OutboundEmail& m, Stage stage, Micros now) const {
  auto org = facts_.orgs.messaging(m.org_id);
  if (m.kind == MessageKind::kStaffInvitation) return judge_staff_invitation(m, org.get());
  if (m.kind == MessageKind::kLetterToTarget) {
    if (!org) return Decision::refuse(Reason::kOrgUnknown);
    return judge_letter(m, org, stage, now);
  }
  if (auto d = org_rule(org.get())) return *d;
  if (auto d = domain_rule(*org, m.from_domain)) return *d;
  if (auto d = restriction_rule(*org, m.to.contact)) return *d;
  if (m.kind == MessageKind::kResubscribeConfirmation) {
    if (is_spam_trap(m.to.address)) return Decision::refuse(Reason::kSpamTrap);
    return judge_resubscribe_confirmation(m, *org);
  }
  // The complaint-rate breaker stops bulk mail only: an autoresponse answers what the person just did.
  if (m.kind == MessageKind::kBlast && org->bulk_email_paused)
    return Decision::refuse(Reason::kBulkEmailPaused, org->bulk_email_paused_reason);
  if (m.kind == MessageKind::kBlast)
    if (auto why = acceptable_use_unmet(*org))
      return Decision::refuse(Reason::kAcceptableUseNotAccepted, *why);
  if (m.content) {
    content::Content c{false, m.content->from_name,   m.content->subject, m.content->body_html,
                       true,  m.content->from_address};
    if (auto d = content_rule(*org, org, c, m.content->review_approved)) return *d;
  }
  // A new organization's first large blasts wait for review (after the content rules: content that must be
  // fixed is said first). The operator's approval of the content releases it.
  if (m.kind == MessageKind::kBlast)
    if (auto d = new_org_review(*org, trust_, m.blast_recipients, m.content && m.content->review_approved))
      return *d;
  if (auto d = suppression_rule(facts_.suppressions, m.org_id, m.to.contact)) return *d;
  // A known spam trap, right after the platform's own suppressions: like them it is not the organization's
  // to lift, and it comes before the consent status because a trap "subscribed" is the very sign of a list
  // that was not collected with consent.
  if (is_spam_trap(m.to.address)) return Decision::refuse(Reason::kSpamTrap);
  if (auto d = status_rule(facts_.consent.status(m.org_id, m.to.contact))) return *d;
  if (m.kind == MessageKind::kBlast)
    if (auto d = scope_rule(facts_.consent.scope(m.org_id, m.to.contact), m.scope)) return *d;
  if (!org->verified_email_domains.count(lower_ascii(m.from_domain)))
    return Decision::refuse(Reason::kSenderDomainUnverified);
  if (m.kind == MessageKind::kBlast)
    if (auto d = dmarc_rule(*org, m.from_domain)) return *d;
  if (blank(org->postal_address)) return Decision::refuse(Reason::kPostalAddressMissing);
  // The organization's cap counts blasts only: a one-off answers something the person just did.
  if (m.kind != MessageKind::kBlast) return Decision::send();
  return cap(m.org_id, Channel::kEmail, m.to.contact, org->email_cap, stage, now);
}

Decision Gate::judge_confirmation(const OutboundSms& m, Stage stage, Micros now) const {
  if (m.marketing) return Decision::refuse(Reason::kConfirmationMarketing);
  auto hit = facts_.suppressions.find(m.org_id, m.to.contact);
  if (!hit || hit->scope != SuppressionScope::kOrg)
    return Decision::refuse(Reason::kConfirmationWithoutOptOut);
  if (now - hit->since > kConfirmationWindow) return Decision::refuse(Reason::kConfirmationLate);
  bool fresh = stage == Stage::kDispatch ? facts_.suppressions.claim_confirmation(m.org_id, m.to.contact)
                                         : !facts_.suppressions.confirmation_claimed(m.org_id, m.to.contact);
  if (!fresh) return Decision::refuse(Reason::kConfirmationAlreadySent);
  return Decision::send(Reason::kStopConfirmation);
}

// The HELP/INFO answer (SMS-K2): the person asked, so neither their subscription status nor an opt-out of
// this organization stops it. Platform suppressions (AUP enforcement) and erasure stubs still do: those are
// not the organization's to override. No marketing, and it must carry STOP instructions (SMS-K3 requires
// "Reply STOP to cancel"), so the first-message rule holds without asking whether anything was sent before.
Decision Gate::judge_help_reply(const OutboundSms& m) const {
  if (m.marketing) return Decision::refuse(Reason::kHelpReplyMarketing);
  if (auto d = suppression_rule(facts_.suppressions, m.org_id, m.to.contact, true)) return *d;
  if (!has_opt_out_instructions(m.body)) return Decision::refuse(Reason::kOptOutInstructionsMissing);
  return Decision::send(Reason::kHelpReply);
}

Decision Gate::judge(const OutboundSms& m, Stage stage, Micros now) const {
  auto org = facts_.orgs.messaging(m.org_id);
  if (auto d = org_rule(org.get())) return *d;
  if (m.kind == MessageKind::kBlast)
    if (auto why = acceptable_use_unmet(*org))
      return Decision::refuse(Reason::kAcceptableUseNotAccepted, *why);
  // The undeliverable-rate breaker pauses bulk texts only, like the bulk-email pause.
  if (m.kind == MessageKind::kBlast && !org->bulk_texts_paused_reason.empty())
    return Decision::refuse(Reason::kBulkTextsPaused, org->bulk_texts_paused_reason);
  if (auto d = number_rule(m.to.address)) return *d;
  if (auto d = sender_rule(*org, m)) return *d;
  if (auto d = text_rule(*org, m)) return *d;
  // The provider's rules for the sender's kind of number (sender_rule found the sender).
  if (auto d = provider_rule(provider_, org->sms_senders.at(m.sender).type, m.marketing,
                             m.kind == MessageKind::kBlast ? m.blast_recipients : 1,
                             count_segments(m.body).segments))
    return *d;
  if (auto d = content_rule(*org, org, content::Content{true, {}, {}, m.body, false}, m.review_approved))
    return *d;
  if (m.kind == MessageKind::kBlast)
    if (auto d = new_org_review(*org, trust_, m.blast_recipients, m.review_approved)) return *d;
  // The confirmation goes to a number that is suppressed by definition, so it has its own path.
  if (m.kind == MessageKind::kStopConfirmation) return judge_confirmation(m, stage, now);
  if (m.kind == MessageKind::kHelpReply) return judge_help_reply(m);
  if (auto d = restriction_rule(*org, m.to.contact)) return *d;
  if (auto d = suppression_rule(facts_.suppressions, m.org_id, m.to.contact)) return *d;
  if (auto d = status_rule(facts_.consent.status(m.org_id, m.to.contact))) return *d;
  if (m.kind == MessageKind::kBlast)
    if (auto d = scope_rule(facts_.consent.scope(m.org_id, m.to.contact), m.scope)) return *d;
  if (!facts_.sends.ever_sent(m.org_id, Channel::kSms, m.to.contact) && !has_opt_out_instructions(m.body))
    return Decision::refuse(Reason::kOptOutInstructionsMissing);
  if (m.kind == MessageKind::kReply) return Decision::send();
  if (auto d = quiet_hours_rule(m.to, now)) return *d;
  return cap(m.org_id, Channel::kSms, m.to.contact, org->sms_cap, stage, now);
}

bool Gate::is_spam_trap(const std::string& address) const {
  return spam_traps_ && !address.empty() && spam_traps_->current()->contains(address);
}

Decision Gate::plan(const OutboundEmail& m) const {
  return counted("plan", judge(m, Stage::kPlan, clock_()));
}

Decision Gate::plan(const OutboundSms& m) const {
  return counted("plan", judge(m, Stage::kPlan, clock_()));
}

Decision Gate::last_look(const std::string& org_id, const ContactHash& contact) const {
  if (auto d = suppression_rule(facts_.suppressions, org_id, contact)) return *d;
  if (auto d = status_rule(facts_.consent.status(org_id, contact))) return *d;
  return Decision::send();
}

Dispatch<OutboundEmail> Gate::dispatch(const OutboundEmail& m) {
  Micros now = clock_();
  Dispatch<OutboundEmail> out{counted("dispatch", judge(m, Stage::kDispatch, now)), std::nullopt};
  if (out.decision.sends()) out.cleared = ClearedEmail(m, now);
  return out;
}

Dispatch<OutboundSms> Gate::dispatch(const OutboundSms& m) {
  Micros now = clock_();
  Dispatch<OutboundSms> out{counted("dispatch", judge(m, Stage::kDispatch, now)), std::nullopt};
  if (out.decision.sends()) out.cleared = ClearedSms(m, now);
  return out;
}

}  // namespace tocsin::policy

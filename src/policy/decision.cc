#include "policy/decision.h"

#include <array>
#include <cstdlib>

namespace tocsin::policy {
namespace {

struct Row {
  Reason reason;
  Kind kind;
  std::string_view name;
  std::string_view source;
  std::string_view sentence;
};

// The policy, one line per reason. Order matches the enum (checked at compile time below).
constexpr std::array kRows{
    Row{Reason::kOk, Kind::kSend, "ok", "", "All rules pass."},
    Row{Reason::kOrgUnknown, Kind::kBlock, "org_unknown", "AUP",
        "The organization has no messaging settings; nothing is sent on its behalf."},
    Row{Reason::kOrgSuspended, Kind::kBlock, "org_suspended", "AUP",
        "The organization's messaging is suspended; nothing is sent until the platform lifts the "
        "suspension."},
    Row{Reason::kEvidenceOverdue, Kind::kBlock, "evidence_overdue", "AUP",
        "A consent-evidence request of the platform passed its deadline unanswered; nothing is sent until "
        "the "
        "organization answers it (privacy/evidence_clock.h)."},
    Row{Reason::kBulkEmailPaused, Kind::kBlock, "bulk_email_paused", "EM-F2",
        "The organization's bulk email is paused (a blast's complaint or unknown-user rate passed the "
        "platform's limit); blasts wait until the platform operator lifts the pause (tocsin org resume). "
        "One-off mail (autoresponses, confirmations) still goes."},
    Row{Reason::kAcceptableUseNotAccepted, Kind::kBlock, "acceptable_use_not_accepted", "AUP",
        "The organization has not accepted the platform's current acceptable-use policy; blasts wait until "
        "it does (POST /api/v2/tocsin:acceptable_use). One-off mail, replies, HELP answers and opt-out "
        "confirmations still go."},
    Row{Reason::kSenderDomainUnverified, Kind::kBlock, "sender_domain_unverified", "EM-1, EM-G1",
        "The From domain is not verified for this organization."},
    Row{Reason::kDmarcMissing, Kind::kBlock, "dmarc_missing", "EM-G2, EM-Y1, EM-M1 (RFC 7489)",
        "The From domain publishes no valid DMARC record (or it was not checked yet): Gmail, Yahoo and "
        "Microsoft require one from bulk senders, so blasts from it are refused. Publish the record `tocsin "
        "domain verify` shows (v=DMARC1; p=none at least) and verify the domain again; one-off mail still "
        "goes."},
    Row{Reason::kDmarcMisaligned, Kind::kBlock, "dmarc_misaligned", "EM-G2, EM-Y1, EM-M1 (RFC 7489)",
        "The From domain's DMARC policy is not aligned with the DKIM domain (d=) tocsin signs with or the "
        "envelope sender's domain, so receivers would fail DMARC for its blasts; they are refused until the "
        "record or the signing domain is changed and the domain verified again."},
    Row{Reason::kPostalAddressMissing, Kind::kBlock, "postal_address_missing", "EM-3",
        "The organization has no postal address for the mandatory footer."},
    Row{Reason::kSenderUnknown, Kind::kBlock, "sender_unknown", "SMS-T1",
        "The sending number is not one of this organization's senders."},
    Row{Reason::kSenderUnregistered, Kind::kBlock, "sender_unregistered", "SMS-T1",
        "The sending number has no approved registration (10DLC campaign or toll-free verification)."},
    Row{Reason::kLongCodeBulk, Kind::kBlock, "long_code_bulk", "SMS-T1",
        "Marketing or large blasts cannot go out on a plain long code; use a registered 10DLC, toll-free or "
        "short code sender."},
    Row{Reason::kSenderDisabled, Kind::kBlock, "sender_disabled", "AUP",
        "The platform operator disabled this sending number; nothing is sent from it until it is enabled "
        "again. The organization's other senders are not affected."},
    Row{Reason::kDomainDisabled, Kind::kBlock, "domain_disabled", "AUP",
        "The platform operator disabled this sending domain; no mail is sent from it until it is enabled "
        "again. The organization's other domains are not affected."},
    Row{Reason::kSenderOptOutRate, Kind::kBlock, "sender_opt_out_rate", "AUP (SMS opt-out-rate breaker)",
        "Blasts from this number are paused: too many recipients of its recent texts opted out. Replies, "
        "HELP answers and opt-out confirmations still go; the platform operator lifts the pause (tocsin "
        "sender enable)."},
    Row{Reason::kBulkTextsPaused, Kind::kBlock, "bulk_texts_paused", "AUP (carrier filtering)",
        "The organization's text blasts are paused: too many of a recent blast's texts were undeliverable or "
        "blocked by carriers. Replies, HELP answers and opt-out confirmations still go; the platform "
        "operator "
        "lifts the pause (tocsin org resume)."},
    Row{Reason::kNewOrgReview, Kind::kBlock, "new_org_review", "AUP (new-sender review)",
        "A new organization's first large blasts wait for the platform operator's review (tocsin review "
        "approve); once approved, the same content goes."},
    Row{Reason::kProviderForbidsMarketing, Kind::kBlock, "provider_forbids_marketing",
        "SMS provider acceptable-use policy",
        "The SMS provider this installation sends through allows no marketing on this kind of number; send "
        "non-marketing content, or use a provider or sender that allows it."},
    Row{Reason::kProviderBlastLimit, Kind::kBlock, "provider_blast_limit",
        "SMS provider acceptable-use policy",
        "The SMS provider this installation sends through allows no blast this large on this kind of "
        "number."},
    Row{Reason::kProviderSegmentLimit, Kind::kBlock, "provider_segment_limit",
        "SMS provider acceptable-use policy",
        "The SMS provider this installation sends through allows no text this long on this kind of number."},
    Row{Reason::kPlatformSuppressed, Kind::kSuppress, "platform_suppressed", "AUP",
        "The address is on the platform-wide suppression list."},
    Row{Reason::kSpamTrap, Kind::kSuppress, "spam_trap", "AUP (list hygiene), EM-F2",
        "The address is a known spam trap: nobody reads it and nobody can have subscribed it, so mail to it "
        "marks the sender as a spammer. It is never mailed; remove it and look at where the list came from."},
    Row{Reason::kErasedContact, Kind::kSuppress, "erased_contact", "GD-6",
        "The person behind this address asked to be erased; only a keyed-hash suppression remains."},
    Row{Reason::kOrgSuppressed, Kind::kSuppress, "org_suppressed", "EM-2, SMS-R1, SMS-R4",
        "The address opted out of this organization's messages."},
    Row{Reason::kRestricted, Kind::kSuppress, "restricted", "GDPR Art. 18",
        "The person asked for restriction of processing (a privacy request): nothing is sent to them and "
        "they are left out of exports until it is lifted."},
    Row{Reason::kNotSubscribed, Kind::kSuppress, "not_subscribed", "SMS-C1, GD-1",
        "The address is not subscribed."},
    Row{Reason::kPurposeNotConsented, Kind::kSuppress, "purpose_not_consented",
        "GDPR Art. 5(1)(b), Art. 6(1)(a)",
        "The address is subscribed, but its consent was given for other purposes than the one this blast "
        "declares; a limited consent does not cover general messages."},
    Row{Reason::kSpecialCategoryBasisMissing, Kind::kSuppress, "special_category_basis_missing",
        "GDPR Art. 9(2)",
        "The blast targets special-category data (a tag, list or action marked as revealing political "
        "opinions) of an organization under the GDPR; the recipient's consent is not recorded as explicit "
        "consent or membership (Art. 9(2)(a) or (d))."},
    Row{Reason::kBouncing, Kind::kSuppress, "bouncing", "EM-B1", "The address is bouncing."},
    Row{Reason::kPreviousBounce, Kind::kSuppress, "previous_bounce", "EM-B1",
        "The address bounced before and has not been subscribed again."},
    Row{Reason::kSpamComplaint, Kind::kSuppress, "spam_complaint", "EM-F1",
        "The recipient reported a message as spam."},
    Row{Reason::kPreviousSpamComplaint, Kind::kSuppress, "previous_spam_complaint", "EM-F1",
        "The recipient reported spam before and has not been subscribed again."},
    Row{Reason::kInvalidNumber, Kind::kBlock, "invalid_number", "SMS-C1",
        "The recipient is not a valid phone number."},
    Row{Reason::kEmergencyNumber, Kind::kBlock, "emergency_number", "AUP",
        "The recipient is an emergency number."},
    Row{Reason::kShortNumber, Kind::kBlock, "short_number", "AUP",
        "The recipient is a short number (service or short code), not a person."},
    Row{Reason::kPremiumRateNumber, Kind::kBlock, "premium_rate_number", "AUP",
        "The recipient is a premium-rate number."},
    Row{Reason::kInvalidText, Kind::kBlock, "invalid_text", "SMS-E1", "The message text is not valid UTF-8."},
    Row{Reason::kBrandMissing, Kind::kBlock, "brand_missing", "SMS-X1",
        "The message does not name the organization or program."},
    Row{Reason::kOptOutInstructionsMissing, Kind::kBlock, "opt_out_instructions_missing", "SMS-O2, CA-3",
        "The first message to a recipient must say how to opt out (e.g. \"Reply STOP to opt out\")."},
    Row{Reason::kTooManySegments, Kind::kBlock, "too_many_segments", "SMS-E1",
        "The message is longer than the organization's segment limit."},
    Row{Reason::kContentBlocked, Kind::kBlock, "content_blocked", "AUP content rules (docs/POLICY.md)",
        "The content breaks the acceptable-use policy and cannot be sent as it is."},
    Row{Reason::kContentHeld, Kind::kBlock, "content_held", "AUP content rules (docs/POLICY.md)",
        "The content is held for the platform operator's review; it is sent once approved."},
    Row{Reason::kQuietHours, Kind::kDeferUntil, "quiet_hours", "SMS-Q1, SMS-Q2, SMS-Q3",
        "It is outside the sending window at the recipient's location; the message waits for the window."},
    Row{Reason::kNoSendingWindow, Kind::kBlock, "no_sending_window", "SMS-Q2, SMS-Q3",
        "The recipient's possible locations share no sending window in the coming week."},
    Row{Reason::kTimeZoneUnknown, Kind::kBlock, "time_zone_unknown", "SMS-Q3",
        "The recipient's time zone cannot be determined, so quiet hours cannot be honoured."},
    Row{Reason::kFrequencyCap, Kind::kDeferUntil, "frequency_cap", "SMS-F1; email: organization setting",
        "The recipient already got the maximum number of messages for the period; the message waits."},
    Row{Reason::kStopConfirmation, Kind::kSend, "stop_confirmation", "SMS-R3, SMS-K4",
        "The one confirmation of an opt-out."},
    Row{Reason::kConfirmationWithoutOptOut, Kind::kBlock, "confirmation_without_opt_out", "SMS-R3",
        "An opt-out confirmation needs a recorded opt-out of this recipient."},
    Row{Reason::kConfirmationLate, Kind::kBlock, "confirmation_late", "SMS-R3",
        "An opt-out confirmation must go out within 5 minutes of the opt-out."},
    Row{Reason::kConfirmationAlreadySent, Kind::kBlock, "confirmation_already_sent", "SMS-R3",
        "This opt-out was already confirmed; only one confirmation is allowed."},
    Row{Reason::kConfirmationMarketing, Kind::kBlock, "confirmation_marketing", "SMS-R3",
        "An opt-out confirmation may not carry marketing."},
    Row{Reason::kHelpReply, Kind::kSend, "help_reply", "SMS-K2, SMS-K3",
        "The answer to a HELP or INFO request, sent whatever the number's subscription status."},
    Row{Reason::kHelpReplyMarketing, Kind::kBlock, "help_reply_marketing", "SMS-K3",
        "The answer to HELP or INFO may not carry marketing."},
    Row{Reason::kResubscribeConfirmation, Kind::kSend, "resubscribe_confirmation", "GD-1, EM-2",
        "The one confirmation email of a request to re-subscribe an address that opted out, sent although "
        "the "
        "address is not subscribed; nothing changes unless its owner confirms."},
    Row{Reason::kResubscribeNotOptedOut, Kind::kSuppress, "resubscribe_not_opted_out", "GD-1",
        "A re-subscription confirmation goes only to an address whose latest status is an opt-out, bounce or "
        "complaint."},
    Row{Reason::kStaffInvitation, Kind::kSend, "staff_invitation", "transactional (docs/POLICY.md)",
        "The invitation of a staff member to the organization's console: mail to a colleague, not to a "
        "supporter, so consent status, opt-outs of the organization and caps do not apply."},
    Row{Reason::kLetterToTarget, Kind::kSend, "letter_to_target",
        "on the supporter's instruction (docs/POLICY.md)",
        "A supporter's letter to a target of an advocacy campaign, sent on the supporter's instruction: not "
        "the organization's marketing, so the target's subscription status and caps do not apply."},
    Row{Reason::kTargetDailyLimit, Kind::kSuppress, "target_daily_limit", "flood protection (docs/POLICY.md)",
        "This target has had the most letters from the organization allowed in 24 hours; the letter is kept "
        "on the outreach record and not sent."},
};

constexpr bool rows_in_enum_order() {
  for (size_t i = 0; i < kRows.size(); ++i)
    if (static_cast<size_t>(kRows[i].reason) != i) return false;
  return true;
}
static_assert(rows_in_enum_order(), "kRows must list every Reason in declaration order");
static_assert(kRows.back().reason == Reason::kTargetDailyLimit, "a Reason is missing from kRows");

const Row& row(Reason r) {
  return kRows[static_cast<size_t>(r)];
}

std::string sentence_with(Reason r, std::string_view detail) {
  std::string s(row(r).sentence);
  if (!detail.empty()) s.append(" ").append(detail);
  return s;
}

}  // namespace

Kind kind_of(Reason r) {
  return row(r).kind;
}

std::string_view kind_name(Kind k) {
  switch (k) {
    case Kind::kSend:
      return "send";
    case Kind::kSuppress:
      return "suppress";
    case Kind::kDeferUntil:
      return "defer_until";
    case Kind::kBlock:
      return "block";
  }
  std::abort();
}

std::string_view reason_name(Reason r) {
  return row(r).name;
}

std::string_view rule_source(Reason r) {
  return row(r).source;
}

std::string_view reason_sentence(Reason r) {
  return row(r).sentence;
}

std::optional<Reason> reason_by_name(std::string_view name) {
  for (const auto& r : kRows)
    if (r.name == name) return r.reason;
  return std::nullopt;
}

const Reason* all_reasons(size_t* count) {
  static const auto reasons = [] {
    std::array<Reason, kRows.size()> out{};
    for (size_t i = 0; i < kRows.size(); ++i) out[i] = kRows[i].reason;
    return out;
  }();
  *count = reasons.size();
  return reasons.data();
}

Decision Decision::send(Reason r) {
  return Decision{Kind::kSend, r, sentence_with(r, {}), std::nullopt};
}

Decision Decision::refuse(Reason r, std::string_view detail) {
  return Decision{kind_of(r), r, sentence_with(r, detail), std::nullopt};
}

Decision Decision::defer(Reason r, Micros until, std::string_view detail) {
  return Decision{Kind::kDeferUntil, r, sentence_with(r, detail), until};
}

}  // namespace tocsin::policy

// The gate's answer about one outbound message to one recipient, and the reasons it can give.
//
// This file is the policy in one place: every reason code, the kind of decision it leads to, the rule it
// comes from (ids of /shared/reference/compliance-rules.md, mirrored in docs/POLICY.md) and the sentence a
// person reads. Reason names are stable snake_case strings: they are stored with delivery states and shown in
// blast previews, so renaming one is a data migration, not a refactor.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"

namespace tocsin::policy {

// send: hand over now. suppress: this recipient must not get it (their choice or their address's state).
// defer_until: not now; ask again at `defer_until` (quiet hours, caps) — never dropped silently.
// block: the message or its sender is not allowed (fix the message, sender or organization, then retry).
enum class Kind { kSend, kSuppress, kDeferUntil, kBlock };

enum class Reason {
  kOk,
  // organization and sender
  kOrgUnknown,
  kOrgSuspended,
  kEvidenceOverdue,
  kBulkEmailPaused,
  kAcceptableUseNotAccepted,
  kSenderDomainUnverified,
  // bulk-sender authentication of the From domain (Gmail/Yahoo/Microsoft, RFC 7489): blasts only
  kDmarcMissing,
  kDmarcMisaligned,
  kPostalAddressMissing,
  kSenderUnknown,
  kSenderUnregistered,
  kLongCodeBulk,
  // the platform operator's levers on one sender (tocsin sender|domain disable) and the opt-out-rate breaker
  kSenderDisabled,
  kDomainDisabled,
  kSenderOptOutRate,
  // the organization's standing with the platform (policy/org_trust.h): the automatic pause of its text
  // blasts (the counterpart of kBulkEmailPaused) and the review of a new organization's first large blasts
  kBulkTextsPaused,
  kNewOrgReview,
  // the SMS provider's own acceptable-use rules (policy/provider_profile.h)
  kProviderForbidsMarketing,
  kProviderBlastLimit,
  kProviderSegmentLimit,
  // suppression and consent
  kPlatformSuppressed,
  // a known spam trap (policy/spam_traps.h): never mailed; counted as the organization's trap hit
  kSpamTrap,
  kErasedContact,
  kOrgSuppressed,
  kRestricted,
  kNotSubscribed,
  kPurposeNotConsented,
  kSpecialCategoryBasisMissing,
  kBouncing,
  kPreviousBounce,
  kSpamComplaint,
  kPreviousSpamComplaint,
  // recipient number
  kInvalidNumber,
  kEmergencyNumber,
  kShortNumber,
  kPremiumRateNumber,
  // content
  kInvalidText,
  kBrandMissing,
  kOptOutInstructionsMissing,
  kTooManySegments,
  // content screening (policy/content/screener.h): the decisive finding's code and sentence are the detail
  kContentBlocked,
  kContentHeld,
  // time and volume
  kQuietHours,
  kNoSendingWindow,
  kTimeZoneUnknown,
  kFrequencyCap,
  // the one confirmation of an opt-out (SMS-R3)
  kStopConfirmation,
  kConfirmationWithoutOptOut,
  kConfirmationLate,
  kConfirmationAlreadySent,
  kConfirmationMarketing,
  // the answer to HELP/INFO (SMS-K2, SMS-K3)
  kHelpReply,
  kHelpReplyMarketing,
  // the confirmation email of a keyless re-subscription (people/subscribe_rule.h)
  kResubscribeConfirmation,
  kResubscribeNotOptedOut,
  // the console's invitation of a staff member (messaging/staff_invitation_mail.h)
  kStaffInvitation,
  // a supporter's letter to an advocacy campaign's target (messaging/letter_delivery.h)
  kLetterToTarget,
  kTargetDailyLimit,
};

// The kind of decision a reason leads to (kOk, kStopConfirmation, kHelpReply, kResubscribeConfirmation,
// kStaffInvitation and kLetterToTarget -> kSend).
Kind kind_of(Reason r);
std::string_view kind_name(Kind k);          // "send" | "suppress" | "defer_until" | "block"
std::string_view reason_name(Reason r);      // "org_suspended", ...
std::string_view rule_source(Reason r);      // "CAN-SPAM EM-3", "SMS-Q1/Q2", ... ("" for kOk)
std::string_view reason_sentence(Reason r);  // the reason's standard sentence, for people
// The reason a stored or reported code names (as reason_name spells it); nullopt for codes that are not the
// gate's (e.g. the planner's no_email_address).
std::optional<Reason> reason_by_name(std::string_view name);
// All reasons, in declaration order (for tests and docs).
const Reason* all_reasons(size_t* count);

struct Decision {
  Kind kind = Kind::kSend;
  Reason reason = Reason::kOk;
  std::string sentence;               // for people: what happened and what to do about it
  std::optional<Micros> defer_until;  // set exactly when kind == kDeferUntil

  bool sends() const { return kind == Kind::kSend; }

  static Decision send(Reason r = Reason::kOk);
  // A suppress or block decision. `detail` is appended to the reason's standard sentence (e.g. the count
  // that broke a limit). Reasons whose kind is defer_until go through defer(), which carries the instant.
  static Decision refuse(Reason r, std::string_view detail = {});
  static Decision defer(Reason r, Micros until, std::string_view detail = {});
};

}  // namespace tocsin::policy

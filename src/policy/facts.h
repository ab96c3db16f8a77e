// What the gate needs to know, as narrow interfaces the policy module owns (the consumer declares the
// interface, like listmonk's manager). Each has an in-memory implementation in this folder; the store-backed
// ones can come later without touching the gate.
//
// Contact points are named by their keyed hash (core/contact_point.h), never by plaintext, so the same
// facts work for erased people, whose only trace is that hash.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "consent/scope.h"
#include "consent/status.h"
#include "core/clock.h"
#include "core/contact_point.h"

namespace tocsin::policy {

// Current subscription status of a contact point in an organization (the ledger's projection).
// Implementations are safe for concurrent use.
class ConsentFacts {
 public:
  virtual ~ConsentFacts() = default;
  virtual consent::Status status(const std::string& org_id, const ContactHash& contact) const = 0;
  // What the subscription covers: its purposes and legal basis (consent/scope.h).
  virtual consent::ConsentScope scope(const std::string& org_id, const ContactHash& contact) const = 0;
};

// Why an address is suppressed. Platform-wide and erasure suppressions sit above organizations.
enum class SuppressionScope { kPlatform, kErased, kOrg };

struct SuppressionHit {
  SuppressionScope scope;
  Micros since = 0;  // when the suppression was recorded (an SMS opt-out's revocation time)
};

// Suppression lookups. Safe for concurrent use.
class SuppressionFacts {
 public:
  virtual ~SuppressionFacts() = default;
  // The first suppression that applies, in the order platform, erased, org.
  virtual std::optional<SuppressionHit> find(const std::string& org_id, const ContactHash& contact) const = 0;
  // Claims the single opt-out confirmation (SMS-R3) of the org suppression of `contact`: true exactly once
  // per recorded opt-out, false if there is none or it was claimed already.
  virtual bool claim_confirmation(const std::string& org_id, const ContactHash& contact) = 0;
  virtual bool confirmation_claimed(const std::string& org_id, const ContactHash& contact) const = 0;
};

// A cap of `max` messages per rolling `window` to one recipient; max == 0 means no cap.
struct FrequencyCap {
  int max = 0;
  Micros window = 0;
};

// Messages handed to transports, per (organization, channel, contact). Safe for concurrent use.
class SendHistory {
 public:
  virtual ~SendHistory() = default;
  // If fewer than cap.max sends fall after now - window, records one at `now` and returns nullopt;
  // otherwise records nothing and returns the instant the oldest counted send leaves the window (when the
  // next one may go). The check and the record are one atomic step, so concurrent dispatchers cannot both
  // take the last slot.
  virtual std::optional<Micros> try_record(const std::string& org_id, Channel channel,
                                           const ContactHash& contact, const FrequencyCap& cap,
                                           Micros now) = 0;
  // The same answer without recording (for planning).
  virtual std::optional<Micros> would_exceed(const std::string& org_id, Channel channel,
                                             const ContactHash& contact, const FrequencyCap& cap,
                                             Micros now) const = 0;
  // Whether anything was ever sent to `contact` on `channel` by this organization.
  virtual bool ever_sent(const std::string& org_id, Channel channel, const ContactHash& contact) const = 0;
};

// SMS sender types (SMS-T1). Only a plain long code is unregistered by nature.
enum class SenderType { kLongCode, kTenDlc, kTollFree, kShortCode };

struct SmsSender {
  SenderType type = SenderType::kLongCode;
  bool registered = false;  // 10DLC campaign approved / toll-free verified / short code provisioned
  // Non-empty while the platform operator has disabled the number (`tocsin sender disable`): every text
  // from it is refused with `sender_disabled` and this reason.
  std::string disabled_reason;
  // Non-empty while the opt-out-rate breaker has paused the number's blasts (messaging/opt_out_breaker.h),
  // with the figures that tripped it: blasts are refused with `sender_opt_out_rate`; replies, HELP answers
  // and opt-out confirmations still go.
  std::string blasts_paused_reason;
};

// An organization's messaging settings, as the gate needs them.
struct OrgMessaging {
  bool suspended = false;
  std::string suspended_reason;  // the platform's reason (`tocsin org suspend --reason`), shown with refusals
  // The suspension of the consent-evidence clock (privacy/evidence_clock.h): non-empty while a request is
  // overdue, saying which. Separate from `suspended` so answering lifts only this one.
  std::string evidence_overdue;
  // The version of the platform's acceptable-use policy the organization last accepted (messaging/
  // acceptable_use.h); empty: none. Compared with the version the gate requires
  // (Gate::require_acceptable_use).
  std::string acceptable_use_accepted;
  // Contact points whose person asked for restriction of processing (privacy/privacy_request.h): every
  // send to them is refused with `restricted`, except the answers they ask for (STOP confirmation, HELP).
  std::set<ContactHash> restricted;
  // Bulk email paused (EM-F2 complaint-rate breaker): blasts are refused, one-off mail still passes.
  bool bulk_email_paused = false;
  std::string bulk_email_paused_reason;
  // Text blasts paused (the undeliverable-rate breaker, policy/org_trust.h), with the figures that paused
  // them; empty: not paused. Replies, HELP answers and opt-out confirmations still pass.
  std::string bulk_texts_paused_reason;
  // The new-organization review (policy/org_trust.h): the platform operator marked the organization trusted
  // (`tocsin org trust`), and how many recipients each blast it started had (total_targeted), so the gate
  // counts its large blasts so far.
  bool trusted = false;
  std::vector<int64_t> started_blasts;
  std::string postal_address;                    // CAN-SPAM footer (EM-3)
  std::string brand_name;                        // must appear in every SMS (SMS-X1)
  std::set<std::string> verified_email_domains;  // lower-case
  // Sending domains the platform operator disabled (`tocsin domain disable`), lower-case, with the reason
  // shown with every refusal (`domain_disabled`).
  std::map<std::string, std::string> disabled_email_domains;
  // Sending domains whose last bulk-sender check (email/sender_auth.h, at `tocsin domain verify`) found no
  // valid DMARC record or one not aligned with tocsin's DKIM d= or envelope domain — or that were never
  // checked — lower-case, with the check's sentence: blasts from them are refused (`dmarc_missing`,
  // `dmarc_misaligned`); one-off mail still goes. Absent: DMARC present and aligned (p=none included).
  struct DmarcShortfall {
    bool misaligned = false;  // false: missing, invalid or not checked
    std::string detail;
  };
  std::map<std::string, DmarcShortfall> dmarc_unmet_email_domains;
  std::map<std::string, SmsSender> sms_senders;             // by E.164 number or short code
  FrequencyCap email_cap{};                                 // organization setting; none by default
  FrequencyCap sms_cap{3, int64_t{24} * 3600 * 1'000'000};  // SMS-F1 platform default
  int64_t long_code_max_recipients = 50;  // a bigger blast needs a registered sender (SMS-T1)
  int max_segments = 6;                   // SMS-E1
  // Content screening (policy/content/screener.h), set by the platform operator: the entities
  // (data/entities.txt ids) the organization is verified as, and the SHAFT categories its senders are
  // registered for with age gating.
  std::set<std::string> verified_entities;
  std::set<std::string> age_gated_content;
};

// Organization settings lookup. Safe for concurrent use.
class OrgFacts {
 public:
  virtual ~OrgFacts() = default;
  // Null for an unknown organization (the gate blocks). The settings are immutable once published; a
  // change publishes a new object, so a reader keeps a consistent view without holding a lock.
  virtual std::shared_ptr<const OrgMessaging> messaging(const std::string& org_id) const = 0;
};

}  // namespace tocsin::policy

// An organization's messaging settings and the records a platform administrator or the organization keeps
// beside them (sending domains, SMS senders), as stored documents (store::OrgDoc) and as the gate sees them.
//
// Who may change what: the organization (API, CLI) edits the program fields — postal address, brand,
// support contact, caps, tracking. Suspension and SMS senders are platform-administrator facts (CLI only):
// an organization cannot lift its own suspension or assert that it owns a number.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "email/sender_auth.h"
#include "policy/facts.h"

namespace tocsin::messaging {

inline constexpr std::string_view kSettingsKind = "messaging_settings";
inline constexpr std::string_view kDomainKind = "sending_domain";
inline constexpr std::string_view kSenderKind = "sms_sender";

struct Settings {
  std::string postal_address;   // CAN-SPAM footer (EM-3); required before any email leaves
  std::string brand_name;       // program name in every text (SMS-X1); defaults to the org name
  std::string support_contact;  // HELP reply: an email or phone where people get help (SMS-K2)
  std::string message_frequency = "Msg frequency varies";  // HELP reply and first-message disclosure
  // The HELP reply also carries the asker's preference-center link (/my/{token}); off by default: the link
  // makes the answer a second segment.
  bool help_preferences_link = false;
  // Blasts an organizer prepares in the console wait for an admin's or owner's approval before they are sent
  // or scheduled (docs/CONSOLE.md "Approval"); API keys, which only admins create, are not held.
  bool send_approval = false;
  policy::FrequencyCap email_cap{};                                 // none unless set
  policy::FrequencyCap sms_cap{3, int64_t{24} * 3600 * 1'000'000};  // SMS-F1 default 3 per rolling 24 h
  std::optional<bool> tracking;  // opens and clicks; unset = on, except off when GDPR applies
  int64_t long_code_max_recipients = 50;
  int max_segments = 6;
  // Children (COPPA, GDPR Art. 8): an SMS opt-in is refused unless the write gives the person's age (OSDI
  // birthdate or [privacy] age_custom_field) or the person's record already holds it (people/age_gate.h).
  bool sms_age_required = false;
  // Platform-administrator facts.
  bool suspended = false;
  std::string suspended_reason;
  // Content screening (docs/POLICY.md): entities the organization is verified as, and SHAFT categories its
  // senders are registered for with age gating.
  std::set<std::string> verified_entities;
  std::set<std::string> age_gated_content;
  // Set and cleared only by the consent-evidence clock (privacy/evidence_clock.h): which request is overdue.
  // Apart from `suspended` so answering the request lifts this suspension and no other.
  std::string evidence_overdue;
  // Keyed hashes (hex) of contact points under a restriction of processing (privacy/privacy_request.h),
  // written only by fulfilling a restriction request; the gate refuses them with `restricted`.
  std::vector<std::string> restricted;
  // The version of the platform's acceptable-use policy the organization last accepted; written only with
  // its acceptance record (messaging/acceptable_use.h).
  std::string acceptable_use_accepted;
  // Set by tocsin itself when a blast's complaint or unknown-user rate passes the limit (EM-F2,
  // policy/org_trust.h), with the figures; lifted by the platform operator (`tocsin org resume`).
  bool bulk_email_paused = false;
  std::string bulk_email_paused_reason;
  Micros bulk_email_paused_at = 0;
  // The same for text blasts: a blast's undeliverable or carrier-refused texts passed the limit.
  bool bulk_texts_paused = false;
  std::string bulk_texts_paused_reason;
  Micros bulk_texts_paused_at = 0;
  // The platform operator vouched for the organization (`tocsin org trust`, audited): its first large blasts
  // are not held for review (policy/org_trust.h). Platform-administrator facts.
  bool trusted = false;
  std::string trusted_reason;
  Micros trusted_at = 0;
  // The organization's emergency contact line, appended to the HELP answer after its one-segment compliant
  // part (sms/keyword_replies.h); empty: none.
  std::string emergency_contact;
};

struct SendingDomain {
  std::string domain;  // lower-case
  std::string selector;
  std::string private_key_pem;  // secret: never in responses or logs
  std::string public_key_b64;   // the p= value of the TXT record to publish
  Micros created = 0;
  Micros verified_at = 0;  // 0 until a DNS lookup found the published key
  std::string last_check;  // the last verification's sentence
  // The platform operator's lever (`tocsin domain disable|enable`): non-empty while disabled, shown with
  // every refusal (`domain_disabled`) and in GET /tocsin:sending_domains.
  std::string disabled_reason;
  Micros disabled_at = 0;
  // The DKIM signing domain (d=) when it is not `domain`: a parent whose one key the organization publishes
  // for its subdomains (`tocsin domain add --dkim-domain`). Whether DMARC accepts it is the alignment check.
  std::string dkim_domain{};
  // The bulk-sender checks of the last verification (email/sender_auth.h), kept so the gate never waits
  // for DNS: the DMARC verdict ("" never checked, else dmarc_state_name), its sentence, when, and every
  // check with the record to publish. Re-checked by each `tocsin domain verify`.
  std::string dmarc_state{};
  std::string dmarc_sentence{};
  Micros auth_checked_at = 0;
  std::vector<email::AuthCheck> auth_checks{};

  const std::string& signing_domain() const { return dkim_domain.empty() ? domain : dkim_domain; }
};

// Why blasts from the domain are refused under the bulk-sender rules, or nullopt when its DMARC record is
// present and aligned (p=none included). A domain never checked is refused as missing.
std::optional<policy::OrgMessaging::DmarcShortfall> dmarc_shortfall(const SendingDomain& d);

struct SmsSender {
  std::string number;  // E.164 or short code
  policy::SenderType type = policy::SenderType::kLongCode;
  bool registered = false;  // 10DLC campaign approved / toll-free verified / short code provisioned
  std::string campaign_id;  // 10DLC campaign (TCR) or toll-free verification reference
  double mps = 1.0;         // messages per second the carrier allows on this sender
  int64_t daily_cap = 0;    // 0 = none
  Micros created = 0;
  // The platform operator's lever (`tocsin sender disable|enable`): non-empty while disabled; every text
  // from the number is refused (`sender_disabled`) with this reason.
  std::string disabled_reason;
  Micros disabled_at = 0;
  // Set by tocsin when the number's opt-out rate passed the platform's limit (messaging/opt_out_breaker.h),
  // with the figures; its blasts are refused (`sender_opt_out_rate`) until `tocsin sender enable`.
  std::string blasts_paused_reason;
  Micros blasts_paused_at = 0;
  // Opt-outs and texts before this instant do not count towards the breaker (set by `sender enable`, so a
  // lifted pause is not tripped again at once by the figures that tripped it).
  Micros opt_outs_counted_from = 0;
};

std::string encode_settings(const Settings& s);
Result<Settings> decode_settings(std::string_view doc);
std::string encode_domain(const SendingDomain& d);
Result<SendingDomain> decode_domain(std::string_view doc);
std::string encode_sender(const SmsSender& s);
Result<SmsSender> decode_sender(std::string_view doc);

std::string_view sender_type_name(
    policy::SenderType t);  // "long_code" | "10dlc" | "toll_free" | "short_code"
std::optional<policy::SenderType> parse_sender_type(std::string_view name);

// The gate's view of an organization's settings, domains (verified ones only) and senders.
policy::OrgMessaging to_policy(const Settings& s, const std::map<std::string, SendingDomain>& domains,
                               const std::map<std::string, SmsSender>& senders);

// Whether open and click tracking is on for an organization.
bool tracking_enabled(const Settings& s, bool gdpr_applies);

}  // namespace tocsin::messaging

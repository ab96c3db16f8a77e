// policy::Gate — the one gate every outbound message passes (DESIGN invariant 1).
//
// The gate judges one message for one recipient against the ordered rules of docs/POLICY.md and answers
// with a Decision (decision.h). It is asked twice:
//   plan(...)      when a blast is planned or a one-off is queued: no side effects;
//   dispatch(...)  right before the hand-over to a transport: the rules are evaluated again with the facts
//                  of that moment (an opt-out, complaint, suspension or quiet hour that arrived since wins),
//                  and on "send" the send is recorded (frequency caps) and a Cleared* value is returned.
// Transports accept only ClearedEmail / ClearedSms, which nothing but the gate can construct, so an
// unchecked send does not compile.
//
// Thread-safe: the gate holds no mutable state of its own; the facts it reads are thread-safe, and the
// check-and-record steps (frequency cap, opt-out confirmation) are atomic in them.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/contact_point.h"
#include "policy/content/screener.h"
#include "policy/decision.h"
#include "policy/facts.h"
#include "policy/org_trust.h"
#include "policy/provider_profile.h"
#include "policy/spam_traps.h"

namespace tocsin::policy {

// kReply answers a message the recipient just sent (a conversation): exempt from quiet hours and frequency
// caps (SMS-F1). kStopConfirmation is the single confirmation of an opt-out (SMS-R3). kHelpReply answers a
// HELP/INFO keyword (SMS-K2, SMS-K3): like a reply, and also sent to numbers that are not subscribed or have
// opted out of the organization, because the person asked for it. kResubscribeConfirmation is the one
// email that asks the owner of an opted-out address whether a keyless re-subscription was theirs
// (messaging/resubscribe_confirmation.h): sent although the address is not subscribed, and only to one
// whose latest status is an opt-out. kStaffInvitation is the console's invitation of a new staff member
// (messaging/staff_invitation_mail.h): transactional mail to a colleague, not to a supporter, so the
// address's consent status, the organization's own opt-outs and the caps do not apply; the organization's
// standing, its verified From domain, platform suppressions and erasure stubs do. kLetterToTarget is a
// supporter's letter to an official named by an advocacy campaign (messaging/letter_delivery.h): sent on
// the supporter's instruction, not the organization's marketing, so the target's consent status and caps of
// supporters do not apply; the organization's standing, the operator's domain levers, content screening,
// the verified From domain, platform suppressions, erasure stubs and the target's own opt-out or complaint
// do, and so does a per-target daily limit (docs/POLICY.md "Letters to targets").
enum class MessageKind {
  kBlast,
  kOneOff,
  kReply,
  kStopConfirmation,
  kHelpReply,
  kResubscribeConfirmation,
  kStaffInvitation,
  kLetterToTarget
};

struct Recipient {
  std::string address;             // normalized email, or E.164 number
  ContactHash contact{};           // keyed hash of `address` for its channel (ContactHasher::hash)
  std::optional<std::string> zip;  // US ZIP of the person's postal address, when known (quiet hours)
};

// What content screening reads of an email: the templates as the organization wrote them (merge fields
// unfilled; the mandatory footer is tocsin's own). One shared value per message, so a blast screens once.
struct EmailContent {
  std::string from_name, subject, body_html;
  bool review_approved = false;
  std::string from_address = {};  // for the spam score's composed message  // the platform operator approved
                                  // exactly this content (held -> sent)
};

// What a blast declares it is for (consent/scope.h): its purpose (normalized; empty = a general message),
// and whether it uses special-category data (a tag, list or action the organization marked, GDPR Art. 9) of
// an organization under the GDPR — then each recipient's consent must rest on explicit consent or
// membership. Read for blasts only: one-off mail, replies and confirmations answer what a person did.
struct BlastScope {
  std::string purpose;
  bool special_category = false;
};

struct OutboundEmail {
  std::string org_id;
  Recipient to;
  MessageKind kind = MessageKind::kBlast;
  std::string from_domain;                                // domain of the From address
  std::shared_ptr<const EmailContent> content = nullptr;  // null only for tocsin's own mail (confirmations)
  BlastScope scope = {};
  int64_t blast_recipients = 1;  // size of the blast this message belongs to (1 for one-offs)
};

struct OutboundSms {
  std::string org_id;
  Recipient to;
  MessageKind kind = MessageKind::kBlast;
  bool marketing = false;        // marketing or fundraising content
  int64_t blast_recipients = 1;  // size of the blast this message belongs to (1 for one-offs)
  std::string sender;            // one of the organization's senders (E.164 or short code)
  std::string body;              // UTF-8, as it will be sent
  bool review_approved = false;  // the platform operator approved this message's held content
  BlastScope scope = {};
};

// The platform's acceptable-use policy as published by its operator ([platform] acceptable_use_version and
// acceptable_use_url in tocsin.toml): an organization's blasts need its acceptance of exactly this version.
struct AcceptableUse {
  std::string version;  // empty: no version published, nothing required
  std::string url;
};

class Gate;

// A message the gate cleared for hand-over at `cleared_at`. Move-only: a clearance is spent once.
template <typename Message>
class Cleared {
 public:
  Cleared(Cleared&&) noexcept = default;
  Cleared& operator=(Cleared&&) noexcept = default;
  Cleared(const Cleared&) = delete;
  Cleared& operator=(const Cleared&) = delete;

  const Message& message() const { return message_; }
  Micros cleared_at() const { return cleared_at_; }

 private:
  friend class Gate;
  Cleared(Message m, Micros at) : message_(std::move(m)), cleared_at_(at) {}
  Message message_;
  Micros cleared_at_;
};

using ClearedEmail = Cleared<OutboundEmail>;
using ClearedSms = Cleared<OutboundSms>;

template <typename Message>
struct Dispatch {
  Decision decision;
  std::optional<Cleared<Message>> cleared;  // set exactly when decision.sends()
};

class Gate {
 public:
  // Every fact source must outlive the gate.
  struct Facts {
    const ConsentFacts& consent;
    SuppressionFacts& suppressions;
    SendHistory& sends;
    const OrgFacts& orgs;
  };
  using Clock = std::function<Micros()>;

  explicit Gate(Facts facts, Clock clock = now_micros) : facts_(facts), clock_(std::move(clock)) {}

  Decision plan(const OutboundEmail& m) const;
  Decision plan(const OutboundSms& m) const;
  Dispatch<OutboundEmail> dispatch(const OutboundEmail& m);
  Dispatch<OutboundSms> dispatch(const OutboundSms& m);
  // Content screening (docs/POLICY.md "Content screening") is one of the gate's rules when a screener is
  // set (the serving process always sets one, before the gate is used); plan and dispatch ask it through a
  // per-thread memo, so content that does not vary between recipients is screened once per thread.
  void screen_with(std::shared_ptr<const content::Screener> screener) { screener_ = std::move(screener); }
  // The acceptable-use policy version every organization must have accepted before its next blast (set
  // before the gate is used, like the screener). Blasts only: what a person asked for still goes.
  void require_acceptable_use(AcceptableUse aup) { acceptable_use_ = std::move(aup); }
  const AcceptableUse& acceptable_use() const { return acceptable_use_; }
  // The review of a new organization's first large blasts ([trust] in tocsin.toml; policy/org_trust.h), set
  // before the gate is used; until then no blast is held for it.
  void review_new_orgs(TrustPolicy policy) { trust_ = policy; }
  const TrustPolicy& trust_policy() const { return trust_; }
  // How many advocacy letters one target address may get from one organization in 24 hours ([limits]
  // letters_per_target_per_day; default kLettersPerTargetPerDay), set before the gate is used.
  static constexpr int kLettersPerTargetPerDay = 100;
  void cap_letters_per_target(int per_day) { letters_per_target_ = per_day; }
  int letters_per_target() const { return letters_per_target_; }
  // The SMS provider's acceptable-use profile ([sms] profile; policy/provider_profile.h), set before the gate
  // is used; "default" (no provider rules) until then.
  void apply_provider_profile(ProviderProfile profile) { provider_ = std::move(profile); }
  // The operator's list of known spam traps (policy/spam_traps.h), asked for every email to a supporter
  // (`spam_trap`); set before the gate is used. Without one, no address is a trap.
  void use_spam_traps(std::shared_ptr<const SpamTrapFile> traps) { spam_traps_ = std::move(traps); }
  const ProviderProfile& provider_profile() const { return provider_; }
  // Why `org` may not blast under the required version (the refusal's sentence), or nullopt.
  std::optional<std::string> acceptable_use_unmet(const OrgMessaging& org) const;
  // The screening of one message's content for an organization, as the gate judges it (for previews and
  // the held-message record). Passes with a note when no screener is set.
  content::Screening screen(const std::string& org_id, const content::Content& c) const;
  // Whether a normalized address is on the operator's spam-trap list.
  bool is_spam_trap(const std::string& address) const;

  // The recipient rules alone (suppression, then subscription status) with the facts of this instant: the
  // last look a transport takes right before it commits a hand-over the gate cleared a moment ago
  // (messaging/opt_out_fence.h). No side effects.
  Decision last_look(const std::string& org_id, const ContactHash& contact) const;

 private:
  enum class Stage { kPlan, kDispatch };
  Decision judge(const OutboundEmail& m, Stage stage, Micros now) const;
  Decision judge(const OutboundSms& m, Stage stage, Micros now) const;
  Decision judge_confirmation(const OutboundSms& m, Stage stage, Micros now) const;
  Decision judge_help_reply(const OutboundSms& m) const;
  Decision judge_resubscribe_confirmation(const OutboundEmail& m, const OrgMessaging& org) const;
  Decision judge_staff_invitation(const OutboundEmail& m, const OrgMessaging* org) const;
  Decision judge_letter(const OutboundEmail& m, const std::shared_ptr<const OrgMessaging>& org, Stage stage,
                        Micros now) const;
  // The frequency-cap rule; at dispatch it also records the send.
  Decision cap(const std::string& org_id, Channel channel, const ContactHash& contact,
               const FrequencyCap& cap, Stage stage, Micros now) const;

  std::optional<Decision> content_rule(const OrgMessaging& org,
                                       const std::shared_ptr<const OrgMessaging>& org_ptr,
                                       const content::Content& c, bool approved) const;

  Facts facts_;
  Clock clock_;
  std::shared_ptr<const content::Screener> screener_;
  AcceptableUse acceptable_use_;
  TrustPolicy trust_{0, 1000};  // no review until configured (the serving process always configures it)
  ProviderProfile provider_;
  std::shared_ptr<const SpamTrapFile> spam_traps_;
  int letters_per_target_ = kLettersPerTargetPerDay;
};

}  // namespace tocsin::policy

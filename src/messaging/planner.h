// The planner: turns a message and its audience into per-recipient deliveries, asking the gate about each
// recipient (policy::Gate::plan — no side effects). Every person targeted ends up either queued (due now,
// or at the instant a quiet hour or cap ends) or excluded with a reason code, so a preflight and a sent
// blast can both say exactly who was left out and why (DESIGN invariant "every exclusion explained").
//
// In two steps, because the gate's consent facts take the organization's lock themselves:
// snapshot_audience under the organization's lock (shared), then plan_message without it. The plan is
// compact (store/delivery_plan.h): person, planned state, reason, next_at per recipient; the address and
// contact hash are the person's again when a delivery leaves the plan at dispatch.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "messaging/message.h"
#include "messaging/render.h"
#include "people/directory.h"
#include "policy/gate.h"
#include "store/delivery_plan.h"
#include "store/store.h"

namespace tocsin::messaging {

// Exclusions that are not the gate's: the person has no address on the message's channel.
inline constexpr std::string_view kNoEmailAddress = "no_email_address";
inline constexpr std::string_view kNoPhoneNumber = "no_phone_number";

struct PlanSummary {
  int64_t targeted = 0;  // people in the audience
  int64_t sendable = 0;  // would go now
  int64_t deferred = 0;  // would wait (quiet hours, caps)
  Micros deferred_until_latest = 0;
  std::map<std::string, int64_t> excluded;  // reason code -> people
  std::map<std::string, int64_t> waiting;   // reason code -> people deferred
  // A refusal of the whole message (unverified sender domain, no postal address, suspended organization,
  // unusable SMS sender, content rules) with the gate's sentence; empty when none.
  std::string blocked_reason, blocked_sentence;
  // Texts: segments of the text as sent — render_sms, the function the dispatcher sends with (brand prefix,
  // merge values, opt-out line of a first text) — the longest over the audience; its encoding (UCS-2 when
  // any recipient's text needs it) as policy::encoding_name spells it.
  int sms_segments = 0;
  std::string sms_encoding;
  // The special-category marks the targets use (people/special_category.h), "tag:<id>" / "list:<id>".
  std::vector<std::string> special_category_used;
};

struct Plan {
  PlanSummary summary;
  store::DeliveryPlan entries;  // every recipient, seq = index in audience order; empty when !keep_entries
};

// The targeted people as the planner and renderer need them, copied under the organization's lock into one
// buffer: a million recipients are a million small records, not three million strings.
class Audience {
 public:
  std::string org_id, brand;
  const ContactHasher* hasher = nullptr;
  bool gdpr_applies = false;                       // the organization's (core/org.h)
  std::vector<std::string> special_category_used;  // marks the targets use, as PlanSummary says

  void reserve(size_t people, size_t text_bytes);
  // `values` only for texts (email merges at hand-over, from the person).
  void add(std::string_view person_id, const std::optional<std::string>& address,
           const std::optional<std::string>& zip, MergeValues values);
  size_t size() const { return people_.size(); }
  std::string_view person_id(size_t i) const;
  std::optional<std::string_view> address(size_t i) const;  // on the message's channel
  std::optional<std::string_view> zip(size_t i) const;
  const MergeValues& values(size_t i) const;

 private:
  struct Span {
    uint32_t at = 0, id = 0, address = 0, zip = 0;  // lengths, back to back in text_ from `at`
    bool has_address = false, has_zip = false;
  };
  std::string text_;
  std::vector<Span> people_;
  std::vector<MergeValues> values_;  // empty, or one per person
};

// Call with the organization's lock held (shared).
Result<Audience> snapshot_audience(const people::OrgState& org, const Message& m);
// Call without it. Large audiences are planned on several threads (Gate::plan is const and thread-safe);
// the result is the same as on one, in audience order.
Plan plan_message(const Audience& audience, const Message& m, const policy::Gate& gate, Micros now,
                  bool keep_entries);

// An SMS sender's daily cap (`daily_cap` > 0; sms::Pacer counts per UTC day, `sent_today` so far): of the
// texts that would go now, only what the cap leaves today does; the others wait for the following days
// (deferred, reason kSenderDailyCap), as the dispatcher's pacer will hold them back.
inline constexpr std::string_view kSenderDailyCap = "sender_daily_cap";
void apply_sender_daily_cap(PlanSummary& sum, int64_t daily_cap, int64_t sent_today, Micros now);

// The US ZIP of a person's first US postal address, for quiet hours.
std::optional<std::string> zip_of(const Person& p);

}  // namespace tocsin::messaging

// A message (Action Network's "mass email"; tocsin also sends texts through the same resource with the
// namespaced `type: "tocsin:sms"`): its content, targets and life cycle.
//
// Life cycle (AN/OSDI statuses): draft -> scheduled -> sending -> sent, or stopped (DELETE .../send);
// a scheduled message can go back to draft (DELETE .../schedule). Only a draft can be edited, scheduled
// or sent. `paused` is tocsin's: the organization's bulk email was paused (complaint rate) or the
// organization was suspended mid-blast; deliveries not yet handed over wait. `held` is tocsin's too: content
// screening held the message at send (docs/POLICY.md "Content screening"); the platform operator approves it
// (`tocsin review approve`: back to draft, approved for exactly this content, so the next send goes) or
// rejects it (stopped); an edit by the organization makes it a draft again that is screened anew.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/contact_point.h"
#include "core/result.h"
#include "policy/gate.h"

namespace tocsin::messaging {

inline constexpr std::string_view kMessageKind = "message";

enum class MessageStatus { kDraft, kScheduled, kSending, kSent, kStopped, kPaused, kHeld };
std::string_view status_name(MessageStatus s);
std::optional<MessageStatus> parse_message_status(std::string_view s);

// Who a message goes to: the union of people on these lists, with these tags, or matching these queries.
struct Target {
  // kAction: the people with a record on an action (a petition's signers, an event's attendees), a tocsin
  // extension of Action Network's targets.
  enum class Kind { kList, kTag, kQuery, kAction } kind;
  std::string id;
  std::string collection = {};  // kAction: the action's collection in the API (petitions, events, ...)
  bool operator==(const Target&) const = default;
};

struct Message {
  std::string id;
  Channel channel = Channel::kEmail;
  std::vector<std::string> identifiers;
  std::string origin_system;
  std::string name;
  std::string subject;
  std::string body;           // HTML for email (a plain-text alternative is derived), UTF-8 text for SMS
  std::string body_markdown;  // email written in Markdown (the console): the source `body` was made from
  std::string from;           // display name
  std::string from_address;   // tocsin:from_address; defaults to reply_to
  std::string reply_to;
  std::vector<Target> targets;
  std::string wrapper_id;  // an osdi:wrapper action, or empty
  // SMS
  std::string sms_sender;  // one of the organization's senders
  bool marketing = false;  // marketing or fundraising content (SMS-T1)
  // What the blast is for (consent/scope.h; normalized, empty = a general message): the gate sends it only to
  // people whose consent covers it (`purpose_not_consented`).
  std::string purpose;
  // The special-category marks (people/special_category.h) its targets used, "tag:<id>" / "list:<id>",
  // fixed when it starts sending (so a resumed run judges the same way, and an access bundle can say so).
  std::vector<std::string> special_category_used;
  MessageStatus status = MessageStatus::kDraft;
  std::string status_reason;  // why paused or stopped
  Micros created = 0, modified = 0;
  Micros scheduled_at = 0;  // when scheduled
  Micros sent_start = 0, sent_end = 0;
  int64_t total_targeted = 0;  // recipients planned (at send time)
  // Content review: "" | "held" | "approved" | "rejected"; the digest of the content approved; the
  // screening findings as a JSON array when held or rejected (shown to the organization); the operator's
  // note.
  std::string review_state, review_digest, review_findings, review_note;
  // The organization's approval rule (Settings::send_approval): the staff member (email) who asked an admin
  // to approve and send this draft, and when; cleared when it is sent or edited.
  std::string approval_requested_by = {};
  Micros approval_requested_at = 0;
  // A sending blast paused by a staff member (email), and when: the dispatcher hands over nothing more until
  // it is resumed (Dispatcher::prepare_round, with the organization-level pause reasons). "" = not paused so.
  std::string paused_by = {};
  Micros paused_at = 0;

  std::string sender_address() const { return from_address.empty() ? reply_to : from_address; }
  // The lower-cased domain of sender_address(): the sending domain the gate checks and DKIM signs for.
  std::string sender_domain() const;
  // A digest of what screening reads (channel, from, subject, body): an approval holds for this content only.
  std::string content_digest() const;
  bool review_approved() const { return review_state == "approved" && review_digest == content_digest(); }
};

// The gate's view of what a blast declares (policy/gate.h): its purpose, and whether it uses special-category
// data of an organization under the GDPR.
policy::BlastScope blast_scope(const std::string& purpose,
                               const std::vector<std::string>& special_category_used, bool gdpr_applies);
inline policy::BlastScope blast_scope(const Message& m, bool gdpr_applies) {
  return blast_scope(m.purpose, m.special_category_used, gdpr_applies);
}

std::string encode_message(const Message& m);
Result<Message> decode_message(std::string_view doc);

}  // namespace tocsin::messaging

// What an inbound text (MO) does to an organization: the keyword rules of compliance-rules §1.4-§1.5.
//
// The HTTP side (api/sms_handlers.cc) authenticates and parses the gateway's callback (sms/kannel_inbound.h,
// sms/twilio_inbound.h), routes it to the organization whose senders include the number it was sent to
// (route_inbound), and runs apply_inbound as one committer job; the gateway is answered after that commit.
// So the opt-out is durable, and effective for running blasts (the dispatcher asks the gate before every
// hand-over, and the gate reads the suppression list changed here), before the gateway hears "done".
//
// apply_inbound, on the committer thread with the organization's lock held exclusively:
//  - stores every inbound text as an org document of kind "sms_inbound" (id "<gateway>:<gateway message
//    id>", so a gateway's retry of the same MO overwrites rather than duplicates);
//  - opt-out (STOP family, plain-language revocations; SMS-R1, SMS-K1): a ledger entry sms -> unsubscribed
//    (unless already unsubscribed) whose evidence names the keyword, the gateway, its message id and the time
//    the gateway received the text, and the organization's suppression of the number (one per organization
//    across its numbers, SMS-R4) in the store and in the serving list. A number no person has is handled the
//    same way, with an empty person id: the ledger is keyed by the number's hash, so the revocation stays
//    provable (tocsin evidence, GET /people/{id}/consent once a person has the number) without inventing a
//    supporter record from a text that asked to hear nothing more. The single confirmation (SMS-R3) is
//    asked for only when this text created the suppression: a repeated STOP, or a gateway's retry, gets no
//    second one;
//  - START/UNSTOP (SMS-K5): a number that opted out (status unsubscribed, or suppressed) gets a ledger entry
//    -> subscribed with the MO as evidence, loses its suppression, and a confirmation (sent as a reply to
//    the conversation it started). YES counts only right after a double-opt-in prompt, which tocsin does not
//    send yet, so a YES is stored and changes nothing; START from a number that never opted out changes
//    nothing either (a keyword is not the disclosed opt-in SMS-C1/O1 require);
//  - HELP/INFO (SMS-K2, SMS-K3): the HELP answer from the organization's settings, for any number;
//  - anything else: stored, no reply.
// Replies are not sent here (no I/O under the lock): the result carries the text to send through the gate
// (messaging/sms_replies.h) once the commit is durable.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "people/directory.h"
#include "policy/gate.h"
#include "sms/inbound.h"
#include "sms/keywords.h"
#include "store/store.h"

namespace tocsin::messaging {

inline constexpr std::string_view kInboundKind = "sms_inbound";

// An inbound text routed to an organization.
struct InboundSms {
  sms::InboundText text;  // `from` normalized to E.164; `to` the organization's sender as it is stored
  std::string gateway;    // "kannel" | "twilio"
  std::string remote_ip;  // the gateway's address, for the evidence
  std::string user_agent;
  std::string id() const { return gateway + ":" + text.gateway_message_id; }
};

// The organization that texts from `to` (E.164 or short code, as the gateway gave it) and the sender key
// it is stored under; null when no organization has the number. Takes each organization's lock shared.
struct InboundRoute {
  people::OrgState* org = nullptr;
  std::string sender;
};
InboundRoute route_inbound(const people::Directory& directory, const std::string& to);

// A text to send back after the commit, through the gate as `kind`.
struct KeywordReply {
  std::string org_id;
  policy::MessageKind kind = policy::MessageKind::kReply;
  std::string to;  // E.164
  ContactHash contact{};
  std::string sender;
  std::string body;
  // kStopConfirmation: the opt-out it confirms; its `confirmed` state is persisted before the text leaves.
  std::optional<store::SuppressionRow> confirms;
};

enum class InboundAction {
  kStored,           // no keyword: kept, no reply
  kOptedOut,         // ledger and suppression written now
  kAlreadyOptedOut,  // a repeated opt-out: nothing changed
  kResubscribed,     // START after an opt-out
  kNotResubscribed,  // START/YES without an opt-out to lift (or YES without a prompt)
  kHelp,             // HELP/INFO answered (or not, see InboundResult::note)
};
std::string_view action_name(InboundAction a);

struct InboundResult {
  sms::InboundIntent intent;
  InboundAction action = InboundAction::kStored;
  std::optional<KeywordReply> reply;
  std::string note;  // why an expected reply is missing (e.g. the HELP settings are incomplete)
};

// An inbound text as stored (kind kInboundKind): what came in and what it did.
struct StoredInbound {
  std::string gateway, from, to, text, person_id, intent, keyword, action, note;
  Micros received_at = 0, recorded_at = 0;
};
Result<StoredInbound> decode_inbound(std::string_view doc);

// A number as logs show it: its last four digits, enough to follow one conversation, not a contact list.
std::string log_number(std::string_view number);

InboundResult apply_inbound(people::OrgState& org, store::WriteBatch::OrgWrites& w, const InboundSms& in,
                            Micros now);

}  // namespace tocsin::messaging

#include "messaging/sms_inbound.h"

#include "core/doc_fields.h"
#include "core/json_out.h"
#include "sms/keyword_replies.h"

namespace tocsin::messaging {
namespace {

using consent::Status;

bool is_short_code(std::string_view n) {
  return !n.empty() && n.size() <= 6 && n.find_first_not_of("0123456789") == std::string_view::npos;
}

consent::Evidence evidence_of(const InboundSms& in, const sms::InboundIntent& intent, Micros now) {
  consent::Evidence ev;
  ev.actor = "recipient";  // the person holding the phone; the gateway only carried the text
  ev.source = "sms " + in.gateway + " message " + in.text.gateway_message_id + " to " + in.text.to;
  ev.method = intent.exact ? "sms keyword " + intent.keyword : "sms revocation phrase";
  ev.ip = in.remote_ip;
  ev.user_agent = in.user_agent.substr(0, 512);
  // When the gateway received the text; a gateway clock ahead of ours is not trusted over our own.
  if (in.text.received_at > 0 && in.text.received_at <= now) ev.consent_time = in.text.received_at;
  return ev;
}

std::string encode_inbound(const InboundSms& in, const InboundResult& r, const std::string& person_id,
                           Micros now) {
  JsonOut o;
  o.begin()
      .kv("gateway", in.gateway)
      .kv("gateway_message_id", in.text.gateway_message_id)
      .kv("from", in.text.from)
      .kv("to", in.text.to)
      .kv("text", in.text.text)
      .kv("received_at", in.text.received_at)
      .kv("recorded_at", now)
      .kv("person_id", person_id)
      .kv("intent", sms::kind_name(r.intent.kind))
      .kv("keyword", r.intent.keyword)
      .kv("action", action_name(r.action));
  if (!r.note.empty()) o.kv("note", r.note);
  return o.end().take();
}

}  // namespace

Result<StoredInbound> decode_inbound(std::string_view doc) {
  thread_local simdjson::dom::parser parser;
  auto root = parse_doc(doc, parser, "inbound text");
  if (!root) return root.error();
  DocFields f(root.value());
  StoredInbound s;
  s.gateway = f.str("gateway");
  s.from = f.str("from");
  s.to = f.str("to");
  s.text = f.str("text");
  s.person_id = f.str("person_id");
  s.intent = f.str("intent");
  s.keyword = f.str("keyword");
  s.action = f.str("action");
  s.note = f.str("note");
  s.received_at = f.integer("received_at");
  s.recorded_at = f.integer("recorded_at");
  return s;
}

std::string_view action_name(InboundAction a) {
  switch (a) {
    case InboundAction::kStored:
      return "stored";
    case InboundAction::kOptedOut:
      return "opted_out";
    case InboundAction::kAlreadyOptedOut:
      return "already_opted_out";
    case InboundAction::kResubscribed:
      return "resubscribed";
    case InboundAction::kNotResubscribed:
      return "not_resubscribed";
    case InboundAction::kHelp:
      return "help";
  }
  return "stored";
}

std::string log_number(std::string_view number) {
  return "..." + std::string(number.substr(number.size() > 4 ? number.size() - 4 : 0));
}

InboundRoute route_inbound(const people::Directory& directory, const std::string& to) {
  for (auto* org : directory.all()) {
    std::shared_lock lock(org->mu);
    const auto& senders = org->messaging.senders();
    if (senders.count(to)) return {org, to};
    if (is_short_code(to)) continue;
    // Gateways differ in how they write the number: "12025550100", "+1 202 555 0100", "2025550100".
    auto e164 = normalize_phone(to, org->org.default_region);
    if (e164 && senders.count(e164.value())) return {org, e164.value()};
  }
  return {};
}

InboundResult apply_inbound(people::OrgState& org, store::WriteBatch::OrgWrites& w, const InboundSms& in,
                            Micros now) {
  InboundResult r;
  r.intent = sms::classify_inbound(in.text.text);
  const std::string& number = in.text.from;
  const std::string& org_id = org.org.id;
  ContactHash contact = org.hasher->hash(Channel::kSms, number);
  const Person* person = org.find_by_contact(Channel::kSms, number);
  std::string person_id = person ? person->id : std::string();
  auto& suppressions = org.messaging.suppressions();
  const auto& settings = org.messaging.settings();
  sms::ProgramInfo program{org.messaging.gate_view()->brand_name, "", settings.support_contact,
                           settings.message_frequency, settings.emergency_contact};
  auto reply = [&](policy::MessageKind kind, std::string body) {
    return KeywordReply{org_id, kind, number, contact, in.text.to, std::move(body), std::nullopt};
  };

  switch (r.intent.kind) {
    case sms::InboundIntent::Kind::kOptOut: {
      bool ledger = org.status_of(contact) != Status::kUnsubscribed;
      if (ledger)
        org.record_status(w, Channel::kSms, number, person_id, Status::kUnsubscribed,
                          evidence_of(in, r.intent, now), now);
      if (suppressions.find(org_id, contact)) {
        // The earlier opt-out stands, with its own (single) confirmation.
        r.action = ledger ? InboundAction::kOptedOut : InboundAction::kAlreadyOptedOut;
        break;
      }
      store::SuppressionRow row{org_id,
                                Channel::kSms,
                                contact,
                                now,
                                "sms opt-out " + r.intent.keyword,
                                /*confirmed=*/false};
      w.add(store::op::PutSuppression{row});
      suppressions.add_org(org_id, contact, now);
      r.action = InboundAction::kOptedOut;
      r.reply = reply(policy::MessageKind::kStopConfirmation, sms::stop_confirmation(program));
      r.reply->confirms = row;
      break;
    }
    case sms::InboundIntent::Kind::kOptIn: {
      r.action = InboundAction::kNotResubscribed;
      if (r.intent.needs_recent_prompt) {
        r.note = "YES counts only right after a double opt-in prompt, and none was sent";
        break;
      }
      Status status = org.status_of(contact);
      auto hit = suppressions.find(org_id, contact);
      if (hit && hit->scope == policy::SuppressionScope::kErased) {
        r.note = "the number was erased at its owner's request; START does not lift an erasure";
        break;
      }
      bool suppressed = hit.has_value();
      if (status != Status::kUnsubscribed && !suppressed) {
        r.note = "no opt-out to lift";
        break;
      }
      if (status != Status::kSubscribed)
        org.record_status(w, Channel::kSms, number, person_id, Status::kSubscribed,
                          evidence_of(in, r.intent, now), now);
      if (suppressed) {
        w.add(store::op::DeleteSuppression{Channel::kSms, contact});
        suppressions.remove_org(org_id, contact);
      }
      r.action = InboundAction::kResubscribed;
      r.reply = reply(policy::MessageKind::kReply, sms::resubscribe_reply(program));
      break;
    }
    case sms::InboundIntent::Kind::kHelp: {
      r.action = InboundAction::kHelp;
      if (auto ok = sms::validate(program); !ok)
        r.note = "HELP not answered: " + ok.error().message;
      else
        r.reply = reply(policy::MessageKind::kHelpReply, sms::help_answer(program));
      break;
    }
    case sms::InboundIntent::Kind::kNone:
      break;
  }
  w.add(store::op::PutDoc{
      store::OrgDoc{std::string(kInboundKind), in.id(), encode_inbound(in, r, person_id, now)}});
  return r;
}

}  // namespace tocsin::messaging

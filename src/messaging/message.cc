#include "messaging/message.h"

#include <simdjson.h>
#include <sodium.h>

#include "core/doc_fields.h"
#include "core/json_out.h"
#include "core/text.h"

namespace tocsin::messaging {
namespace {

constexpr std::string_view kStatusNames[] = {"draft",   "scheduled", "sending", "sent",
                                             "stopped", "paused",    "held"};
constexpr std::string_view kTargetKinds[] = {"list", "tag", "query", "action"};

}  // namespace

std::string_view status_name(MessageStatus s) {
  return kStatusNames[static_cast<int>(s)];
}

std::optional<MessageStatus> parse_message_status(std::string_view s) {
  for (int i = 0; i < 7; ++i)
    if (kStatusNames[i] == s) return static_cast<MessageStatus>(i);
  return std::nullopt;
}

std::string Message::sender_domain() const {
  std::string address = sender_address();
  auto at = address.rfind('@');
  return at == std::string::npos ? std::string() : lower_ascii(address.substr(at + 1));
}

std::string Message::content_digest() const {
  crypto_generichash_state st;
  unsigned char out[16];
  crypto_generichash_init(&st, nullptr, 0, sizeof out);
  for (std::string_view part : {std::string_view(channel_name(channel)), std::string_view(from),
                                std::string_view(subject), std::string_view(body)}) {
    uint64_t n = part.size();  // length-prefixed, so the parts cannot run into each other
    crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(&n), sizeof n);
    crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(part.data()), part.size());
  }
  crypto_generichash_final(&st, out, sizeof out);
  static const char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char b : out) {
    hex += kHex[b >> 4];
    hex += kHex[b & 15];
  }
  return hex;
}

policy::BlastScope blast_scope(const std::string& purpose,
                               const std::vector<std::string>& special_category_used, bool gdpr_applies) {
  return {purpose, gdpr_applies && !special_category_used.empty()};
}

std::string encode_message(const Message& m) {
  JsonOut o;
  o.begin()
      .kv("id", m.id)
      .kv("channel", channel_name(m.channel))
      .kv("origin_system", m.origin_system)
      .kv("name", m.name)
      .kv("subject", m.subject)
      .kv("body", m.body)
      .kv("from", m.from)
      .kv("from_address", m.from_address)
      .kv("reply_to", m.reply_to)
      .kv("wrapper_id", m.wrapper_id)
      .kv("sms_sender", m.sms_sender)
      .kv("marketing", m.marketing)
      .kv("purpose", m.purpose)
      .kv("status", status_name(m.status))
      .kv("status_reason", m.status_reason)
      .kv("created", m.created)
      .kv("modified", m.modified)
      .kv("scheduled_at", m.scheduled_at)
      .kv("sent_start", m.sent_start)
      .kv("sent_end", m.sent_end)
      .kv("total_targeted", m.total_targeted);
  if (!m.review_state.empty())
    o.kv("review_state", m.review_state)
        .kv("review_digest", m.review_digest)
        .kv("review_findings", m.review_findings)
        .kv("review_note", m.review_note);
  if (!m.approval_requested_by.empty())
    o.kv("approval_requested_by", m.approval_requested_by)
        .kv("approval_requested_at", m.approval_requested_at);
  if (!m.paused_by.empty()) o.kv("paused_by", m.paused_by).kv("paused_at", m.paused_at);
  if (!m.body_markdown.empty()) o.kv("body_markdown", m.body_markdown);
  o.begin_array("identifiers");
  for (const auto& i : m.identifiers) o.str(i);
  o.end_array().begin_array("special_category_used");
  for (const auto& u : m.special_category_used) o.str(u);
  o.end_array().begin_array("targets");
  // An action target keeps its collection: "action:petitions/<id>".
  for (const auto& t : m.targets)
    o.str(std::string(kTargetKinds[static_cast<int>(t.kind)]) + ":" +
          (t.kind == Target::Kind::kAction ? t.collection + "/" + t.id : t.id));
  o.end_array();
  return o.end().take();
}

Result<Message> decode_message(std::string_view doc) {
  thread_local simdjson::dom::parser parser;
  auto root = parse_doc(doc, parser, "message");
  if (!root) return root.error();
  DocFields f(root.value());
  Message m;
  m.id = f.str("id");
  m.channel = f.str("channel") == "sms" ? Channel::kSms : Channel::kEmail;
  m.identifiers = f.strings("identifiers");
  m.origin_system = f.str("origin_system");
  m.name = f.str("name");
  m.subject = f.str("subject");
  m.body = f.str("body");
  m.from = f.str("from");
  m.from_address = f.str("from_address");
  m.reply_to = f.str("reply_to");
  m.wrapper_id = f.str("wrapper_id");
  m.sms_sender = f.str("sms_sender");
  m.marketing = f.boolean("marketing");
  m.purpose = f.str("purpose");
  m.special_category_used = f.strings("special_category_used");
  m.status = parse_message_status(f.str("status")).value_or(MessageStatus::kDraft);
  m.status_reason = f.str("status_reason");
  m.created = f.integer("created");
  m.modified = f.integer("modified");
  m.scheduled_at = f.integer("scheduled_at");
  m.sent_start = f.integer("sent_start");
  m.sent_end = f.integer("sent_end");
  m.total_targeted = f.integer("total_targeted");
  m.approval_requested_by = f.str("approval_requested_by");
  m.approval_requested_at = f.integer("approval_requested_at");
  m.paused_by = f.str("paused_by");
  m.body_markdown = f.str("body_markdown");
  m.paused_at = f.integer("paused_at");
  m.review_state = f.str("review_state");
  m.review_digest = f.str("review_digest");
  m.review_findings = f.str("review_findings");
  m.review_note = f.str("review_note");
  for (const auto& t : f.strings("targets")) {
    auto colon = t.find(':');
    if (colon == std::string::npos) continue;
    for (int k = 0; k < 4; ++k) {
      if (kTargetKinds[k] != std::string_view(t).substr(0, colon)) continue;
      Target target{static_cast<Target::Kind>(k), t.substr(colon + 1)};
      if (target.kind == Target::Kind::kAction) {
        auto slash = target.id.find('/');
        if (slash == std::string::npos) break;
        target.collection = target.id.substr(0, slash);
        target.id = target.id.substr(slash + 1);
      }
      m.targets.push_back(std::move(target));
    }
  }
  return m;
}

}  // namespace tocsin::messaging

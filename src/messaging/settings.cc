#include "messaging/settings.h"

#include <simdjson.h>

#include "core/doc_fields.h"
#include "core/json_out.h"

namespace tocsin::messaging {

std::string_view sender_type_name(policy::SenderType t) {
  switch (t) {
    case policy::SenderType::kLongCode:
      return "long_code";
    case policy::SenderType::kTenDlc:
      return "10dlc";
    case policy::SenderType::kTollFree:
      return "toll_free";
    case policy::SenderType::kShortCode:
      return "short_code";
  }
  return "long_code";
}

std::optional<policy::SenderType> parse_sender_type(std::string_view name) {
  for (auto t : {policy::SenderType::kLongCode, policy::SenderType::kTenDlc, policy::SenderType::kTollFree,
                 policy::SenderType::kShortCode})
    if (sender_type_name(t) == name) return t;
  return std::nullopt;
}

std::string encode_settings(const Settings& s) {
  JsonOut o;
  o.begin()
      .kv("postal_address", s.postal_address)
      .kv("brand_name", s.brand_name)
      .kv("support_contact", s.support_contact)
      .kv("message_frequency", s.message_frequency)
      .kv("help_preferences_link", s.help_preferences_link)
      .kv("send_approval", s.send_approval)
      .kv("email_cap_max", int64_t{s.email_cap.max})
      .kv("email_cap_window", s.email_cap.window)
      .kv("sms_cap_max", int64_t{s.sms_cap.max})
      .kv("sms_cap_window", s.sms_cap.window)
      .kv("long_code_max_recipients", s.long_code_max_recipients)
      .kv("max_segments", int64_t{s.max_segments})
      .kv("sms_age_required", s.sms_age_required)
      .kv("suspended", s.suspended)
      .kv("suspended_reason", s.suspended_reason)
      .kv("evidence_overdue", s.evidence_overdue)
      .kv("bulk_email_paused", s.bulk_email_paused)
      .kv("bulk_email_paused_reason", s.bulk_email_paused_reason)
      .kv("bulk_email_paused_at", s.bulk_email_paused_at)
      .kv("bulk_texts_paused", s.bulk_texts_paused)
      .kv("bulk_texts_paused_reason", s.bulk_texts_paused_reason)
      .kv("bulk_texts_paused_at", s.bulk_texts_paused_at)
      .kv("trusted", s.trusted)
      .kv("trusted_reason", s.trusted_reason)
      .kv("trusted_at", s.trusted_at)
      .kv("emergency_contact", s.emergency_contact)
      .kv("acceptable_use_accepted", s.acceptable_use_accepted);
  if (s.tracking) o.kv("tracking", *s.tracking);
  o.begin_array("verified_entities");
  for (const auto& e : s.verified_entities) o.str(e);
  o.end_array().begin_array("age_gated_content");
  for (const auto& c : s.age_gated_content) o.str(c);
  o.end_array().begin_array("restricted");
  for (const auto& h : s.restricted) o.str(h);
  o.end_array();
  return o.end().take();
}

Result<Settings> decode_settings(std::string_view doc) {
  thread_local simdjson::dom::parser parser;
  auto root = parse_doc(doc, parser, "messaging settings");
  if (!root) return root.error();
  DocFields f(root.value());
  Settings s;
  s.postal_address = f.str("postal_address");
  s.brand_name = f.str("brand_name");
  s.support_contact = f.str("support_contact");
  s.message_frequency = f.str("message_frequency", s.message_frequency);
  s.help_preferences_link = f.boolean("help_preferences_link");
  s.send_approval = f.boolean("send_approval");
  s.email_cap = {static_cast<int>(f.integer("email_cap_max")), f.integer("email_cap_window")};
  s.sms_cap = {static_cast<int>(f.integer("sms_cap_max", s.sms_cap.max)),
               f.integer("sms_cap_window", s.sms_cap.window)};
  s.long_code_max_recipients = f.integer("long_code_max_recipients", s.long_code_max_recipients);
  s.max_segments = static_cast<int>(f.integer("max_segments", s.max_segments));
  s.sms_age_required = f.boolean("sms_age_required");
  s.suspended = f.boolean("suspended");
  s.suspended_reason = f.str("suspended_reason");
  s.evidence_overdue = f.str("evidence_overdue");
  s.restricted = f.strings("restricted");
  s.bulk_email_paused = f.boolean("bulk_email_paused");
  s.bulk_email_paused_reason = f.str("bulk_email_paused_reason");
  s.bulk_email_paused_at = f.integer("bulk_email_paused_at");
  s.bulk_texts_paused = f.boolean("bulk_texts_paused");
  s.bulk_texts_paused_reason = f.str("bulk_texts_paused_reason");
  s.bulk_texts_paused_at = f.integer("bulk_texts_paused_at");
  s.trusted = f.boolean("trusted");
  s.trusted_reason = f.str("trusted_reason");
  s.trusted_at = f.integer("trusted_at");
  s.emergency_contact = f.str("emergency_contact");
  s.acceptable_use_accepted = f.str("acceptable_use_accepted");
  s.tracking = f.optional_boolean("tracking");
  for (auto& e : f.strings("verified_entities")) s.verified_entities.insert(std::move(e));
  for (auto& c : f.strings("age_gated_content")) s.age_gated_content.insert(std::move(c));
  return s;
}

std::string encode_domain(const SendingDomain& d) {
  JsonOut o;
  o.begin()
      .kv("domain", d.domain)
      .kv("selector", d.selector)
      .kv("private_key_pem", d.private_key_pem)
      .kv("public_key_b64", d.public_key_b64)
      .kv("created", d.created)
      .kv("verified_at", d.verified_at)
      .kv("last_check", d.last_check)
      .kv("disabled_reason", d.disabled_reason)
      .kv("disabled_at", d.disabled_at)
      .kv("dkim_domain", d.dkim_domain)
      .kv("dmarc_state", d.dmarc_state)
      .kv("dmarc_sentence", d.dmarc_sentence)
      .kv("auth_checked_at", d.auth_checked_at);
  o.begin_array("auth_checks");
  for (const auto& c : d.auth_checks)
    o.begin()
        .kv("name", c.name)
        .kv("outcome", c.outcome)
        .kv("record_name", c.record_name)
        .kv("record_value", c.record_value)
        .kv("sentence", c.sentence)
        .end();
  o.end_array();
  return o.end().take();
}

Result<SendingDomain> decode_domain(std::string_view doc) {
  thread_local simdjson::dom::parser parser;
  auto root = parse_doc(doc, parser, "sending domain");
  if (!root) return root.error();
  DocFields f(root.value());
  SendingDomain d{f.str("domain"),         f.str("selector"),        f.str("private_key_pem"),
                  f.str("public_key_b64"), f.integer("created"),     f.integer("verified_at"),
                  f.str("last_check"),     f.str("disabled_reason"), f.integer("disabled_at")};
  d.dkim_domain = f.str("dkim_domain");
  d.dmarc_state = f.str("dmarc_state");
  d.dmarc_sentence = f.str("dmarc_sentence");
  d.auth_checked_at = f.integer("auth_checked_at");
  simdjson::dom::array checks;
  if (!root.value()["auth_checks"].get_array().get(checks))
    for (auto item : checks) {
      DocFields c(item);
      d.auth_checks.push_back(
          {c.str("name"), c.str("outcome"), c.str("record_name"), c.str("record_value"), c.str("sentence")});
    }
  return d;
}

std::optional<policy::OrgMessaging::DmarcShortfall> dmarc_shortfall(const SendingDomain& d) {
  if (d.dmarc_state == email::dmarc_state_name(email::DmarcState::kEnforced) ||
      d.dmarc_state == email::dmarc_state_name(email::DmarcState::kMonitor))
    return std::nullopt;
  if (d.dmarc_state.empty())
    return policy::OrgMessaging::DmarcShortfall{
        false,
        "DMARC was not checked for " + d.domain + " yet: verify the domain again (tocsin domain verify)."};
  return policy::OrgMessaging::DmarcShortfall{
      d.dmarc_state == email::dmarc_state_name(email::DmarcState::kMisaligned), d.dmarc_sentence};
}

std::string encode_sender(const SmsSender& s) {
  JsonOut o;
  o.begin()
      .kv("number", s.number)
      .kv("type", sender_type_name(s.type))
      .kv("registered", s.registered)
      .kv("campaign_id", s.campaign_id)
      .kv("mps", s.mps)
      .kv("daily_cap", s.daily_cap)
      .kv("created", s.created)
      .kv("disabled_reason", s.disabled_reason)
      .kv("disabled_at", s.disabled_at)
      .kv("blasts_paused_reason", s.blasts_paused_reason)
      .kv("blasts_paused_at", s.blasts_paused_at)
      .kv("opt_outs_counted_from", s.opt_outs_counted_from);
  return o.end().take();
}

Result<SmsSender> decode_sender(std::string_view doc) {
  thread_local simdjson::dom::parser parser;
  auto root = parse_doc(doc, parser, "SMS sender");
  if (!root) return root.error();
  DocFields f(root.value());
  SmsSender s;
  s.number = f.str("number");
  s.type = parse_sender_type(f.str("type")).value_or(policy::SenderType::kLongCode);
  s.registered = f.boolean("registered");
  s.campaign_id = f.str("campaign_id");
  s.mps = f.number("mps", 1.0);
  s.daily_cap = f.integer("daily_cap");
  s.created = f.integer("created");
  s.disabled_reason = f.str("disabled_reason");
  s.disabled_at = f.integer("disabled_at");
  s.blasts_paused_reason = f.str("blasts_paused_reason");
  s.blasts_paused_at = f.integer("blasts_paused_at");
  s.opt_outs_counted_from = f.integer("opt_outs_counted_from");
  return s;
}

policy::OrgMessaging to_policy(const Settings& s, const std::map<std::string, SendingDomain>& domains,
                               const std::map<std::string, SmsSender>& senders) {
  policy::OrgMessaging m;
  m.suspended = s.suspended;
  m.suspended_reason = s.suspended_reason;
  m.evidence_overdue = s.evidence_overdue;
  m.acceptable_use_accepted = s.acceptable_use_accepted;
  for (const auto& hex : s.restricted)
    if (auto h = contact_hash_from_hex(hex)) m.restricted.insert(*h);
  m.bulk_email_paused = s.bulk_email_paused;
  m.bulk_email_paused_reason = s.bulk_email_paused_reason;
  if (s.bulk_texts_paused)
    m.bulk_texts_paused_reason =
        s.bulk_texts_paused_reason.empty() ? "paused by the platform" : s.bulk_texts_paused_reason;
  m.trusted = s.trusted;
  m.verified_entities = s.verified_entities;
  m.age_gated_content = s.age_gated_content;
  m.postal_address = s.postal_address;
  m.brand_name = s.brand_name;
  for (const auto& [name, d] : domains) {
    if (d.verified_at > 0) m.verified_email_domains.insert(name);
    if (!d.disabled_reason.empty()) m.disabled_email_domains[name] = d.disabled_reason;
    if (auto why = dmarc_shortfall(d)) m.dmarc_unmet_email_domains[name] = std::move(*why);
  }
  for (const auto& [number, sender] : senders)
    m.sms_senders[number] = {sender.type, sender.registered, sender.disabled_reason,
                             sender.blasts_paused_reason};
  m.email_cap = s.email_cap;
  m.sms_cap = s.sms_cap;
  m.long_code_max_recipients = s.long_code_max_recipients;
  m.max_segments = s.max_segments;
  return m;
}

bool tracking_enabled(const Settings& s, bool gdpr_applies) {
  return s.tracking.value_or(!gdpr_applies);
}

}  // namespace tocsin::messaging

#include "app/config.h"

#include <filesystem>
#include <set>

#include <toml++/toml.h>

#include "core/text.h"
#include "policy/provider_profile.h"

namespace tocsin {

namespace {

// [trust] (policy/org_trust.h). Percentages are of handed-over messages, 0 turns a breaker off.
Status load_trust(toml::node_view<toml::node> t, Config& c) {
  auto& tr = c.trust;
  auto& p = c.pause;
  tr.review_first_blasts =
      static_cast<int>(t["review_first_blasts"].value_or(int64_t{tr.review_first_blasts}));
  tr.review_over_recipients = t["review_over_recipients"].value_or(tr.review_over_recipients);
  p.complaint_percent = t["complaint_pause_percent"].value_or(p.complaint_percent);
  p.unknown_user_percent = t["unknown_user_pause_percent"].value_or(p.unknown_user_percent);
  p.email_min_handed_over = t["email_pause_min_handed_over"].value_or(p.email_min_handed_over);
  p.undeliverable_percent = t["texts_undeliverable_pause_percent"].value_or(p.undeliverable_percent);
  p.texts_min_handed_over = t["texts_pause_min_handed_over"].value_or(p.texts_min_handed_over);
  p.spam_trap_hits = t["spam_trap_pause_hits"].value_or(p.spam_trap_hits);
  if (tr.review_first_blasts < 0 || tr.review_first_blasts > 1000)
    return bad_request("tocsin.toml: trust.review_first_blasts must be between 0 (no review) and 1000");
  if (tr.review_over_recipients < 0)
    return bad_request("tocsin.toml: trust.review_over_recipients must not be negative");
  for (double pct : {p.complaint_percent, p.unknown_user_percent, p.undeliverable_percent})
    if (pct < 0 || pct > 100)
      return bad_request("tocsin.toml: trust.*_percent must be between 0 (off) and 100");
  if (p.spam_trap_hits < 0)
    return bad_request("tocsin.toml: trust.spam_trap_pause_hits must be 0 (off) or more");
  if (p.email_min_handed_over < 1 || p.texts_min_handed_over < 1)
    return bad_request("tocsin.toml: trust.*_min_handed_over must be at least 1");
  return Ok{};
}

}  // namespace

Result<Config> load_config(const std::string& data_dir) {
  Config c;
  auto path = std::filesystem::path(data_dir) / "tocsin.toml";
  if (!std::filesystem::exists(path)) return c;
  toml::table t;
  try {
    t = toml::parse_file(path.string());
  } catch (const toml::parse_error& e) {
    return bad_request(std::string("cannot parse ") + path.string() + ": " + std::string(e.description()));
  }
  static const std::set<std::string> kKnown = {"server.listen",
                                               "screening.spamd",
                                               "privacy.access_log",
                                               "privacy.retention_sweep_seconds",
                                               "privacy.disclosure_flush_seconds",
                                               "metrics.token",
                                               "platform.acceptable_use_version",
                                               "platform.acceptable_use_url",
                                               "server.public_url",
                                               "server.max_body_bytes",
                                               "server.io_threads",
                                               "server.trusted_proxy_header",
                                               "server.anonymous_signup_org",
                                               "limits.key_requests_per_second",
                                               "limits.key_burst",
                                               "limits.helper_posts_per_ip_per_second",
                                               "limits.helper_burst",
                                               "limits.helper_posts_per_action_per_second",
                                               "limits.helper_action_burst",
                                               "limits.helper_posts_per_phone_per_hour",
                                               "limits.helper_phone_burst",
                                               "limits.challenge_posts_per_minute",
                                               "limits.challenge_bits",
                                               "limits.challenge_wait_seconds",
                                               "limits.letters_per_target_per_day",
                                               "privacy.age_custom_field",
                                               "email.mail_domain",
                                               "email.outbox_dir",
                                               "email.smtp_host",
                                               "email.smtp_port",
                                               "email.smtp_starttls",
                                               "email.smtp_username",
                                               "email.smtp_password",
                                               "email.smtp_connections",
                                               "email.smtp_max_per_second",
                                               "email.ingest_secret",
                                               "sms.gateway",
                                               "sms.outbox_file",
                                               "sms.kannel_sendsms_url",
                                               "sms.kannel_username",
                                               "sms.kannel_password",
                                               "sms.kannel_secret",
                                               "sms.twilio_base_url",
                                               "sms.twilio_account_sid",
                                               "sms.twilio_auth_token",
                                               "sms.twilio_messaging_service_sid",
                                               "sms.connections",
                                               "sms.opt_out_pause_percent",
                                               "sms.price_per_segment",
                                               "sms.price_currency",
                                               "sms.opt_out_pause_min_texts",
                                               "sms.opt_out_pause_window_hours",
                                               "sms.profile",
                                               "trust.review_first_blasts",
                                               "trust.review_over_recipients",
                                               "trust.complaint_pause_percent",
                                               "trust.unknown_user_pause_percent",
                                               "trust.email_pause_min_handed_over",
                                               "trust.texts_undeliverable_pause_percent",
                                               "trust.texts_pause_min_handed_over",
                                               "console.count_inline_below",
                                               "trust.spam_trap_pause_hits",
                                               "dns.domain_recheck_seconds",
                                               "dns.resolver",
                                               "keys.kek_file",  // read by app/kek_location.h
                                               "store.backend",  // read by app/store_location.h
                                               "store.url"};
  for (const auto& [section, node] : t) {
    const auto* tbl = node.as_table();
    if (section.str() == "payments") continue;  // its own keys: app/payments_config.h
    if (!tbl) return bad_request("tocsin.toml: unknown key " + std::string(section.str()));
    for (const auto& [key, _] : *tbl) {
      std::string full = std::string(section.str()) + "." + std::string(key.str());
      if (!kKnown.count(full)) return bad_request("tocsin.toml: unknown key " + full);
    }
  }
  c.listen = t["server"]["listen"].value_or(c.listen);
  c.public_url = t["server"]["public_url"].value_or(c.public_url);
  c.max_body_bytes = t["server"]["max_body_bytes"].value_or(static_cast<int64_t>(c.max_body_bytes));
  c.io_threads = t["server"]["io_threads"].value_or(static_cast<int64_t>(c.io_threads));
  c.trusted_proxy_header = t["server"]["trusted_proxy_header"].value_or(c.trusted_proxy_header);
  c.anonymous_signup_org = t["server"]["anonymous_signup_org"].value_or(c.anonymous_signup_org);
  auto num = [&](const char* key, double def) {
    auto n = t["limits"][key];
    if (auto d = n.value<double>()) return *d;
    return def;
  };
  c.key_requests_per_second = num("key_requests_per_second", c.key_requests_per_second);
  c.key_burst = num("key_burst", c.key_burst);
  c.helper_posts_per_ip_per_second = num("helper_posts_per_ip_per_second", c.helper_posts_per_ip_per_second);
  c.helper_burst = num("helper_burst", c.helper_burst);
  c.helper_posts_per_action_per_second =
      num("helper_posts_per_action_per_second", c.helper_posts_per_action_per_second);
  c.helper_action_burst = num("helper_action_burst", c.helper_action_burst);
  c.helper_posts_per_phone_per_hour =
      num("helper_posts_per_phone_per_hour", c.helper_posts_per_phone_per_hour);
  c.helper_phone_burst = num("helper_phone_burst", c.helper_phone_burst);
  c.challenge_posts_per_minute =
      static_cast<int>(num("challenge_posts_per_minute", c.challenge_posts_per_minute));
  c.challenge_bits = static_cast<int>(num("challenge_bits", c.challenge_bits));
  c.challenge_wait_seconds = static_cast<int>(num("challenge_wait_seconds", c.challenge_wait_seconds));
  c.letters_per_target_per_day =
      static_cast<int>(num("letters_per_target_per_day", c.letters_per_target_per_day));
  if (c.letters_per_target_per_day < 1)
    return bad_request("tocsin.toml: limits.letters_per_target_per_day must be at least 1");
  if (c.challenge_bits < 1 || c.challenge_bits > 32)
    return bad_request("tocsin.toml: limits.challenge_bits must be between 1 and 32");
  if (c.challenge_posts_per_minute < 0 || c.challenge_wait_seconds < 0)
    return bad_request(
        "tocsin.toml: limits.challenge_posts_per_minute and challenge_wait_seconds must not be negative");
  c.age_custom_field = t["privacy"]["age_custom_field"].value_or(c.age_custom_field);
  c.console_count_inline_below = t["console"]["count_inline_below"].value_or(c.console_count_inline_below);
  if (c.console_count_inline_below < 0)
    return bad_request("tocsin.toml: console.count_inline_below must not be negative");
  auto& e = c.email;
  e.mail_domain = lower_ascii(t["email"]["mail_domain"].value_or(e.mail_domain));
  e.outbox_dir = t["email"]["outbox_dir"].value_or(e.outbox_dir);
  e.smtp_host = t["email"]["smtp_host"].value_or(e.smtp_host);
  e.smtp_port = static_cast<int>(t["email"]["smtp_port"].value_or(int64_t{e.smtp_port}));
  e.smtp_starttls = t["email"]["smtp_starttls"].value_or(e.smtp_starttls);
  e.smtp_username = t["email"]["smtp_username"].value_or(e.smtp_username);
  e.smtp_password = t["email"]["smtp_password"].value_or(e.smtp_password);
  e.smtp_connections = static_cast<int>(t["email"]["smtp_connections"].value_or(int64_t{e.smtp_connections}));
  e.smtp_max_per_second = t["email"]["smtp_max_per_second"].value_or(e.smtp_max_per_second);
  e.ingest_secret = t["email"]["ingest_secret"].value_or(e.ingest_secret);
  if (e.smtp_starttls != "required" && e.smtp_starttls != "optional" && e.smtp_starttls != "off")
    return bad_request("tocsin.toml: email.smtp_starttls must be required, optional or off");
  auto& m = c.sms;
  m.gateway = t["sms"]["gateway"].value_or(m.gateway);
  m.outbox_file = t["sms"]["outbox_file"].value_or(m.outbox_file);
  m.kannel_sendsms_url = t["sms"]["kannel_sendsms_url"].value_or(m.kannel_sendsms_url);
  m.kannel_username = t["sms"]["kannel_username"].value_or(m.kannel_username);
  m.kannel_password = t["sms"]["kannel_password"].value_or(m.kannel_password);
  m.kannel_secret = t["sms"]["kannel_secret"].value_or(m.kannel_secret);
  m.twilio_base_url = t["sms"]["twilio_base_url"].value_or(m.twilio_base_url);
  m.twilio_account_sid = t["sms"]["twilio_account_sid"].value_or(m.twilio_account_sid);
  m.twilio_auth_token = t["sms"]["twilio_auth_token"].value_or(m.twilio_auth_token);
  m.twilio_messaging_service_sid =
      t["sms"]["twilio_messaging_service_sid"].value_or(m.twilio_messaging_service_sid);
  if (m.gateway != "outbox" && m.gateway != "kannel" && m.gateway != "twilio")
    return bad_request("tocsin.toml: sms.gateway must be outbox, kannel or twilio");
  m.connections = static_cast<int>(t["sms"]["connections"].value_or(int64_t{m.connections}));
  if (m.connections < 1 || m.connections > 256)
    return bad_request("tocsin.toml: sms.connections must be between 1 and 256");
  m.opt_out_pause_percent = t["sms"]["opt_out_pause_percent"].value_or(m.opt_out_pause_percent);
  m.opt_out_pause_min_texts = t["sms"]["opt_out_pause_min_texts"].value_or(m.opt_out_pause_min_texts);
  m.opt_out_pause_window_hours =
      t["sms"]["opt_out_pause_window_hours"].value_or(m.opt_out_pause_window_hours);
  if (m.opt_out_pause_percent < 0 || m.opt_out_pause_percent > 100)
    return bad_request("tocsin.toml: sms.opt_out_pause_percent must be between 0 (off) and 100");
  if (m.opt_out_pause_min_texts < 1)
    return bad_request("tocsin.toml: sms.opt_out_pause_min_texts must be at least 1");
  // The window is rebuilt at start from the deliveries the send history keeps (7 days).
  if (m.opt_out_pause_window_hours < 1 || m.opt_out_pause_window_hours > 168)
    return bad_request("tocsin.toml: sms.opt_out_pause_window_hours must be between 1 and 168");
  m.price_per_segment = t["sms"]["price_per_segment"].value_or(m.price_per_segment);
  m.price_currency = t["sms"]["price_currency"].value_or(m.price_currency);
  if (m.price_per_segment < 0 || m.price_per_segment > 100)
    return bad_request("tocsin.toml: sms.price_per_segment must be between 0 (no estimate) and 100");
  if (m.price_currency.size() != 3)
    return bad_request("tocsin.toml: sms.price_currency must be a three-letter currency code, e.g. \"USD\"");
  m.profile = t["sms"]["profile"].value_or(m.profile);
  if (auto p = policy::provider_profile(m.profile); !p)
    return bad_request("tocsin.toml: sms.profile: " + p.error().message);
  if (auto s = load_trust(t["trust"], c); !s) return s.error();
  c.domain_recheck_seconds = t["dns"]["domain_recheck_seconds"].value_or(c.domain_recheck_seconds);
  c.dns_resolver = t["dns"]["resolver"].value_or(c.dns_resolver);
  if (c.domain_recheck_seconds < 0)
    return bad_request("tocsin.toml: dns.domain_recheck_seconds must be 0 (never) or more");
  c.screening_spamd = t["screening"]["spamd"].value_or(c.screening_spamd);
  c.acceptable_use_version = t["platform"]["acceptable_use_version"].value_or(c.acceptable_use_version);
  c.acceptable_use_url = t["platform"]["acceptable_use_url"].value_or(c.acceptable_use_url);
  if (c.acceptable_use_version.size() > 100)
    return bad_request("tocsin.toml: platform.acceptable_use_version is too long (100 bytes at most)");
  c.access_log = t["privacy"]["access_log"].value_or(c.access_log);
  if (c.access_log != "batched" && c.access_log != "durable" && c.access_log != "off")
    return bad_request("tocsin.toml: privacy.access_log must be \"batched\", \"durable\" or \"off\"");
  c.retention_sweep_seconds = t["privacy"]["retention_sweep_seconds"].value_or(c.retention_sweep_seconds);
  c.metrics_token = t["metrics"]["token"].value_or(c.metrics_token);
  if (!c.metrics_token.empty() && c.metrics_token.size() < 16)
    return bad_request("tocsin.toml: metrics.token must be at least 16 characters");
  if (c.retention_sweep_seconds < 1 || c.retention_sweep_seconds > 7 * 86400)
    return bad_request("tocsin.toml: privacy.retention_sweep_seconds must be between 1 and 604800");
  auto payments = load_payments_config(t["payments"]);
  if (!payments) return payments.error();
  c.payments = std::move(payments).value();
  c.disclosure_flush_seconds = t["privacy"]["disclosure_flush_seconds"].value_or(c.disclosure_flush_seconds);
  if (c.disclosure_flush_seconds < 1 || c.disclosure_flush_seconds > 3600)
    return bad_request("tocsin.toml: privacy.disclosure_flush_seconds must be between 1 and 3600");
  return c;
}

std::string effective_mail_domain(const Config& c) {
  if (!c.email.mail_domain.empty()) return c.email.mail_domain;
  std::string_view url = c.public_url.empty() ? std::string_view(c.listen) : std::string_view(c.public_url);
  if (auto scheme = url.find("://"); scheme != std::string_view::npos) url.remove_prefix(scheme + 3);
  url = url.substr(0, url.find_first_of("/?#"));
  if (auto at = url.rfind('@'); at != std::string_view::npos) url.remove_prefix(at + 1);
  if (!url.empty() && url.front() == '[') return lower_ascii(url.substr(0, url.find(']') + 1));  // IPv6
  return lower_ascii(url.substr(0, url.rfind(':')));
}

}  // namespace tocsin

// Runtime configuration: DIR/tocsin.toml, overridable by command-line flags. Every field has a safe default,
// so a data directory without a config file serves on loopback with Action Network's limits.
#pragma once

#include <string>

#include "app/payments_config.h"
#include "core/result.h"
#include "policy/org_trust.h"

namespace tocsin {

struct Config {
  std::string listen = "127.0.0.1:8080";
  std::string public_url;  // base of every href we emit; default "http://<listen>"
  size_t max_body_bytes = 1 << 20;
  size_t io_threads = 2;
  // Client IP comes from this header only when set (e.g. "X-Forwarded-For" behind a proxy we run).
  std::string trusted_proxy_header;
  // Organization that receives blind (keyless) signup-helper posts; default: the oldest organization.
  std::string anonymous_signup_org;

  double key_requests_per_second = 4;  // Action Network's limit
  double key_burst = 8;
  double helper_posts_per_ip_per_second = 10;
  double helper_burst = 20;
  // Keyless record-helper posts, and keyless POST /people per phone (api/rate_limit.h HelperLimits); 0
  // disables a limit.
  double helper_posts_per_action_per_second = 200;
  double helper_action_burst = 400;
  double helper_posts_per_phone_per_hour = 5;
  double helper_phone_burst = 3;
  // The hosted pages' proof-of-work challenge (web/challenge.h): posts to one action per minute on a node
  // that switch it on by themselves (0: only tocsin:challenge "on"), its difficulty in leading zero bits,
  // and how long a form without JavaScript waits instead.
  int challenge_posts_per_minute = 60;
  int challenge_bits = 16;
  int challenge_wait_seconds = 20;
  // Advocacy letters one target address may get from one organization in 24 hours (policy::Gate,
  // docs/POLICY.md "Letters to targets").
  int letters_per_target_per_day = 100;

  // The console counts organizations with fewer people than this for every view (exact); larger ones in the
  // background, served from the last count (web/admin/counted_later.h): the dashboard and a draft's
  // preflight.
  int64_t console_count_inline_below = 50'000;

  // Custom field that carries a supporter's age or birthdate, checked by the age gate of every person write
  // (people/age_gate.h: API and import) besides OSDI birthdate; empty: none.
  std::string age_custom_field;

  // Email delivery: an SMTP relay when smtp_host is set, else .eml files in outbox_dir (default DIR/outbox).
  struct Email {
    std::string mail_domain;  // bounce and mailto-unsubscribe addresses; default: public_url's host
    std::string outbox_dir;
    std::string smtp_host;
    int smtp_port = 587;
    std::string smtp_starttls = "required";    // required | optional | off
    std::string smtp_username, smtp_password;  // secret: never logged
    int smtp_connections = 8;
    double smtp_max_per_second = 0;  // 0 = unpaced
    // Shared secret of POST /mail/inbound (header X-Tocsin-Ingest-Secret); empty: the endpoint refuses
    // everything and `tocsin ingest-mail` can only apply directly to a stopped server's data directory.
    std::string ingest_secret;
  } email;
  // Texts: JSON lines in outbox_file (default DIR/sms-outbox.jsonl), Kannel's sendsms, or a Twilio-compatible
  // REST API. Gateway callbacks (docs/SMS.md): Kannel's MO get-url and DLR url carry kannel_secret; Twilio's
  // webhooks are signed with twilio_auth_token over public_url + path. Secrets are never logged.
  struct Sms {
    std::string gateway = "outbox";  // outbox | kannel | twilio
    std::string outbox_file;
    std::string kannel_sendsms_url, kannel_username, kannel_password;
    std::string kannel_secret;  // shared secret of /sms/kannel/mo and /sms/kannel/dlr; empty: both refuse
    std::string twilio_base_url = "https://api.twilio.com";
    std::string twilio_account_sid, twilio_auth_token, twilio_messaging_service_sid;
    // Gateway requests in flight at once. Kannel answers a sendsms that asks for delivery reports in ~20 ms
    // (it stores the report's route first), so its rate grows with concurrency: BENCHMARKS.md, "SMS".
    int connections = 32;
    // The opt-out-rate breaker (messaging/opt_out_breaker.h, where the defaults are argued): a sender whose
    // opt-outs pass opt_out_pause_percent of the texts it handed over in the last opt_out_pause_window_hours
    // (counted once it handed over opt_out_pause_min_texts) pauses its blasts. 0 percent turns it off.
    double opt_out_pause_percent = 5.0;
    int64_t opt_out_pause_min_texts = 200;
    int64_t opt_out_pause_window_hours = 24;
    // The gateway provider's acceptable-use profile (policy/provider_profile.h; shipped profiles listed in
    // docs/SMS.md "Provider profiles").
    std::string profile = "default";
    // What the gateway charges per segment (e.g. 0.0079) and in what currency, for the console's cost
    // estimate of a text blast; 0: no estimate.
    double price_per_segment = 0;
    std::string price_currency = "USD";
  } sms;
  // [trust]: the review of a new organization's first large blasts and the automatic pauses' limits
  // (policy/org_trust.h, where the defaults are argued; docs/POLICY.md "Per-organization trust").
  policy::TrustPolicy trust;
  policy::PauseLimits pause;
  // [screening] spamd = "HOST:PORT": SpamAssassin's spamd scores every email's content (docs/POLICY.md).
  std::string screening_spamd;
  // [dns]: the server re-verifies every sending domain (DKIM, SPF, DMARC; app/domain_recheck.h) every
  // `domain_recheck_seconds` (default 6 h; 0 = never), first one interval after it starts, through
  // `resolver` ("IP" or "IP@PORT", as `tocsin domain verify --dns`; "" = the system's resolver).
  int64_t domain_recheck_seconds = 6 * 3600;
  std::string dns_resolver;
  // [privacy] access_log = "batched" | "durable" | "off" (privacy/access_log.h). "off" is only for measuring
  // what logging costs (bench/access_log): an installation that answers audit questions keeps it on.
  std::string access_log = "batched";
  // [privacy] retention_sweep_seconds: how often the server applies each organization's retention policy
  // (privacy/retention.h); it also sweeps once at start.
  int64_t retention_sweep_seconds = 3600;
  // [privacy] disclosure_flush_seconds: how often one-off messages handed to the processors are written to
  // the disclosure log, one entry per organization and channel (messaging/processor_disclosures.h).
  int64_t disclosure_flush_seconds = 10;
  // [platform] acceptable_use_version and acceptable_use_url: the acceptable-use policy the platform operator
  // published (messaging/acceptable_use.h). Every organization must accept this version before its next
  // blast; empty: none published, nothing required. The same on every node.
  std::string acceptable_use_version;
  std::string acceptable_use_url;
  // [metrics] token: GET /metrics answers a scraper that sends `Authorization: Bearer <token>`; empty: off.
  // Secret: never logged.
  std::string metrics_token;
  // [payments]: the hosted checkout provider of fundraising pages (app/payments_config.h); off by default.
  PaymentsConfig payments;
};

// The mail domain in effect (bounce+/unsubscribe+ addresses, email/bounce_address.h): email.mail_domain,
// else the host of public_url (else of listen).
std::string effective_mail_domain(const Config& c);

// Reads DIR/tocsin.toml if present. Unknown keys are errors (a typo must not silently weaken a limit).
Result<Config> load_config(const std::string& data_dir);

}  // namespace tocsin

// What the API reads of the installation's configuration (tocsin.toml, app/config.h): copied in by the
// command that serves (app/api_settings_of.h), so the API, a room below app/, never includes app/.
#pragma once

#include <string>

#include "policy/org_trust.h"

namespace tocsin::api {

struct ApiSettings {
  // Client IP comes from this header only when set (e.g. "X-Forwarded-For" behind a proxy we run).
  std::string trusted_proxy_header;
  // Organization that receives blind (keyless) signup-helper posts; empty: the oldest organization.
  std::string anonymous_signup_org;
  // Per API key and per client IP (keyless helper posts): rate and burst (api/rate_limit.h).
  double key_requests_per_second = 0, key_burst = 0;
  double helper_posts_per_ip_per_second = 0, helper_burst = 0;
  // The custom field the age gate reads besides OSDI birthdate (people/age_gate.h); empty: none.
  std::string age_custom_field;
  // Shared secrets of the callbacks: POST /mail/inbound, Kannel's MO and DLR, Twilio's webhooks. Never
  // logged.
  std::string mail_ingest_secret, kannel_secret, twilio_auth_token;
  // The automatic pauses' limits, applied where a report or receipt is recorded (policy/org_trust.h).
  policy::PauseLimits pause;
  // GET /metrics answers `Authorization: Bearer <metrics_token>`; empty: off. Secret.
  std::string metrics_token;
  // The acceptable-use policy the platform published (messaging/acceptable_use.h); empty: none.
  std::string acceptable_use_version, acceptable_use_url;
};

}  // namespace tocsin::api

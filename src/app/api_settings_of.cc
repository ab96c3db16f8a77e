#include "app/api_settings_of.h"

namespace tocsin {

api::ApiSettings api_settings_of(const Config& c) {
  api::ApiSettings s;
  s.trusted_proxy_header = c.trusted_proxy_header;
  s.anonymous_signup_org = c.anonymous_signup_org;
  s.key_requests_per_second = c.key_requests_per_second;
  s.key_burst = c.key_burst;
  s.helper_posts_per_ip_per_second = c.helper_posts_per_ip_per_second;
  s.helper_burst = c.helper_burst;
  s.age_custom_field = c.age_custom_field;
  s.mail_ingest_secret = c.email.ingest_secret;
  s.kannel_secret = c.sms.kannel_secret;
  s.twilio_auth_token = c.sms.twilio_auth_token;
  s.pause = c.pause;
  s.metrics_token = c.metrics_token;
  s.acceptable_use_version = c.acceptable_use_version;
  s.acceptable_use_url = c.acceptable_use_url;
  return s;
}

}  // namespace tocsin

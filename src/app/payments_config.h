// [payments] in tocsin.toml: the hosted checkout provider fundraising pages send supporters to
// (payments/checkout.h). Without the section, fundraising pages say donations are not available yet and
// show no form. Secrets come from a file (`*_file`, first line, mode checked by the operator) or an
// environment variable (`*_env`, its name), never from the TOML itself, and are never logged.
//
//   [payments]
//   provider = "stripe"
//   api_base = "https://api.stripe.com"                # default
//   checkout_origin = "https://checkout.stripe.com"    # default; where supporters are sent to pay
//   secret_key_file = "/etc/tocsin/stripe.key"         # or secret_key_env = "STRIPE_SECRET_KEY"
//   webhook_secret_file = "/etc/tocsin/stripe.whsec"   # or webhook_secret_env = "STRIPE_WEBHOOK_SECRET"
//   tolerance_seconds = 300                            # a callback's signed timestamp may be this old
#pragma once

#include <string>

#include <toml++/toml.h>

#include "core/result.h"

namespace tocsin {

struct PaymentsConfig {
  std::string provider;  // empty: payments off
  std::string api_base = "https://api.stripe.com";
  std::string checkout_origin = "https://checkout.stripe.com";
  std::string secret_key;      // read from the file or variable named in the TOML
  std::string webhook_secret;  // likewise
  int64_t tolerance_seconds = 300;
};

// Reads the [payments] table (absent: payments off). Unknown keys and missing secrets are errors.
Result<PaymentsConfig> load_payments_config(const toml::node_view<toml::node>& table);

}  // namespace tocsin

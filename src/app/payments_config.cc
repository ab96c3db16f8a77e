#include "app/payments_config.h"

#include <cstdlib>
#include <fstream>
#include <set>

namespace tocsin {
namespace {

// A secret from `<name>_file` (its first line) or `<name>_env` (the variable it names); exactly one.
Result<std::string> read_secret(const toml::node_view<toml::node>& t, const std::string& name) {
  auto file = t[name + "_file"].value<std::string>();
  auto env = t[name + "_env"].value<std::string>();
  if (file.has_value() == env.has_value())
    return bad_request("tocsin.toml: payments needs exactly one of " + name + "_file and " + name + "_env");
  std::string secret;
  if (file) {
    std::ifstream in(*file);
    if (!in || !std::getline(in, secret))
      return bad_request("tocsin.toml: payments." + name + "_file: cannot read " + *file);
  } else {
    const char* v = std::getenv(env->c_str());
    if (!v)
      return bad_request("tocsin.toml: payments." + name + "_env: the variable " + *env + " is not set");
    secret = v;
  }
  while (!secret.empty() && (secret.back() == '\r' || secret.back() == ' ')) secret.pop_back();
  if (secret.size() < 16)
    return bad_request("tocsin.toml: payments " + name + " is shorter than 16 characters");
  return secret;
}

bool http_origin(const std::string& s) {
  return (s.rfind("https://", 0) == 0 || s.rfind("http://", 0) == 0) && s.back() != '/';
}

}  // namespace

Result<PaymentsConfig> load_payments_config(const toml::node_view<toml::node>& t) {
  PaymentsConfig c;
  if (!t) return c;
  const auto* tbl = t.as_table();
  if (!tbl) return bad_request("tocsin.toml: payments must be a table");
  static const std::set<std::string> kKnown = {"provider",           "api_base",
                                               "checkout_origin",    "secret_key_file",
                                               "secret_key_env",     "webhook_secret_file",
                                               "webhook_secret_env", "tolerance_seconds"};
  for (const auto& [key, _] : *tbl)
    if (!kKnown.count(std::string(key.str())))
      return bad_request("tocsin.toml: unknown key payments." + std::string(key.str()));
  c.provider = t["provider"].value_or(std::string());
  if (c.provider != "stripe") return bad_request("tocsin.toml: payments.provider must be \"stripe\"");
  c.api_base = t["api_base"].value_or(c.api_base);
  c.checkout_origin = t["checkout_origin"].value_or(c.checkout_origin);
  if (!http_origin(c.api_base) || !http_origin(c.checkout_origin))
    return bad_request(
        "tocsin.toml: payments.api_base and checkout_origin are http(s) URLs without a trailing /");
  c.tolerance_seconds = t["tolerance_seconds"].value_or(c.tolerance_seconds);
  if (c.tolerance_seconds < 1 || c.tolerance_seconds > 3600)
    return bad_request("tocsin.toml: payments.tolerance_seconds must be between 1 and 3600");
  auto key = read_secret(t, "secret_key");
  if (!key) return key.error();
  c.secret_key = std::move(key).value();
  auto hook = read_secret(t, "webhook_secret");
  if (!hook) return hook.error();
  c.webhook_secret = std::move(hook).value();
  return c;
}

}  // namespace tocsin

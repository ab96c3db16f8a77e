#include "staff/account.h"

#include "core/doc_fields.h"
#include "core/json_out.h"

namespace tocsin::staff {

std::string encode_account(const Account& a) {
  JsonOut o;
  o.begin()
      .kv("id", a.id)
      .kv("email", a.email)
      .kv("password_hash", a.password_hash)
      .kv("totp_secret", a.totp_secret)
      .kv("platform_operator", a.platform_operator)
      .kv("locked_until", a.locked_until)
      .kv("last_totp_step", a.last_totp_step)
      .kv("sessions_valid_after", a.sessions_valid_after)
      .kv("created", a.created);
  o.begin("roles");
  for (const auto& [org, role] : a.roles) o.kv(org, role_name(role));
  o.end();
  o.begin_array("failures");
  for (Micros t : a.failures) o.w().Int64(t);
  o.end_array();
  return o.end().take();
}

Result<Account> decode_account(std::string_view doc) {
  thread_local simdjson::dom::parser parser;
  auto root = parse_doc(doc, parser, "staff account");
  if (!root) return root.error();
  DocFields f(root.value());
  Account a;
  a.id = f.str("id");
  a.email = f.str("email");
  a.password_hash = f.str("password_hash");
  a.totp_secret = f.str("totp_secret");
  a.platform_operator = f.boolean("platform_operator");
  a.locked_until = f.integer("locked_until");
  a.last_totp_step = f.integer("last_totp_step");
  a.sessions_valid_after = f.integer("sessions_valid_after");
  a.created = f.integer("created");
  simdjson::dom::object roles;
  if (!root.value()["roles"].get_object().get(roles))
    for (auto field : roles) {
      std::string_view name;
      if (field.value.get_string().get(name)) continue;
      if (auto r = parse_role(name)) a.roles[std::string(field.key)] = *r;
    }
  simdjson::dom::array failures;
  if (!root.value()["failures"].get_array().get(failures))
    for (auto item : failures) {
      int64_t t;
      if (!item.get_int64().get(t)) a.failures.push_back(t);
    }
  return a;
}

std::optional<Role> role_in(const Account& a, const std::string& org_id) {
  auto it = a.roles.find(org_id);
  if (it == a.roles.end()) return std::nullopt;
  return it->second;
}

}  // namespace tocsin::staff

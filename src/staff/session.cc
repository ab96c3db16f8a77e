#include "staff/session.h"

#include <sodium.h>

#include "core/doc_fields.h"
#include "core/ids.h"
#include "core/json_out.h"

namespace tocsin::staff {

std::string encode_session(const Session& s) {
  JsonOut o;
  o.begin()
      .kv("id", s.id)
      .kv("account_id", s.account_id)
      .kv("org_id", s.org_id)
      .kv("created", s.created)
      .kv("last_seen", s.last_seen)
      .kv("expires", s.expires)
      .kv("revoked", s.revoked)
      .kv("ip", s.ip);
  return o.end().take();
}

Result<Session> decode_session(std::string_view doc) {
  thread_local simdjson::dom::parser parser;
  auto root = parse_doc(doc, parser, "staff session");
  if (!root) return root.error();
  DocFields f(root.value());
  return Session{f.str("id"),
                 f.str("account_id"),
                 f.str("org_id"),
                 f.integer("created"),
                 f.integer("last_seen"),
                 f.integer("expires"),
                 f.boolean("revoked"),
                 f.str("ip")};
}

std::string new_session_token() {
  return random_hex(32);
}

std::string session_id_of(std::string_view token) {
  if (token.size() != 64) return {};
  for (char c : token)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return {};
  unsigned char h[crypto_generichash_BYTES];
  crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(token.data()), token.size(), nullptr,
                     0);
  char hex[sizeof h * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, h, sizeof h);
  return std::string(hex, sizeof h * 2);
}

bool session_live(const Session& s, Micros now, Micros valid_after) {
  return !s.revoked && now < s.expires && now < s.last_seen + kIdleTimeout && s.created >= valid_after;
}

std::string session_cookie(std::string_view token, bool secure) {
  std::string c =
      std::string(kSessionCookie) + "=" + std::string(token) + "; Path=/admin; HttpOnly; SameSite=Strict";
  if (secure) c += "; Secure";
  return c;
}

std::string clear_session_cookie(bool secure) {
  std::string c = std::string(kSessionCookie) + "=; Path=/admin; Max-Age=0; HttpOnly; SameSite=Strict";
  if (secure) c += "; Secure";
  return c;
}

}  // namespace tocsin::staff

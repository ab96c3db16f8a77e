#include "api/keyring.h"

#include <sodium.h>

#include "core/ids.h"

namespace tocsin::api {

std::string digest_api_key(std::string_view secret) {
  unsigned char out[32];
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(secret.data()), secret.size(),
                     nullptr, 0);
  char hex[65];
  sodium_bin2hex(hex, sizeof hex, out, sizeof out);
  return std::string(hex, 64);
}

IssuedKey issue_api_key(const std::string& org_id) {
  IssuedKey k;
  k.secret = random_hex(24);
  k.record.id = random_hex(8);
  k.record.org_id = org_id;
  k.record.hash_hex = digest_api_key(k.secret);
  k.record.created = now_micros();
  return k;
}

Status KeyRing::refresh(store::Store& store) {
  auto keys = store.api_keys();
  if (!keys) return keys.error();
  std::unordered_map<std::string, KeyIdentity> fresh;
  for (const auto& k : keys.value())
    if (!k.revoked) fresh[k.hash_hex] = KeyIdentity{k.id, k.org_id};
  std::unique_lock lock(mu_);
  by_digest_.swap(fresh);
  return Ok{};
}

std::optional<KeyIdentity> KeyRing::authenticate(std::string_view secret) const {
  if (secret.empty() || secret.size() > 256) return std::nullopt;
  auto d = digest_api_key(secret);
  std::shared_lock lock(mu_);
  auto it = by_digest_.find(d);
  if (it == by_digest_.end()) return std::nullopt;
  return it->second;
}

}  // namespace tocsin::api

// API keys: issued once in clear, stored only as a BLAKE2b-256 digest. Keys are 192-bit random secrets, so a
// fast digest suffices (a password hash like argon2 protects low-entropy secrets, which these are not).
#pragma once

#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "core/org.h"
#include "store/store.h"

namespace tocsin::api {

std::string digest_api_key(std::string_view secret);

struct IssuedKey {
  ApiKeyRecord record;
  std::string secret;  // shown once to the operator, never stored or logged
};
IssuedKey issue_api_key(const std::string& org_id);

struct KeyIdentity {
  std::string key_id;
  std::string org_id;
};

// The serving copy of the key table; refresh() picks up keys created or revoked by the CLI.
class KeyRing {
 public:
  Status refresh(store::Store& store);
  std::optional<KeyIdentity> authenticate(std::string_view secret) const;

 private:
  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, KeyIdentity> by_digest_;
};

}  // namespace tocsin::api

// An organization: the data controller. Every supporter, tag, list and ledger entry belongs to exactly one.
#pragma once

#include <string>

#include "core/clock.h"

namespace tocsin {

struct Org {
  std::string id;  // UUID
  std::string name;
  std::string default_region = "US";  // libphonenumber region for numbers without a country code
  bool gdpr_applies = false;
  bool suspended = false;
  Micros created = 0;
};

struct ApiKeyRecord {
  std::string id;  // public key id, safe to log
  std::string org_id;
  std::string hash_hex;  // BLAKE2b of the secret; the secret itself is never stored
  Micros created = 0;
  bool revoked = false;
};

}  // namespace tocsin

// ApiService: Action Network's REST API v2 over tocsin. Authenticates (OSDI-API-Token header in any casing,
// or ?osdi-api-token=), applies rate limits, normalizes paths (trailing slashes, /api/v2 prefix), answers
// CORS preflights and routes to the resource handlers. Keys are never echoed or logged.
#pragma once

#include "api/call.h"
#include "api/keyring.h"
#include "api/rate_limit.h"

namespace tocsin::api {

class ApiService {
 public:
  ApiService(ApiContext& ctx, KeyRing& keys);
  void handle(Request&& req, Respond respond);

 private:
  std::string client_ip(const Request& req) const;
  ApiContext& ctx_;
  KeyRing& keys_;
  RateLimiter per_key_, per_ip_;
};

}  // namespace tocsin::api

// JSON answers of web/'s machine-facing endpoints (a payment provider's callbacks): a body with its
// status, and a refusal in the API's shape, {"error": "..."} with the error's HTTP status.
#pragma once

#include <string>

#include "core/http_exchange.h"
#include "core/json_out.h"
#include "core/result.h"

namespace tocsin::web {

inline http::Response json_answer(int status, std::string body) {
  http::Response r;
  r.status = status;
  r.content_type = "application/json";
  r.body = std::move(body);
  return r;
}

inline http::Response refusal(const Error& e) {
  return json_answer(e.http_status, JsonOut().begin().kv("error", e.message).end().take());
}

}  // namespace tocsin::web

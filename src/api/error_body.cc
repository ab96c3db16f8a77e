#include "api/error_body.h"

#include "core/json_out.h"

namespace tocsin::api {

std::string error_body(std::string_view message) {
  JsonOut j;
  j.begin().kv("error", message).end();
  return j.take();
}

}  // namespace tocsin::api

#include "web/admin/console_response.h"

namespace tocsin::web::admin {

api::Response html(int status, std::string body) {
  api::Response r;
  r.status = status;
  r.content_type = "text/html; charset=utf-8";
  r.body = std::move(body);
  r.headers = {{"Content-Security-Policy",
                // frame-src: the action screen's preview of the hosted page (same origin, sandboxed).
                "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; "
                "frame-src 'self'; frame-ancestors 'none'; base-uri 'none'"},
               {"X-Content-Type-Options", "nosniff"},
               {"Referrer-Policy", "no-referrer"},
               {"Cache-Control", "no-store"}};
  return r;
}

api::Response redirect(const std::string& to) {
  api::Response r = html(303, "");
  r.headers.push_back({"Location", to});
  return r;
}

api::Response allow_own_scripts(api::Response r) {
  for (auto& [name, value] : r.headers)
    if (name == "Content-Security-Policy") value += "; script-src 'self'";
  return r;
}

api::Response allow_own_polling(api::Response r) {
  for (auto& [name, value] : r.headers)
    if (name == "Content-Security-Policy") value += "; script-src 'self'; connect-src 'self'";
  return r;
}

}  // namespace tocsin::web::admin

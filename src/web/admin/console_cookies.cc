#include "web/admin/console_cookies.h"

#include "core/ids.h"

namespace tocsin::web::admin {

std::string request_cookie(const api::Request& req, std::string_view name) {
  for (const auto& [k, v] : req.headers) {
    if (k != "cookie") continue;
    std::string_view rest = v;
    while (!rest.empty()) {
      auto semi = rest.find(';');
      std::string_view pair = rest.substr(0, semi);
      rest = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi + 1);
      while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
      auto eq = pair.find('=');
      if (eq != std::string_view::npos && pair.substr(0, eq) == name) return std::string(pair.substr(eq + 1));
    }
  }
  return {};
}

std::string login_cookie(const std::string& value, bool secure) {
  std::string c = std::string(kLoginCookie) + "=" + value + "; Path=/admin; HttpOnly; SameSite=Strict";
  return secure ? c + "; Secure" : c;
}

std::string login_token(const api::Request& req) {
  std::string token = request_cookie(req, kLoginCookie);
  return token.size() == 32 ? token : random_hex(16);
}

}  // namespace tocsin::web::admin

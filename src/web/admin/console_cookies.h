// The console's cookies read from a request, and the pre-login CSRF cookie (double submit) that the login
// form and an invitation's acceptance form share.
#pragma once

#include <string>
#include <string_view>

#include "api/http.h"

namespace tocsin::web::admin {

inline constexpr std::string_view kLoginCookie = "tocsin_login";

// The value of cookie `name` in the request's Cookie header(s), or "".
std::string request_cookie(const api::Request& req, std::string_view name);

// The Set-Cookie value of the pre-login token (HttpOnly, SameSite=Strict, Path=/admin; Secure unless off).
std::string login_cookie(const std::string& value, bool secure);

// The request's pre-login token when it has a well-formed one, else a fresh one (set it with login_cookie).
std::string login_token(const api::Request& req);

}  // namespace tocsin::web::admin

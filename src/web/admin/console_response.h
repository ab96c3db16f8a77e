// The console's two kinds of answer: a screen (HTML with the console's security headers: no script, no
// framing, no caching, no referrer) and a redirect after a form post (303, so a reload does not post again).
#pragma once

#include <string>

#include "api/http.h"

namespace tocsin::web::admin {

api::Response html(int status, std::string body);
api::Response redirect(const std::string& to);

}  // namespace tocsin::web::admin

// The console's two kinds of answer: a screen (HTML with the console's security headers: no script, no
// framing, no caching, no referrer) and a redirect after a form post (303, so a reload does not post again).
// One screen loads a script of ours (the compose screen's segment counter): allow_own_scripts lets that
// answer load same-origin scripts (still none inline).
#pragma once

#include <string>

#include "api/http.h"

namespace tocsin::web::admin {

api::Response html(int status, std::string body);
api::Response redirect(const std::string& to);
api::Response allow_own_scripts(api::Response r);
// As allow_own_scripts, and the script may fetch from this origin (the import's progress).
api::Response allow_own_polling(api::Response r);

}  // namespace tocsin::web::admin

// The small HTML page behind a link in a message (/unsubscribe/{token}, /resubscribe/{token}): a title, a
// sentence and, when `action` is set, a form that POSTs to it with one button. GET answers with the form and
// changes nothing, because mail scanners and link previewers fetch every URL in a message; only the POST
// acts.
#pragma once

#include <string>

#include "api/call.h"

namespace tocsin::api {

struct LinkPage {
  std::string title, text;
  std::string action;      // the form's POST target; empty: no form
  std::string button;      // the button's label
  bool one_click = false;  // carry List-Unsubscribe=One-Click (RFC 8058) in the form
};

// Renders `page` (values HTML-escaped) and answers with `status`, not indexed by search engines.
void reply_link_page(Call& c, int status, const LinkPage& page);

}  // namespace tocsin::api

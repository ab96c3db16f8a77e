// The console's preview of an email message: what the blast would send (messaging/mail_content.h: the body,
// the wrapper, the footer with the postal address and the unsubscribe link) rendered for a sample supporter,
// Sam Sample, so merge fields show filled in. Served as its own document into a sandboxed frame on the
// message's page: the body is the organization's HTML, so the answer's CSP sandboxes it too (no script, no
// form, no request anywhere but images), whatever a browser makes of the frame's attribute.
#pragma once

#include <string>

#include "api/http.h"
#include "messaging/compose.h"

namespace tocsin::web::admin {

// The sample supporter's merge values; the message page names them beside the preview.
messaging::MergeValues preview_sample();

api::Response email_preview(const messaging::MailContent& content);

}  // namespace tocsin::web::admin

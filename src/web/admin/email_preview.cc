#include "web/admin/email_preview.h"

#include "core/html_escape.h"
#include "messaging/render.h"

namespace tocsin::web::admin {

messaging::MergeValues preview_sample() {
  return {{{"given_name", "Sam"},
           {"family_name", "Sample"},
           {"email", "sam.sample@example.org"},
           {"postal_code", "94110"},
           {"locality", "San Francisco"},
           {"region", "CA"}}};
}

api::Response email_preview(const messaging::MailContent& content) {
  messaging::EmailFrame frame;
  frame.wrapper_header = content.wrapper_header;
  frame.wrapper_footer = content.wrapper_footer;
  frame.postal_address = content.postal_address;
  // The real links are signed per recipient at send time; the preview's go nowhere.
  frame.unsubscribe_url = "#unsubscribe";
  frame.preferences_url = "#preferences";
  const messaging::EmailParts parts =
      messaging::render_email(content.subject, content.body_html, frame, preview_sample());
  api::Response r;
  r.status = 200;
  r.content_type = "text/html; charset=utf-8";
  r.body = "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>" + escape_html(parts.subject) +
           "</title></head><body>\n<p style=\"font:13px sans-serif;color:#444;border-bottom:1px solid #ccc;"
           "padding-bottom:.5em\" id=\"preview-subject\">Subject: " +
           escape_html(parts.subject) + "</p>\n" + parts.html + "\n</body></html>\n";
  r.headers = {{"Content-Security-Policy",
                "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; "
                "frame-ancestors 'self'; base-uri 'none'; form-action 'none'"},
               {"X-Content-Type-Options", "nosniff"},
               {"Referrer-Policy", "no-referrer"},
               {"Cache-Control", "no-store"}};
  return r;
}

}  // namespace tocsin::web::admin

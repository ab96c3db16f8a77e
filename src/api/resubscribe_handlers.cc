// /resubscribe/{token}: the link in a re-subscription confirmation (messaging/resubscribe_confirmation.h).
//
// GET shows what the link does, with a button, and changes nothing: mail scanners and link previewers fetch
// every URL in a message, and a fetch is not the owner's consent. POST (the button) records the
// subscription with the link, IP, user agent and time as evidence, after which the link is spent. An
// invalid, replaced, used or expired link gets the same 404 page whatever the cause.
#include "api/handlers.h"
#include "api/link_page.h"
#include "messaging/resubscribe_confirmation.h"

namespace tocsin::api::handlers {
namespace {

void page(Call& c, int status, const std::string& title, const std::string& text,
          const std::string& action = {}) {
  reply_link_page(c, status, {title, text, action, "Yes, subscribe me again", false});
}

void invalid(Call& c) {
  page(c, 404, "Link not valid",
       "This confirmation link is not valid, was already used, or has expired. Nothing was changed.");
}

std::string org_name(Call& c, const std::string& org_id) {
  auto* org = c.ctx.directory.find(org_id);
  return org ? org->org.name : std::string();
}

}  // namespace

void resubscribe(Call& c) {
  if (c.seg.size() != 2 || !c.ctx.resubscribe) return invalid(c);
  const std::string& token = c.seg[1];
  if (c.req.method == "GET" || c.req.method == "HEAD") {
    auto pending = c.ctx.resubscribe->check(token);
    if (!pending) return invalid(c);
    std::string name = org_name(c, pending->org_id);
    return page(c, 200, "Email from " + name + " again?",
                "Select the button to receive email from " + name + " again at " + pending->address + ".",
                c.ctx.public_url + "/resubscribe/" + token);
  }
  if (c.req.method != "POST") return c.reply(405, error_body("use GET or POST"), {{"Allow", "GET, POST"}});
  auto done = c.ctx.resubscribe->confirm(token, c.evidence("re-subscription confirmation"));
  if (!done)
    return done.error().http_status == 404
               ? invalid(c)
               : page(c, 503, "Please try again", "We could not record your answer just now.");
  std::string name = org_name(c, done->org_id);
  page(c, 200, "You are subscribed again", "You will receive email from " + name + " again.");
}

}  // namespace tocsin::api::handlers

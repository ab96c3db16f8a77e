// POST /mail/inbound: one raw RFC 5322 message (a bounce, a complaint report, a mail to an unsubscribe
// address), as `tocsin ingest-mail` forwards it or a mail gateway posts it; messaging/mail_ingest.h does
// the work. Authenticated by the shared secret `[email] ingest_secret` in X-Tocsin-Ingest-Secret; the
// envelope recipient, when the poster knows it, in X-Tocsin-Envelope-Recipient.
//
// 200 {"outcome": ...} when the message was applied or deliberately ignored (malformed, not ours);
// 503 when a write failed, so the poster keeps the message and retries; 401 without the secret.
// Runs on the HTTP thread and waits for its commits: inbound reports are few next to API traffic.
#include <sodium.h>

#include "api/handlers.h"
#include "core/secret_compare.h"
#include "email/delivery_token.h"
#include "messaging/mail_ingest.h"
#include "messaging/message_owner.h"
#include "messaging/opt_out_fence.h"

namespace tocsin::api::handlers {
namespace {

bool secret_matches(const std::string& configured, const std::string* given) {
  return given && same_secret(configured, *given);
}

}  // namespace

void mail(Call& c) {
  if (c.seg.size() != 2 || c.seg[1] != "inbound") return c.error(404, "not found");
  if (c.req.method != "POST") return c.reply(405, error_body("use POST"), {{"Allow", "POST"}});
  if (!secret_matches(c.ctx.settings.mail_ingest_secret, c.req.header("x-tocsin-ingest-secret")))
    return c.error(401, "ingest secret invalid or not present");
  if (!c.ctx.delivery_tokens) return c.error(503, "mail ingest is not available");
  const std::string* rcpt = c.req.header("x-tocsin-envelope-recipient");
  messaging::FeedbackContext fc{
      c.ctx.store,
      c.ctx.committer,
      *c.ctx.delivery_tokens,
      [&c](const std::string& id) { return messaging::owner_of_message(c.ctx.directory, id); },
      now_micros(),
      c.ctx.settings.pause};
  auto out = messaging::ingest_mail(fc, c.req.body, rcpt ? std::string_view(*rcpt) : std::string_view());
  if (!out) return c.error(503, "could not store the report; retry: " + out.error().message);
  // An unsubscribe, hard bounce or complaint is acknowledged once no message to the address is still on its
  // way to the relay (messaging/opt_out_fence.h); `tocsin ingest-mail` exits after this answer.
  if (out->status_changed && out->contact && c.ctx.opt_out_fence)
    c.ctx.opt_out_fence->await_handovers(*out->contact);
  c.reply(200, out->to_json());
}

}  // namespace tocsin::api::handlers

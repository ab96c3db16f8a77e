#include "messaging/compose.h"

#include "email/bounce_address.h"
#include "email/dkim_signer.h"
#include "email/message_builder.h"
#include "email/preference_token.h"
#include "email/unsubscribe_links.h"
#include "email/unsubscribe_token.h"
#include "messaging/link_tracking.h"

namespace tocsin::messaging {

Result<ComposedEmail> compose_email(const MailLinks& links, const MailContent& content,
                                    const email::DkimSigner* signer, const std::string& org_id,
                                    const std::string& person_id, const std::string& to_address,
                                    const email::DeliveryRef& ref, const MergeValues& values, Micros now) {
  std::string token;
  if (links.tokens)
    if (auto t = links.tokens->issue({org_id, person_id, ref.message_id})) token = t.value();
  EmailFrame frame;
  frame.wrapper_header = content.wrapper_header;
  frame.wrapper_footer = content.wrapper_footer;
  frame.postal_address = content.postal_address;
  frame.unsubscribe_url = links.public_url + "/unsubscribe/" + token;
  if (links.preferences)
    if (auto t = links.preferences->issue(
            {org_id, person_id, Channel::kEmail, now + email::kPreferenceLinkLifetime}, to_address))
      frame.preferences_url = email::preference_url(links.public_url, t.value());
  if (content.tracking && links.delivery_tokens)
    add_tracking(frame, *links.delivery_tokens, links.public_url, ref);
  auto parts = render_email(content.subject, content.body_html, frame, values);
  email::RenderedEmail e;
  e.from_address = content.from_address;
  e.from_name = content.from_name;
  e.reply_to = content.reply_to;
  e.to_address = to_address;
  e.subject = parts.subject;
  e.html = parts.html;
  e.text = parts.text;
  // RFC 8058 one-click needs https; a plain-http development server keeps the mailto and the footer link.
  if (frame.unsubscribe_url.rfind("https://", 0) == 0) e.list_unsubscribe_url = frame.unsubscribe_url;
  // Reports find their delivery again through signed tokens (docs/MAIL.md): the VERP envelope sender, the
  // mailto, X-Tocsin-Delivery and the Message-ID all carry one. Without token keys (unit tests) the names
  // are plain, and ingest recognizes none of them.
  std::string plain = ref.message_id + "." + std::to_string(ref.seq);
  ComposedEmail out;
  out.envelope_from = "bounces+" + plain + "@" + links.mail_domain;
  e.list_unsubscribe_mailto = "unsubscribe+" + token + "@" + links.mail_domain;
  e.message_id = plain + "@" + links.mail_domain;
  std::string delivery_header = ref.message_id + ":" + std::to_string(ref.seq);
  if (links.delivery_tokens) {
    const auto& dt = *links.delivery_tokens;
    if (auto v = email::bounce_address(dt, links.mail_domain, ref)) out.envelope_from = *v;
    if (auto v = email::unsubscribe_mailto(dt, links.mail_domain, ref)) e.list_unsubscribe_mailto = *v;
    if (auto v = email::delivery_message_id(dt, links.mail_domain, ref)) e.message_id = *v;
    if (auto v = email::delivery_header_value(dt, ref)) delivery_header = *v;
  }
  e.extra_headers.push_back({std::string(email::kDeliveryHeader), delivery_header});
  auto built = email::build_message(e, now);
  if (!built) return internal_error("cannot build the message: " + built.error().message);
  out.data = std::move(built).value();
  if (signer)
    if (auto sig = signer->sign(out.data)) out.data = sig.value() + out.data;
  return out;
}

}  // namespace tocsin::messaging

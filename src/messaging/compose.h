// One delivery's email, ready for an EmailTransport: rendered (messaging/render.h: merge fields, wrapper,
// footer, tracking when on), with the unsubscribe links and the signed names reports come back by
// (docs/MAIL.md: VERP envelope sender, List-Unsubscribe, X-Tocsin-Delivery, Message-ID), built (GMime) and
// DKIM-signed. Shared by blasts (messaging/dispatcher.h) and autoresponses (messaging/autoresponder.h), so
// every mail tocsin sends carries the same headers and can be unsubscribed from and bounced the same way.
#pragma once

#include <string>

#include "core/clock.h"
#include "core/result.h"
#include "email/delivery_token.h"
#include "messaging/render.h"

namespace tocsin::email {
class PreferenceTokens;
class UnsubscribeTokens;
class DkimSigner;
}  // namespace tocsin::email

namespace tocsin::messaging {

// Process-wide: the keys and names links are made of. Null token sources (unit tests) give plain names
// that ingest recognizes none of.
struct MailLinks {
  const email::UnsubscribeTokens* tokens = nullptr;
  const email::DeliveryTokens* delivery_tokens = nullptr;
  std::string public_url;   // links in messages
  std::string mail_domain;  // bounce and mailto-unsubscribe addresses
  // The footer's link to the recipient's own page (blasts); null: no link.
  const email::PreferenceTokens* preferences = nullptr;
};

// What one message says, whoever it goes to.
struct MailContent {
  std::string subject, body_html;  // templates (mstch)
  std::string from_address, from_name, reply_to;
  std::string wrapper_header, wrapper_footer, postal_address;
  bool tracking = false;  // open and click tracking (messaging/link_tracking.h)
};

struct ComposedEmail {
  std::string envelope_from;  // the VERP bounce address
  std::string data;           // the signed message, CRLF
};

// The email of delivery `ref` (message id, seq) to `to_address`, the address of person `person_id` of
// organization `org_id`. `signer` may be null (unsigned). An error when GMime cannot build the message.
Result<ComposedEmail> compose_email(const MailLinks& links, const MailContent& content,
                                    const email::DkimSigner* signer, const std::string& org_id,
                                    const std::string& person_id, const std::string& to_address,
                                    const email::DeliveryRef& ref, const MergeValues& values, Micros now);

}  // namespace tocsin::messaging

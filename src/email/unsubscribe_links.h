// The unsubscribe links of one delivery, as the dispatcher puts them in the footer and in
// email::RenderedEmail, whose builder writes List-Unsubscribe and List-Unsubscribe-Post (compliance-rules
// EM-2, EM-U1; RFC 8058, RFC 2369).
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"
#include "email/delivery_token.h"

namespace tocsin::email {

// "<public_url>/unsubscribe/<token>" (token: email/unsubscribe_token.h); a trailing '/' on public_url is
// ignored. GET shows a confirmation page, POST (List-Unsubscribe=One-Click) unsubscribes.
std::string unsubscribe_url(std::string_view public_url, std::string_view unsubscribe_token);

// "mailto:unsubscribe+<delivery token>@<mail_domain>?subject=unsubscribe": a mail to it unsubscribes the
// delivery's recipient through ingest (messaging/mail_ingest.h).
Result<std::string> unsubscribe_mailto(const DeliveryTokens& tokens, std::string_view mail_domain,
                                       const DeliveryRef& ref);

}  // namespace tocsin::email

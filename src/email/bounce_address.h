// The addresses and header through which reports about one delivery find their way back to it:
// - the VERP envelope sender `bounce+<bounce token>@<mail domain>`: every DSN for the delivery goes there;
// - the List-Unsubscribe mailto `unsubscribe+<unsubscribe token>@<mail domain>` (email/unsubscribe_links.h);
// - `X-Tocsin-Delivery: <bounce token>` and `Message-ID: <<bounce token>@<mail domain>>` in the message,
//   which complaint reports (ARF) and many DSNs quote back with the original headers.
// The dispatcher sets all of them from here; ingest (messaging/mail_ingest.h) reads them back. Tokens are
// email/delivery_token.h's (signed, case-insensitive, 50 characters), so nobody can bounce or unsubscribe
// a delivery they were not sent.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "email/delivery_token.h"

namespace tocsin::email {

inline constexpr std::string_view kDeliveryHeader = "X-Tocsin-Delivery";

// "bounce+<token>@<mail_domain>"; a 400 error if the delivery has no UUID message id.
Result<std::string> bounce_address(const DeliveryTokens& tokens, std::string_view mail_domain,
                                   const DeliveryRef& ref);
// The value of the X-Tocsin-Delivery header (the bounce token).
Result<std::string> delivery_header_value(const DeliveryTokens& tokens, const DeliveryRef& ref);
// "<token>@<mail_domain>": a Message-ID (without angle brackets, as email::RenderedEmail takes it) unique
// per delivery that names it.
Result<std::string> delivery_message_id(const DeliveryTokens& tokens, std::string_view mail_domain,
                                        const DeliveryRef& ref);

struct AddressedDelivery {
  TokenPurpose purpose;  // kBounce: a report about the delivery; kUnsubscribe: the recipient's mailto
  DeliveryRef ref;
};

// Reads a delivery out of an address, header value or Message-ID in any of the shapes above — with or
// without angle brackets, "mailto:", "rfc822;" or a display name — or nullopt if it names none (or the
// token is forged). The domain is not checked: the MAC is what makes a token ours.
std::optional<AddressedDelivery> parse_delivery_reference(const DeliveryTokens& tokens,
                                                          std::string_view text);

}  // namespace tocsin::email

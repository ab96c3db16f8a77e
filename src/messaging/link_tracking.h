// Click tracking in a rendered HTML body: every <a href="http(s)://..."> goes through a signed redirect
// (email/tracking_links.h) when the organization has tracking on (messaging/settings.h tracking_enabled).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "email/delivery_token.h"
#include "messaging/render.h"

namespace tocsin::messaging {

// The tracked form of a link, or nullopt to leave it as it is.
using LinkWrapper = std::function<std::optional<std::string>(const std::string& url)>;

// Rewrites the href of every <a> element whose decoded value is an absolute http(s) URL through `wrap`.
// The value is handed to `wrap` with its character references decoded (&amp; -> &), as a browser would
// follow it, and the replacement is written escaped. Everything else is copied byte for byte.
// Hand-written: the Debian HTML parsers (libxml2, gumbo) rebuild the document when serializing it, which
// would change campaign HTML beyond its links; this only touches href values.
std::string rewrite_links(std::string_view html, const LinkWrapper& wrap);

// Sets frame.track_link and frame.open_pixel_url for delivery `ref`: every trackable link but those under
// <public_url>/unsubscribe/ (unsubscribe links are never rewritten) becomes a click URL.
void add_tracking(EmailFrame& frame, const email::DeliveryTokens& tokens, const std::string& public_url,
                  const email::DeliveryRef& ref);

}  // namespace tocsin::messaging

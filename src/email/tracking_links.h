// Open and click tracking links of one delivery (issue 4: an organization setting, off by default where the
// GDPR applies — messaging/settings.h tracking_enabled).
//
//   click: <public_url>/t/c/<delivery token>.<link, base64url>   GET -> 302 to the link
//   open:  <public_url>/t/o/<delivery token>.gif                  GET -> a 1x1 GIF
//
// Contract: the tokens are email/delivery_token.h's (purposes kClick and kOpen, same rotating keys, 64-bit
// MAC). A click token's MAC also covers the link's exact bytes, which travel beside it in the URL: the
// redirect target is whatever the MAC vouches for and nothing else, so changing one character of the link
// or the token, or pasting another link beside a valid token, fails verification (no open redirect). Only
// absolute http(s) links are tracked. Thread-safe: pure functions over immutable tokens.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"
#include "email/delivery_token.h"

namespace tocsin::email {

// Links longer than this are left untracked (URLs beyond ~2,000 bytes break in some clients anyway).
inline constexpr size_t kMaxTrackedLink = 2000;

// An absolute http:// or https:// URL (scheme case-insensitive) with a host part.
bool is_trackable_link(std::string_view url);

// 400 when the link is not trackable or too long, or the delivery cannot be named (email/delivery_token.h).
Result<std::string> click_url(const DeliveryTokens& tokens, std::string_view public_url,
                              const DeliveryRef& ref, std::string_view link);
Result<std::string> open_pixel_url(const DeliveryTokens& tokens, std::string_view public_url,
                                   const DeliveryRef& ref);

struct Click {
  DeliveryRef ref;
  std::string url;  // the original link, exactly as signed
};

// `segment` is the path segment after /t/c/ (resp. /t/o/). 404 for anything not issued by click_url
// (resp. open_pixel_url) under a live key.
Result<Click> verify_click(const DeliveryTokens& tokens, std::string_view segment);
Result<DeliveryRef> verify_open(const DeliveryTokens& tokens, std::string_view segment);

}  // namespace tocsin::email

// tocsin sends no media: no MMS (pictures, audio, video in a text) and no email attachments. A request that
// carries media anyway — a field such as `media_urls` in a message body, as Twilio's and other providers'
// APIs name it — is refused with 422 and this sentence instead of being sent without it, so nobody believes a
// picture went out (docs/POLICY.md "No media"). Asked by the API's message parser and the console's compose
// form.
#pragma once

#include <array>
#include <string>
#include <string_view>

namespace tocsin::messaging {

// The field names a client sending media would use (compared exactly; JSON keys and form fields).
inline constexpr std::array<std::string_view, 10> kMediaFields = {
    "media_urls",        "media_url",          "media", "MediaUrl", "mms", "attachments", "attachment",
    "tocsin:media_urls", "tocsin:attachments", "images"};

inline std::string media_refusal(std::string_view field) {
  return std::string(field) +
         ": tocsin sends no media (no MMS pictures, audio or video, no email attachments); send text only "
         "and "
         "link to the picture or file on the organization's own site";
}

}  // namespace tocsin::messaging

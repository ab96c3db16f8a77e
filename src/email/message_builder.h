// Composes one outgoing email (RFC 5322 + MIME) from what the renderer produced, with GMime.
//
// Contract: build_message returns the complete message with CRLF line ends, ready for DkimSigner::sign and an
// SMTP DATA phase. Header fields, in this order: From (display name RFC 2047-encoded when not ASCII), To,
// Reply-To (only when set), Subject (encoded when not ASCII), Date (`date`, UTC), Message-ID (<message_id>),
// List-Unsubscribe (`<https...>,` CRLF SP `<mailto:...>`, whichever are set) and List-Unsubscribe-Post (RFC
// 8058, only with an https URL, since one-click needs it), the extra headers in the given order, then
// MIME-Version and the body. List-Unsubscribe, List-Unsubscribe-Post and the extra headers are written raw:
// never RFC 2047-encoded, folded only between RFC 2369 items (mailbox providers read the URIs byte for byte).
// The body is text/plain, text/html, or multipart/alternative with the text part first (RFC 2046 §5.1.4: the
// last part is the preferred one); UTF-8, with the transfer encoding GMime finds best for 7-bit transport
// (quoted-printable or base64), so the message passes any relay without 8BITMIME.
//
// Control characters: in the free text of the subject and the display names (merge fields put people's
// names there) each becomes a space, so the header block never carries one. Anything structural with a
// control character or other unsafe byte — an address, the Message-ID, an unsubscribe URI, an extra header
// (printable ASCII tokens only), a header name that is not RFC 5322 printable ASCII — gives a 400 Error and
// no message, as do no To or From address, no body and a non-https unsubscribe URL: a renderer bug must not
// become header injection. Thread-safe (no shared state besides GMime's one-time initialization).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/result.h"

namespace tocsin::email {

struct RenderedEmail {
  std::string from_address, from_name, reply_to, to_address, to_name, subject;
  std::string html, text;               // multipart/alternative (text first, then html); either may be empty
  std::string list_unsubscribe_url;     // https one-click URL (RFC 8058)
  std::string list_unsubscribe_mailto;  // mailto: address, with or without the "mailto:" scheme
  std::string message_id;               // without angle brackets, deterministic per delivery
  std::vector<std::pair<std::string, std::string>> extra_headers;  // e.g. X-Tocsin-Delivery
  // The multipart/alternative boundary; empty: a random one (GMime's). A blast gives a deterministic one per
  // message variant (messaging/compose.h), so the same input gives the same bytes (email/mime_frame.h).
  std::string boundary;
};

Result<std::string> build_message(const RenderedEmail& email, Micros date);

// The checks build_message makes before building (400 with the reason); email/mime_frame.h makes the same.
Status validate_rendered_email(const RenderedEmail& email);

// Free text bound for a header (subject, display names) as build_message writes it: each control character
// becomes a space.
std::string header_text(const std::string& s);

}  // namespace tocsin::email

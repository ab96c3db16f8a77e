// MimeFrame: the MIME frame of a blast, made once per message variant, so that each recipient's message
// is written by filling in only what varies (issue 16).
//
// Contract: MimeFrame::make takes what every message of the variant shares (From and its display name,
// Reply-To, the usual subject, the multipart boundary) and lets GMime format those header fields once, in
// the order build_message writes them. build(e, date) then gives, for a recipient whose RenderedEmail has
// the same From, display name and Reply-To, exactly the bytes build_message(e, date) gives with that
// boundary: the per-recipient fields (Date, To, Message-Id, List-Unsubscribe, the extra headers) are
// written directly, and the body parts are encoded by GMime's own encoder (quoted-printable or base64) and
// best-encoding filter, without GMime's object graph per message. tests/unit/mime_frame_test.cc compares
// the two byte for byte over many inputs.
//
// The body (everything after the header block, plus the MIME header fields that describe it) depends on
// the text and HTML only: encode_body() makes it, and a caller whose recipients share a body (bytes equal)
// makes it once and passes it to build(e, date, body) — with the DKIM body hash made once for it too
// (messaging/compose.h). Whatever the direct writer does not write as GMime would (a To address that GMime
// would fold or quote, a non-ASCII or long per-recipient subject, a display name for To, a 7-bit part that
// contains the boundary) goes through build_message instead: fits() and encode_body() say so. Immutable
// after make(); build and encode_body may run on several threads at once.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "email/message_builder.h"

namespace tocsin::email {

// A message body as the frame writes it: the MIME header fields that describe it (MIME-Version,
// Content-Type, Content-Transfer-Encoding when one part) and the bytes after the blank line.
struct EncodedBody {
  std::string mime_headers;  // CRLF-terminated fields
  std::string body;          // what DKIM's bh= covers
};

class MimeFrame {
 public:
  // `shared`: from_address, from_name, reply_to, subject and boundary (non-empty) as every recipient's
  // message will have them. 400 when build_message would refuse them.
  static Result<MimeFrame> make(const RenderedEmail& shared);

  // Whether the header fields of `e` are written directly (else build() uses build_message).
  bool fits(const RenderedEmail& e) const;

  // The body for this text and HTML, or nullopt when it must go through build_message.
  std::optional<EncodedBody> encode_body(const std::string& text, const std::string& html) const;

  // The whole message, CRLF line ends, as build_message(e with the frame's boundary, date) writes it.
  Result<std::string> build(const RenderedEmail& e, Micros date) const;
  // The same with a body made by encode_body(e.text, e.html). 400 as build_message; 500 unless fits(e).
  Result<std::string> build(const RenderedEmail& e, Micros date, const EncodedBody& body) const;

  const std::string& boundary() const { return boundary_; }

 private:
  enum class Slot { kLiteral, kDate, kTo, kSubject, kMessageId };
  struct Field {
    Slot slot;
    std::string line;  // kLiteral: the formatted field with its CRLF
  };
  MimeFrame() = default;
  std::string from_address_, from_name_, reply_to_, subject_, boundary_;
  std::string subject_line_;   // "Subject: ..." for subject_, as GMime formats it
  std::vector<Field> fields_;  // the header fields before List-Unsubscribe, in GMime's order
};

}  // namespace tocsin::email

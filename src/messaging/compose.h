// One delivery's email, ready for an EmailTransport: rendered (messaging/render.h: merge fields, wrapper,
// footer, tracking when on), with the unsubscribe links and the signed names reports come back by
// (docs/MAIL.md: VERP envelope sender, List-Unsubscribe, X-Tocsin-Delivery, Message-ID), built (GMime) and
// DKIM-signed. Shared by blasts (messaging/dispatcher.h) and autoresponses (messaging/autoresponder.h), so
// every mail tocsin sends carries the same headers and can be unsubscribed from and bounced the same way.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "email/delivery_token.h"
#include "messaging/render.h"

namespace tocsin::email {
class MimeFrame;
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
// organization `org_id`. `signer` may be null (unsigned); the signature's t= is `now`. An error when GMime
// cannot build the message. The multipart boundary is deterministic (mime_boundary below), so the same
// input gives the same bytes. One-off mail (autoresponses, confirmations) composes this way, with GMime.
Result<ComposedEmail> compose_email(const MailLinks& links, const MailContent& content,
                                    const email::DkimSigner* signer, const std::string& org_id,
                                    const std::string& person_id, const std::string& to_address,
                                    const email::DeliveryRef& ref, const MergeValues& values, Micros now);

// "=-" and 20 base64 characters of a SHA-256 over the message id and what the message says: GMime's form
// of boundary, fixed per message variant.
std::string mime_boundary(const MailContent& content, const std::string& message_id);

// A blast's composition frame (issue 16), one per message variant (the content as sent, tracked or not):
// what compose_email works out anew for every recipient and that does not depend on the recipient (the
// boundary, the From/Reply-To/Subject header fields, the header order) is made once (email/mime_frame.h),
// and each message is written by filling in what varies: To, Message-ID, List-Unsubscribe with its token,
// X-Tocsin-Delivery, the VERP envelope sender, the merge output. compose() gives exactly compose_email's
// bytes for the same input (tests/unit/compose_frame_test.cc).
//
// The body and its DKIM body hash (bh=) are made once for every recipient whose rendered text and HTML are
// byte-identical, kept by a digest of those bytes (and compared in full) in a small bounded cache. In
// tocsin's own blasts that happens only when the body carries no per-recipient link: the footer's
// unsubscribe and preference links carry each recipient's token, and tracked links each delivery's, so
// with token keys configured (every real server) the body, and so bh=, is per recipient and the cache is
// not consulted at all. The RSA signature is always per message: it covers each recipient's own headers.
// compose() is thread-safe (the cache has its own lock); `links` and `signer` must outlive the frame.
class ComposeFrame {
 public:
  ComposeFrame(const MailLinks& links, MailContent content, const email::DkimSigner* signer,
               const std::string& message_id);
  ~ComposeFrame();

  Result<ComposedEmail> compose(const std::string& org_id, const std::string& person_id,
                                const std::string& to_address, const email::DeliveryRef& ref,
                                const MergeValues& values, Micros now) const;

  const MailContent& content() const { return content_; }
  // Whether recipients' bodies can repeat (no per-recipient link in them): the cache is used only then.
  bool bodies_may_repeat() const { return bodies_may_repeat_; }
  struct Counts {
    uint64_t bodies_made = 0, bodies_shared = 0;
  };
  Counts counts() const;

 private:
  struct Body;
  std::shared_ptr<const Body> body_for(const std::string& text, const std::string& html) const;

  const MailLinks& links_;
  MailContent content_;
  const email::DkimSigner* signer_;
  std::string boundary_;
  std::unique_ptr<email::MimeFrame> mime_;  // null: make() refused the shared fields; GMime builds
  bool bodies_may_repeat_ = false;
  mutable std::mutex mu_;
  struct Cached {
    size_t digest;
    std::string text, html;
    std::shared_ptr<const Body> body;
  };
  mutable std::vector<Cached> cache_;  // at most kCachedBodies, oldest replaced first
  mutable size_t next_slot_ = 0;
  mutable std::atomic<uint64_t> made_{0}, shared_{0};
};

}  // namespace tocsin::messaging

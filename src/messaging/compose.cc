#include "messaging/compose.h"

#include <openssl/evp.h>

#include <functional>

#include "email/bounce_address.h"
#include "email/dkim_signer.h"
#include "email/message_builder.h"
#include "email/mime_frame.h"
#include "email/preference_token.h"
#include "email/unsubscribe_links.h"
#include "email/unsubscribe_token.h"
#include "messaging/link_tracking.h"

namespace tocsin::messaging {

namespace {

// Bodies kept per frame: enough for a few merge-field variants (e.g. the default greeting and a handful
// of names); each entry holds the rendered text and HTML and the encoded body, so a frame holds about
// 16 x 3 x the body's size (under 1 MiB for a 10 KB body).
constexpr size_t kCachedBodies = 16;

struct Prepared {
  email::RenderedEmail email;
  std::string envelope_from;
};

// Everything of one delivery's email that depends on the recipient, rendered.
Prepared prepare(const MailLinks& links, const MailContent& content, const std::string& org_id,
                 const std::string& person_id, const std::string& to_address, const email::DeliveryRef& ref,
                 const MergeValues& values, Micros now) {
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
  Prepared p;
  email::RenderedEmail& e = p.email;
  e.from_address = content.from_address;
  e.from_name = content.from_name;
  e.reply_to = content.reply_to;
  e.to_address = to_address;
  e.subject = std::move(parts.subject);
  e.html = std::move(parts.html);
  e.text = std::move(parts.text);
  // RFC 8058 one-click needs https; a plain-http development server keeps the mailto and the footer link.
  if (frame.unsubscribe_url.rfind("https://", 0) == 0) e.list_unsubscribe_url = frame.unsubscribe_url;
  // Reports find their delivery again through signed tokens (docs/MAIL.md): the VERP envelope sender, the
  // mailto, X-Tocsin-Delivery and the Message-ID all carry one. Without token keys (unit tests) the names
  // are plain, and ingest recognizes none of them.
  std::string plain = ref.message_id + "." + std::to_string(ref.seq);
  p.envelope_from = "bounces+" + plain + "@" + links.mail_domain;
  e.list_unsubscribe_mailto = "unsubscribe+" + token + "@" + links.mail_domain;
  e.message_id = plain + "@" + links.mail_domain;
  std::string delivery_header = ref.message_id + ":" + std::to_string(ref.seq);
  if (links.delivery_tokens) {
    const auto& dt = *links.delivery_tokens;
    if (auto v = email::bounce_address(dt, links.mail_domain, ref)) p.envelope_from = *v;
    if (auto v = email::unsubscribe_mailto(dt, links.mail_domain, ref)) e.list_unsubscribe_mailto = *v;
    if (auto v = email::delivery_message_id(dt, links.mail_domain, ref)) e.message_id = *v;
    if (auto v = email::delivery_header_value(dt, ref)) delivery_header = *v;
  }
  e.extra_headers.push_back({std::string(email::kDeliveryHeader), delivery_header});
  return p;
}

// GMime builds (random boundary when a part happens to contain the fixed one), then the signature.
Result<ComposedEmail> build_and_sign(Prepared p, const std::string& boundary, const email::DkimSigner* signer,
                                     Micros now) {
  bool collides =
      p.email.text.find(boundary) != std::string::npos || p.email.html.find(boundary) != std::string::npos;
  p.email.boundary = collides ? std::string() : boundary;
  auto built = email::build_message(p.email, now);
  if (!built) return internal_error("cannot build the message: " + built.error().message);
  ComposedEmail out;
  out.envelope_from = std::move(p.envelope_from);
  out.data = std::move(built).value();
  if (signer)
    if (auto sig = signer->sign(out.data, now / 1'000'000)) out.data = sig.value() + out.data;
  return out;
}

}  // namespace

std::string mime_boundary(const MailContent& c, const std::string& message_id) {
  std::string seed = message_id;
  for (const std::string* part : {&c.subject, &c.body_html, &c.from_address, &c.from_name, &c.reply_to,
                                  &c.wrapper_header, &c.wrapper_footer, &c.postal_address}) {
    seed += '\0';
    seed += *part;
  }
  seed += c.tracking ? '1' : '0';
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(seed.data(), seed.size(), digest, &len, EVP_sha256(), nullptr);
  unsigned char b64[32];
  EVP_EncodeBlock(b64, digest, 15);  // 15 bytes: 20 characters, no padding
  return "=-" + std::string(reinterpret_cast<const char*>(b64), 20);
}

Result<ComposedEmail> compose_email(const MailLinks& links, const MailContent& content,
                                    const email::DkimSigner* signer, const std::string& org_id,
                                    const std::string& person_id, const std::string& to_address,
                                    const email::DeliveryRef& ref, const MergeValues& values, Micros now) {
  return build_and_sign(prepare(links, content, org_id, person_id, to_address, ref, values, now),
                        mime_boundary(content, ref.message_id), signer, now);
}

struct ComposeFrame::Body {
  email::EncodedBody encoded;
  std::string body_hash;  // DKIM bh=, when signed
};

ComposeFrame::ComposeFrame(const MailLinks& links, MailContent content, const email::DkimSigner* signer,
                           const std::string& message_id)
    : links_(links), content_(std::move(content)), signer_(signer) {
  boundary_ = mime_boundary(content_, message_id);
  email::RenderedEmail shared;
  shared.from_address = content_.from_address;
  shared.from_name = content_.from_name;
  shared.reply_to = content_.reply_to;
  shared.subject = content_.subject;  // the usual subject when it has no merge field
  shared.boundary = boundary_;
  if (auto f = email::MimeFrame::make(shared))
    mime_ = std::make_unique<email::MimeFrame>(std::move(f).value());
  // Every per-recipient link the renderer can put in a body: the footer's unsubscribe and preference links
  // (tokens), and tracked links and the open pixel (delivery tokens).
  bodies_may_repeat_ =
      !links_.tokens && !links_.preferences && !(content_.tracking && links_.delivery_tokens);
}

ComposeFrame::~ComposeFrame() = default;

ComposeFrame::Counts ComposeFrame::counts() const {
  return {made_.load(), shared_.load()};
}

std::shared_ptr<const ComposeFrame::Body> ComposeFrame::body_for(const std::string& text,
                                                                 const std::string& html) const {
  auto make = [&]() -> std::shared_ptr<const Body> {
    auto encoded = mime_->encode_body(text, html);
    if (!encoded) return nullptr;
    auto b = std::make_shared<Body>();
    b->encoded = std::move(*encoded);
    if (signer_) b->body_hash = signer_->body_hash(b->encoded.body);
    return b;
  };
  if (!bodies_may_repeat_) {
    ++made_;
    return make();
  }
  size_t digest = std::hash<std::string_view>{}(text)*31 + std::hash<std::string_view>{}(html);
  {
    std::lock_guard lock(mu_);
    for (const auto& c : cache_)
      if (c.digest == digest && c.text == text && c.html == html) {
        ++shared_;
        return c.body;
      }
  }
  auto body = make();  // outside the lock: two threads may make the same body once each, both correct
  ++made_;
  if (!body) return body;
  std::lock_guard lock(mu_);
  Cached entry{digest, text, html, body};
  if (cache_.size() < kCachedBodies) {
    cache_.push_back(std::move(entry));
  } else {
    cache_[next_slot_] = std::move(entry);
    next_slot_ = (next_slot_ + 1) % kCachedBodies;
  }
  return body;
}

Result<ComposedEmail> ComposeFrame::compose(const std::string& org_id, const std::string& person_id,
                                            const std::string& to_address, const email::DeliveryRef& ref,
                                            const MergeValues& values, Micros now) const {
  Prepared p = prepare(links_, content_, org_id, person_id, to_address, ref, values, now);
  p.email.boundary = boundary_;
  std::shared_ptr<const Body> body;
  if (mime_ && mime_->fits(p.email)) body = body_for(p.email.text, p.email.html);
  if (!body) return build_and_sign(std::move(p), boundary_, signer_, now);
  auto built = mime_->build(p.email, now, body->encoded);
  if (!built) return internal_error("cannot build the message: " + built.error().message);
  ComposedEmail out;
  out.envelope_from = std::move(p.envelope_from);
  out.data = std::move(built).value();
  if (signer_)
    if (auto sig = signer_->sign_with_body_hash(out.data, body->body_hash, now / 1'000'000))
      out.data = sig.value() + out.data;
  return out;
}

}  // namespace tocsin::messaging

// WebService: the supporter-facing face of tocsin — every path outside the API that is not one of the
// API's own outside routes (unsubscribe, tracking, resubscribe, mail, sms). Server-rendered HTML (mstch,
// web/templates.h) that works without JavaScript, a strict CSP (no inline script or style, same-origin
// assets only), strings from web/catalog.h, cookies only from web/cookie_list.h. Submissions go through
// messaging::submit_record, the same path as the API's record helpers (never to the store directly, never
// around the gate). Thread-safe: handle() may run on any I/O thread.
//
// Routes: GET/POST /o/{org}/{kind}/{slug} (page, submission), GET /o/{org}/{kind}/{slug}/thanks,
// GET /a/{action-id} (redirect to the page), GET /o/{org}/cookies (notice + choice), POST /cookies (choice),
// GET /o/{org}/privacy (the privacy notice: web/notice_pages.h),
// GET/POST /my/{token} (a supporter's own page: web/preference_center.h), GET /static/tocsin.css,
// GET /embed/{action-id}.js, GET/POST /embed/{action-id}/frame, GET /embed/{action-id}/frame/thanks (embeds:
// web/embed.h), GET /static/embed-frame.js and /static/challenge.js (web/challenge.h).
// POST /payments/webhook (the payment provider's signed callback: web/donation_checkout.h).
#pragma once

#include <string>
#include <string_view>

#include "core/http_exchange.h"
#include "core/rate_limit.h"
#include "email/preference_token.h"
#include "messaging/letter_delivery.h"
#include "messaging/submit_record.h"
#include "people/directory.h"
#include "policy/facts.h"
#include "privacy/access_log.h"
#include "web/challenge.h"
#include "web/csrf.h"
#include "web/embed_token.h"
#include "web/node_keys.h"
#include "web/page_cache.h"

namespace tocsin::web {

class DonationCheckout;

struct WebContext {
  store::GroupCommitter& committer;
  people::Directory& directory;
  std::string public_url;            // e.g. "https://act.example.org" (no trailing slash)
  std::string trusted_proxy_header;  // as the API's (core/http_exchange.h client_ip)
  HelperLimits* limits = nullptr;    // per action and per phone (the API's), null: none
  RateLimiter* per_ip = nullptr;     // posts per client IP (the API's helper limit), null: none
  std::string age_field;             // [privacy] age_custom_field
  messaging::Autoresponder* autoresponder = nullptr;
  messaging::ResubscribeConfirmations* confirmations = nullptr;
  // The preference center (/my/{token}); without tokens every link is "not valid".
  const email::PreferenceTokens* preferences = nullptr;
  messaging::OptOutFence* fence = nullptr;                 // opt-outs answer once no hand-over is in flight
  const policy::SuppressionFacts* suppressions = nullptr;  // platform + org (the gate's); null: org's only
  // Privacy requests already open, and page take-downs of abuse cases (messaging/abuse_case.h), looked up per
  // page request; null: none.
  store::Store* store = nullptr;
  // A person opening their own preference center is a read of their data (privacy/access_log.h); null:
  // not logged.
  privacy::AccessLog* access_log = nullptr;
  // The proof-of-work challenge of an action under attack (web/challenge.h).
  ChallengeSettings challenge = {};
  // Fundraising pages' hosted checkout and the provider's callback (web/donation_checkout.h); null: no
  // [payments] configured, and fundraising pages say donations are not available yet.
  DonationCheckout* donations = nullptr;
  // Advocacy letters to the campaign's targets (messaging/letter_delivery.h); null: recorded, not sent.
  messaging::LetterDelivery* letters = nullptr;
  // The root of the CSRF, embed and challenge keys (web/node_keys.h): the installation's contact key, so
  // the nodes of one installation accept each other's forms; unset (unit tests): random keys per process.
  std::optional<std::array<unsigned char, 32>> key_root = {};
};

class WebService {
 public:
  explicit WebService(WebContext ctx);
  // Whether `path` is the web's (the HTTP server's one routing decision: app/serve.cc).
  static bool owns(std::string_view path);
  void handle(http::Request&& req, http::Respond respond);

 private:
  WebContext ctx_;
  CsrfGuard csrf_;
  EmbedTokens embeds_;  // forms in embed frames (web/embed.h)
  ProofOfWork pow_;
  AttackMeter meter_;
  PageCache page_cache_;  // action pages' GETs (web/page_cache.h)
};

}  // namespace tocsin::web

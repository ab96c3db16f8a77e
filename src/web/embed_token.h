// The token an embedded form carries instead of the session-bound CSRF token (web/csrf.h). An embed lives in
// a frame on another site: the frame's cookies are third-party there (SameSite=Lax cookies are not sent with
// its cross-site post, and browsers increasingly drop third-party cookies altogether), so nothing that needs
// a cookie can work. The token is an HMAC-SHA-256 (libsodium) under a process key of the action id, an expiry
// (two hours after the frame was served), and the host page the frame was served into with how it was learnt
// — so a post can neither move to another action (of this or another organization) nor change the page its
// evidence names, and a copied token dies with its expiry. Thread-safe (immutable after construction).
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "core/clock.h"

namespace tocsin::web {

// The page that embedded the form, as far as it is known, and how it was learnt.
struct HostPage {
  std::string url;     // the host page's URL (scheme, host, path, query; never a fragment), or its origin
  std::string source;  // "referer" (the browser's Referer of the frame request) or "script" (reported by
                       // the embed script from location.href, same origin as the Referer or none sent)
};

class EmbedTokens {
 public:
  static constexpr Micros kLifetime = 2LL * 3600 * 1000000;  // a form left open over lunch still works

  EmbedTokens();  // a fresh random key (as CsrfGuard's: a restart refuses forms served before it once)
  explicit EmbedTokens(const std::array<unsigned char, 32>& key) : key_(key) {}

  // "{expiry seconds}.{hex mac}" for `action_id` served into `host`.
  std::string issue(std::string_view action_id, const HostPage& host, Micros now) const;
  // Whether `token` was issued for this action and host page and has not expired.
  bool verify(std::string_view action_id, const HostPage& host, std::string_view token, Micros now) const;

 private:
  std::string mac(std::string_view action_id, const HostPage& host, std::string_view expiry) const;
  std::array<unsigned char, 32> key_;
};

}  // namespace tocsin::web

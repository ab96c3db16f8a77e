// One request to the supporter-facing pages and its answer: what every page needs from the request (the
// strictly necessary session cookie, language, cookie choice, Sec-GPC) and the one way a page is answered —
// in the layout, with the CSP and the other security headers, never cached, the session cookie set when new.
// The hosted action pages (web/web_service.cc) and the preference center (web/preference_center.h) both
// answer through it, so their headers cannot drift apart. Not thread-safe: one per request.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/http_exchange.h"
#include "core/query_string.h"
#include "web/cookie_list.h"
#include "web/csrf.h"

namespace tocsin::web {

using Form = std::multimap<std::string, std::string>;
using Headers = std::vector<std::pair<std::string, std::string>>;

// The path's non-empty segments: "/o/a/b" -> {"o", "a", "b"}.
std::vector<std::string> split_path(std::string_view path);
// The first value of `k` in a posted form, or "".
std::string first(const Form& f, const std::string& k);

// What one request brings that every page needs: session, language, cookie choice, GPC.
struct Visit {
  http::Request req;
  Target target;
  std::string session;
  bool new_session = false;
  bool gpc = false;  // Sec-GPC: 1, a refusal of every optional category
  CookieChoice choice;
  bool secure = false;
  std::string lang = "en";
};

class Exchange {
 public:
  Exchange(const std::string& public_url, const std::string& trusted_proxy_header, const CsrfGuard& csrf,
           http::Request&& req, http::Respond respond);

  Visit& visit() { return v_; }

  // Lets this page's forms lead to `origin` too (CSP form-action): a fundraising page's post is answered
  // with a redirect to the payment provider's checkout, and browsers check that redirect against it.
  void allow_form_action(std::string origin) { form_action_extra_ = std::move(origin); }

  // Adds the security headers (and the session cookie when new) and answers.
  void send(http::Response r);

  // One page in the layout; `body` is already rendered (and escaped).
  void page(int status, const std::string& org_slug, const std::string& title, const std::string& body,
            Headers extra = {});
  // The layout around `body` with `cookie_csrf` as the cookie form's token, not sent: what page() sends,
  // for the render cache (web/page_cache.h), which renders with markers in place of the tokens.
  std::string layout(const std::string& org_slug, const std::string& title, const std::string& body,
                     const std::string& cookie_csrf) const;
  // An HTML answer whose body is a whole page already (a cached page, filled).
  void html(int status, std::string body, Headers extra = {});
  // A heading and one sentence in the layout.
  void message(int status, const std::string& org_slug, const std::string& heading, const std::string& text,
               Headers extra = {});
  void not_found(const std::string& org_slug = "");
  void redirect(int status, const std::string& location);

  // This answer is served into another site (web/embed.h): any page may frame it, it is laid out without
  // the cookie banner, and it sets no cookie (one would be a third-party cookie there; an embed needs none).
  void embed() { embed_ = true; }
  // Narrows which sites may frame this embed answer (CSP frame-ancestors) to the action's list
  // (actions/embed_sites.h); an empty list keeps any site.
  void framed_by(const std::vector<std::string>& sites) { frame_ancestors_ = sites; }
  // A first-party script (/static/...) the page loads; the CSP allows same-origin scripts only then.
  void add_script(std::string path) { scripts_.push_back(std::move(path)); }
  const std::vector<std::string>& scripts() const { return scripts_; }
  const std::string& form_action_extra() const { return form_action_extra_; }

 private:
  const CsrfGuard& csrf_;
  http::Respond respond_;
  Visit v_;
  bool embed_ = false;
  std::vector<std::string> frame_ancestors_;  // empty: any site ("*"), when embed_
  std::vector<std::string> scripts_;
  std::string form_action_extra_;
};

}  // namespace tocsin::web

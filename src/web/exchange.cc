#include "web/exchange.h"

#include "web/catalog.h"
#include "web/embed_assets.h"
#include "web/templates.h"

namespace tocsin::web {
namespace {

// No inline script or style anywhere; forms post only to this origin (and, on a fundraising page, the
// payment provider's checkout: Chromium checks a form's redirect against form-action); pages are framed only
// by their own origin (the console's sandboxed preview), embed frames (web/embed.h) by any site, or by the
// action's allowed sites only (actions/embed_sites.h:
// entries are CSP host sources already). Scripts only where a page loads one of ours (Exchange::add_script).
std::string csp(const std::string& form_action_extra, bool scripts, bool embed,
                const std::vector<std::string>& frame_ancestors) {
  std::string ancestors = "'self'";
  if (embed) {
    ancestors = frame_ancestors.empty() ? "*" : "";
    for (const auto& site : frame_ancestors) ancestors += (ancestors.empty() ? "" : " ") + site;
  }
  return "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'" +
         (form_action_extra.empty() ? std::string() : " " + form_action_extra) + "; base-uri 'none'; " +
         (scripts ? "script-src 'self'; " : "") + "frame-ancestors " + ancestors;
}

}  // namespace

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> seg;
  while (!path.empty()) {
    if (path.front() == '/') {
      path.remove_prefix(1);
      continue;
    }
    auto slash = path.find('/');
    seg.emplace_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash);
  }
  return seg;
}

std::string first(const Form& f, const std::string& k) {
  auto it = f.find(k);
  return it == f.end() ? std::string() : it->second;
}

Exchange::Exchange(const std::string& public_url, const std::string& trusted_proxy_header,
                   const CsrfGuard& csrf, http::Request&& req, http::Respond respond)
    : csrf_(csrf), respond_(std::move(respond)) {
  v_.target = parse_target(req.target);
  req.remote_ip = http::client_ip(req, trusted_proxy_header);
  v_.req = std::move(req);
  const std::string* cookies = v_.req.header("cookie");
  if (auto s = read_cookie(cookies, "tocsin_session"); s && s->size() == 32) {
    v_.session = *s;
  } else {
    v_.session = CsrfGuard::new_session();
    v_.new_session = true;
  }
  const std::string* gpc = v_.req.header("sec-gpc");
  v_.gpc = gpc && *gpc == "1";
  v_.choice = CookieChoice::decode(read_cookie(cookies, "tocsin_consent"));
  if (v_.gpc) v_.choice.functional = v_.choice.performance = false;
  v_.secure = public_url.rfind("https://", 0) == 0;
}

void Exchange::send(http::Response r) {
  r.headers.emplace_back("Content-Security-Policy",
                         csp(form_action_extra_, !scripts_.empty(), embed_, frame_ancestors_));
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Referrer-Policy", "strict-origin-when-cross-origin");
  bool cache_set = false;
  for (const auto& h : r.headers) cache_set = cache_set || h.first == "Cache-Control";
  // Pages carry a per-session CSRF token: never cached by shared caches.
  if (!cache_set) r.headers.emplace_back("Cache-Control", "no-store");
  if (v_.new_session && !embed_)
    r.headers.emplace_back("Set-Cookie", set_cookie(cookie("tocsin_session"), v_.session, v_.secure));
  respond_(std::move(r));
}

void Exchange::page(int status, const std::string& org_slug, const std::string& title,
                    const std::string& body, Headers extra) {
  html(status, layout(org_slug, title, body, csrf_.token(v_.session, "cookies")), std::move(extra));
}

std::string Exchange::layout(const std::string& org_slug, const std::string& title, const std::string& body,
                             const std::string& cookie_csrf) const {
  mstch::map ctx{{"lang", v_.lang},
                 {"title", title},
                 {"body", body},
                 {"org_slug", org_slug},
                 {"s", strings_map(v_.lang)},
                 {"here", v_.target.path},
                 {"csrf_cookies", cookie_csrf},
                 // No banner once a choice is made, or when the browser's GPC already refused.
                 {"banner", !v_.choice.made && !v_.gpc},
                 {"functional", v_.choice.functional},
                 {"performance", v_.choice.performance}};
  mstch::array scripts;
  for (const auto& s : scripts_) scripts.push_back(s);
  ctx["scripts"] = scripts;
  return mstch::render(embed_ ? templates::kFrameLayout : templates::kLayout, ctx,
                       {{"cookie_form", templates::kCookieForm}});
}

void Exchange::html(int status, std::string body, Headers extra) {
  http::Response r;
  r.status = status;
  r.content_type = "text/html; charset=utf-8";
  r.body = std::move(body);
  r.headers = std::move(extra);
  send(std::move(r));
}

void Exchange::message(int status, const std::string& org_slug, const std::string& heading,
                       const std::string& text, Headers extra) {
  std::string body = mstch::render(templates::kMessage, mstch::map{{"heading", heading}, {"message", text}});
  page(status, org_slug, heading, body, std::move(extra));
}

void Exchange::not_found(const std::string& org_slug) {
  const auto& s = strings(v_.lang);
  message(404, org_slug, s.at("not_found"), s.at("not_found"));
}

void Exchange::redirect(int status, const std::string& location) {
  http::Response r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.headers = {{"Location", location}};
  send(std::move(r));
}

}  // namespace tocsin::web

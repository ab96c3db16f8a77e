#include "web/embed.h"

#include "actions/embed_code.h"
#include "actions/embed_sites.h"
#include "core/json_out.h"
#include "core/text.h"

namespace tocsin::web {
namespace {

constexpr size_t kMaxHostUrl = 1024;

// Printable ASCII only: location.href and Referer are percent-encoded; anything else was made up.
bool plain_url(std::string_view u) {
  if (u.empty() || u.size() > kMaxHostUrl) return false;
  for (unsigned char c : u)
    if (c < 0x21 || c > 0x7e) return false;
  return !url_origin(u).empty();
}

std::string without_fragment(std::string_view u) {
  return std::string(u.substr(0, u.find('#')));
}

std::string json_string(std::string_view s) {
  JsonOut j;
  j.str(s);
  return j.take();
}

std::string sites_json(const std::vector<std::string>& sites) {
  JsonOut j;
  j.begin_array();
  for (const auto& s : sites) j.str(s);
  j.end_array();
  return j.take();
}

}  // namespace

std::string url_origin(std::string_view url) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return "";
  std::string scheme = lower_ascii(url.substr(0, scheme_end));
  if (scheme != "http" && scheme != "https") return "";
  auto host_begin = scheme_end + 3;
  auto host = url.substr(host_begin, url.find_first_of("/?#", host_begin) - host_begin);
  // Userinfo ("user@host") has no place in a page's URL; such a "page" is refused rather than parsed.
  if (host.empty() || host.find('@') != std::string_view::npos) return "";
  return scheme + "://" + lower_ascii(host);
}

HostPage host_page(const http::Request& req, const Target& target, const std::string& public_url) {
  const std::string self = url_origin(public_url);
  std::string referer;
  if (const auto* r = req.header("referer"); r && plain_url(*r) && url_origin(*r) != self)
    referer = without_fragment(*r);
  std::string claimed;
  if (auto h = target.param("host"); h && plain_url(*h) && url_origin(*h) != self)
    claimed = without_fragment(*h);
  if (!referer.empty()) {
    std::string origin = url_origin(referer);
    bool origin_only = referer == origin || referer == origin + "/";
    if (origin_only && !claimed.empty() && url_origin(claimed) == origin) return {claimed, "script"};
    return {referer, "referer"};
  }
  if (!claimed.empty()) return {claimed, "script-unconfirmed"};
  return {};
}

HostPage reported_host(std::string_view url, const std::string& public_url) {
  if (!plain_url(url) || url_origin(url) == url_origin(public_url)) return {};
  return {without_fragment(url), "script-unconfirmed"};
}

bool embed_post_origin_ok(const http::Request& req, const std::string& public_url) {
  const auto* o = req.header("origin");
  return !o || lower_ascii(*o) == url_origin(public_url);
}

bool embed_host_allowed(const actions::Action& a, const HostPage& host) {
  auto sites = actions::embed_allowed_sites(a);
  if (sites.empty()) return true;
  std::string origin = url_origin(host.url);
  return !origin.empty() && actions::embed_site_allowed(sites, origin);
}

std::string embed_method(const std::string& kind, const HostPage& host) {
  std::string m = "web embed " + kind;
  if (host.source == "referer") return m + " on " + host.url + " (host page named by the browser's Referer)";
  if (host.source == "script")
    return m + " on " + host.url +
           " (host page reported by the embed script; its origin confirmed by the browser's Referer)";
  if (host.source == "script-unconfirmed")
    return m + " on " + host.url + " (host page reported by the embed script; no Referer to confirm it)";
  return m + " (host page unknown: the browser sent no Referer)";
}

std::string embed_loader(const std::string& public_url, const actions::Action& a) {
  // Plain ES5 in one function scope: it runs inside pages we do not control, so it defines no global and
  // touches nothing but the element it inserts.
  return "(function () {\n"
         "  'use strict';\n"
         "  var origin = " +
         json_string(url_origin(public_url)) +
         ";\n"
         "  var frameUrl = " +
         json_string(public_url + actions::embed_frame_path(a)) +
         ";\n"
         "  var title = " +
         json_string(actions::string_field(a.fields, "title").value_or("")) +
         ";\n"
         "  var allowed = " +
         sites_json(actions::embed_allowed_sites(a)) +
         ";\n"
         // The same rule as actions::embed_site_allowed: an entry equal to the origin, or "scheme://*.suffix"
         // of the same scheme and port over a longer host. The frame's CSP enforces it anyway; not mounting
         // spares the visitor an empty, blocked frame.
         "  function listed(o) {\n"
         "    for (var i = 0; i < allowed.length; i++) {\n"
         "      var s = allowed[i];\n"
         "      if (s === o) return true;\n"
         "      var sm = /^([a-z]+:\\/\\/)\\*(\\.[^:]+)(:\\d+)?$/.exec(s);\n"
         "      var om = /^([a-z]+:\\/\\/)([^:]+)(:\\d+)?$/.exec(o);\n"
         "      if (!sm || !om || sm[1] !== om[1] || (sm[3] || '') !== (om[3] || '')) continue;\n"
         "      var h = om[2], suffix = sm[2];\n"
         "      if (h.length > suffix.length && h.lastIndexOf(suffix) === h.length - suffix.length) return "
         "true;\n"
         "    }\n"
         "    return false;\n"
         "  }\n"
         "  if (allowed.length && !listed(String(location.origin).toLowerCase())) {\n"
         "    if (window.console) console.warn('tocsin: this form may not be embedded on ' + "
         "location.origin);\n"
         "    return;\n"
         "  }\n"
         "  var me = document.currentScript;\n"
         "  var f = document.createElement('iframe');\n"
         "  f.src = frameUrl + '?host=' + encodeURIComponent(location.href.split('#')[0]);\n"
         "  f.title = title;\n"
         "  f.referrerPolicy = 'no-referrer-when-downgrade';\n"
         "  f.className = 'tocsin-embed';\n"
         "  f.style.border = '0';\n"
         "  f.style.width = '100%';\n"
         "  f.style.maxWidth = '40rem';\n"
         "  f.style.height = '760px';\n"
         "  window.addEventListener('message', function (e) {\n"
         "    if (e.source !== f.contentWindow || e.origin !== origin) return;\n"
         "    var h = e.data && e.data.tocsinEmbedHeight;\n"
         "    if (typeof h === 'number' && h > 0 && h < 20000) f.style.height = Math.ceil(h) + 'px';\n"
         "  });\n"
         "  if (me && me.parentNode) me.parentNode.insertBefore(f, me.nextSibling);\n"
         "  else document.body.appendChild(f);\n"
         "})();\n";
}

}  // namespace tocsin::web

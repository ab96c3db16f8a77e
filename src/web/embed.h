// Embeds: an action's form on an organization's own site (docs/PAGES.md "Embeds"). The script
// (/embed/{id}.js) inserts the form's frame (/embed/{id}/frame) where it stands and sizes it to its content;
// the iframe variant is the same frame written by hand. The frame is a page of this origin, so the host
// page's scripts and styles can neither read what a supporter types nor hide or restyle the disclosure the
// evidence says was shown; its post is same-origin (no CORS), and its answer is a server-rendered page (an
// error next to its field, what was typed kept), exactly as on the action's own page. This file holds what
// is particular to embeds: which host page a frame was served into, the Origin check of its post, the
// evidence's method, and the loader script. web/web_service.cc routes and submits.
#pragma once

#include <string>
#include <string_view>

#include "actions/action.h"
#include "core/http_exchange.h"
#include "core/query_string.h"
#include "web/embed_token.h"

namespace tocsin::web {

// "scheme://host[:port]" of an http(s) URL, lower-cased; empty when `url` is not one.
std::string url_origin(std::string_view url);

// The page a frame request came from. The Referer is the browser's and no script on the host page can set
// it (only shorten it by a referrer policy); the script's `?host=` (its location.href) is whatever the host
// page's scripts make it. So: the Referer when it names a page; the script's report when the Referer names
// only the same origin (a host whose policy cuts the Referer to its origin); the report marked unconfirmed
// when no Referer came; nothing when neither did. A Referer of our own origin is not a host page.
HostPage host_page(const http::Request& req, const Target& target, const std::string& public_url);
// `url` as a host page nothing confirms (source "script-unconfirmed"), or none when it is not a page URL of
// another origin.
HostPage reported_host(std::string_view url, const std::string& public_url);

// Whether a frame's post may come from where its Origin header says: none (older browsers, non-browser
// clients; the token still binds the post), or this installation's own origin (the frame's). A form on
// another site posting straight to the frame, or a sandboxed frame ("null"), is refused.
bool embed_post_origin_ok(const http::Request& req, const std::string& public_url);

// Whether a post through the embed may be recorded for `host` (the page its token vouches for): always when
// the action has no list of allowed sites (actions/embed_sites.h); with one, only when the host page is known
// and of a listed site. The browser already refuses to show the frame elsewhere (CSP frame-ancestors); this
// refuses a post made without it (the form fetched and posted by a script, or from a page naming no host).
bool embed_host_allowed(const actions::Action& a, const HostPage& host);

// The evidence's method for a submission through an embed: the kind, the host page and how it was learnt.
std::string embed_method(const std::string& kind, const HostPage& host);

// The loader script (/embed/{id}.js): inserts the frame after its own <script> element with the host page's
// location.href (no fragment) as ?host=, the frame's referrer policy set so the browser names the page, and
// follows the frame's height messages (only from the frame it made, only from this origin). With a list of
// allowed sites it mounts nothing on a page of another origin (location.origin), and says so in the console.
std::string embed_loader(const std::string& public_url, const actions::Action& a);

}  // namespace tocsin::web

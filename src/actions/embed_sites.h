// The sites allowed to frame an action's embed (tocsin:embed_allowed_sites; docs/PAGES.md "Sites allowed to
// frame an embed"). Without a list any site may, as embeds always could. With one, the frame and its
// thank-you page carry CSP `frame-ancestors` with exactly these sources, so the browser refuses to show the
// form anywhere else; the loader script does not mount on another origin; and a post whose host page is not
// on a listed site is refused (web/embed.h). The entries are CSP host sources in the one shape that means the
// same to the browser and to us: an https origin, or a `*.` wildcard over its subdomains.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "actions/action.h"
#include "core/result.h"

namespace tocsin::actions {

// The list is kept among the action's raw fields under its API name (the API writes it there normalized,
// api/action_json.cc), so the stored document and the Action struct shared by most of the code base did not
// need a new member; its value is a JSON array of normalized entries ([] or absent: any site).
inline constexpr std::string_view kEmbedSitesField = "tocsin:embed_allowed_sites";

// The action's list; empty: any site may frame its embed.
std::vector<std::string> embed_allowed_sites(const Action& a);

inline constexpr size_t kMaxEmbedSites =
    20;  // a header, not a registry: larger lists belong in a reverse proxy

// Each entry lower-cased and checked: "https://host[:port]" or "https://*.host[:port]" (the wildcard over at
// least two labels, never a whole top-level domain), a default port dropped; for development on one machine
// also "http://localhost[:port]" and "http://127.0.0.1[:port]" (loopback is a secure context in browsers).
// Duplicates are dropped. 422 naming the entry otherwise, or when there are more than kMaxEmbedSites.
Result<std::vector<std::string>> normalize_embed_sites(const std::vector<std::string>& sites);

// Whether a page of `origin` ("scheme://host[:port]", as url_origin or location.origin give it) may frame
// the embed: any when `sites` is empty; else an entry equal to it, or a wildcard entry of the same scheme and
// port whose host is a proper suffix of its host (CSP's rule: *.example.net matches a.example.net, not
// example.net).
bool embed_site_allowed(const std::vector<std::string>& sites, std::string_view origin);

}  // namespace tocsin::actions

#include "actions/embed_sites.h"

#include <algorithm>

#include <simdjson.h>

#include "core/text.h"

namespace tocsin::actions {
namespace {

struct Site {
  std::string scheme, host, port;  // port empty: the scheme's default
};

// "scheme://host[:port]" with nothing after it; false when it is not that shape.
bool split_origin(std::string_view s, Site& out) {
  auto sep = s.find("://");
  if (sep == std::string_view::npos) return false;
  out.scheme = std::string(s.substr(0, sep));
  std::string_view rest = s.substr(sep + 3);
  auto colon = rest.rfind(':');
  out.host = std::string(rest.substr(0, colon));
  out.port = colon == std::string_view::npos ? "" : std::string(rest.substr(colon + 1));
  if ((out.scheme == "https" && out.port == "443") || (out.scheme == "http" && out.port == "80"))
    out.port = "";
  return true;
}

bool valid_port(const std::string& p) {
  if (p.empty()) return true;
  if (p.size() > 5 || !std::all_of(p.begin(), p.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return false;
  int n = std::stoi(p);
  return n > 0 && n < 65536;
}

// Dot-separated labels of letters, digits and inner hyphens.
int label_count(std::string_view host) {
  int n = 0;
  while (true) {
    auto dot = host.find('.');
    std::string_view label = host.substr(0, dot);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return -1;
    for (char c : label)
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return -1;
    ++n;
    if (dot == std::string_view::npos) return n;
    host.remove_prefix(dot + 1);
  }
}

std::string joined(const Site& s) {
  return s.scheme + "://" + s.host + (s.port.empty() ? "" : ":" + s.port);
}

}  // namespace

std::vector<std::string> embed_allowed_sites(const Action& a) {
  std::vector<std::string> out;
  const std::string* raw = find_field(a.fields, kEmbedSitesField);
  if (!raw) return out;
  thread_local simdjson::dom::parser parser;
  simdjson::dom::array arr;
  if (parser.parse(*raw).get_array().get(arr)) return out;
  for (auto v : arr) {
    std::string_view s;
    if (!v.get_string().get(s)) out.emplace_back(s);
  }
  return out;
}

Result<std::vector<std::string>> normalize_embed_sites(const std::vector<std::string>& sites) {
  if (sites.size() > kMaxEmbedSites)
    return unprocessable("tocsin:embed_allowed_sites: at most " + std::to_string(kMaxEmbedSites) + " sites");
  std::vector<std::string> out;
  for (const auto& raw : sites) {
    auto refuse = [&] {
      return unprocessable("tocsin:embed_allowed_sites: '" + raw +
                           "' is not an https origin (https://host or https://*.host, no path)");
    };
    Site s;
    std::string entry = lower_ascii(raw);
    if (entry.size() > 260 || !split_origin(entry, s) || !valid_port(s.port)) return refuse();
    bool wildcard = s.host.rfind("*.", 0) == 0;
    std::string_view host = wildcard ? std::string_view(s.host).substr(2) : std::string_view(s.host);
    int labels = label_count(host);
    bool loopback = !wildcard && (s.host == "localhost" || s.host == "127.0.0.1");
    if (labels < (wildcard ? 2 : 1) || (s.scheme != "https" && !(s.scheme == "http" && loopback)))
      return refuse();
    std::string norm = joined(s);
    if (std::find(out.begin(), out.end(), norm) == out.end()) out.push_back(std::move(norm));
  }
  return out;
}

bool embed_site_allowed(const std::vector<std::string>& sites, std::string_view origin) {
  if (sites.empty()) return true;
  Site o;
  if (!split_origin(lower_ascii(origin), o)) return false;
  for (const auto& entry : sites) {
    Site s;
    if (!split_origin(entry, s) || s.scheme != o.scheme || s.port != o.port) continue;
    if (s.host == o.host) return true;
    if (s.host.rfind("*.", 0) == 0 && o.host.size() > s.host.size() - 1 &&
        o.host.ends_with(std::string_view(s.host).substr(1)))
      return true;
  }
  return false;
}

}  // namespace tocsin::actions

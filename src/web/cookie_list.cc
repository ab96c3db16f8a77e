#include "web/cookie_list.h"

#include <cstdlib>

namespace tocsin::web {

std::string_view category_name(CookieCategory c) {
  switch (c) {
    case CookieCategory::kNecessary:
      return "necessary";
    case CookieCategory::kFunctional:
      return "functional";
    case CookieCategory::kPerformance:
      return "performance";
  }
  return "necessary";
}

const std::vector<CookieSpec>& declared_cookies() {
  static const std::vector<CookieSpec> list = {
      // The session a form's CSRF token is tied to; nothing else is kept under it.
      {"tocsin_session", CookieCategory::kNecessary, "cookie_session", 0, true, "Lax"},
      // The visitor's cookie choice itself (strictly necessary to remember a refusal).
      {"tocsin_consent", CookieCategory::kNecessary, "cookie_consent", 180L * 24 * 3600, true, "Lax"},
      // "Remember me": prefills name and email on the next page; only with functional consent.
      {"tocsin_prefill", CookieCategory::kFunctional, "cookie_prefill", 90L * 24 * 3600, true, "Lax"},
  };
  return list;
}

const CookieSpec& cookie(std::string_view name) {
  for (const auto& c : declared_cookies())
    if (c.name == name) return c;
  std::abort();
}

std::string set_cookie(const CookieSpec& spec, std::string_view value, bool secure) {
  std::string s = std::string(spec.name) + "=" + std::string(value) + "; Path=/";
  if (spec.max_age_seconds > 0) s += "; Max-Age=" + std::to_string(spec.max_age_seconds);
  if (spec.http_only) s += "; HttpOnly";
  if (secure) s += "; Secure";
  s += "; SameSite=" + std::string(spec.same_site);
  return s;
}

std::optional<std::string> read_cookie(const std::string* header, std::string_view name) {
  if (!header) return std::nullopt;
  std::string_view h = *header;
  while (!h.empty()) {
    auto semi = h.find(';');
    std::string_view part = h.substr(0, semi);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    auto eq = part.find('=');
    if (eq != std::string_view::npos && part.substr(0, eq) == name) return std::string(part.substr(eq + 1));
    if (semi == std::string_view::npos) break;
    h.remove_prefix(semi + 1);
  }
  return std::nullopt;
}

std::string CookieChoice::encode() const {
  return std::string("f") + (functional ? "1" : "0") + "p" + (performance ? "1" : "0");
}

CookieChoice CookieChoice::decode(const std::optional<std::string>& v) {
  CookieChoice c;
  if (!v || v->size() != 4 || (*v)[0] != 'f' || (*v)[2] != 'p') return c;
  c.made = true;
  c.functional = (*v)[1] == '1';
  c.performance = (*v)[3] == '1';
  return c;
}

bool CookieChoice::allows(CookieCategory c) const {
  if (c == CookieCategory::kNecessary) return true;
  return made && (c == CookieCategory::kFunctional ? functional : performance);
}

}  // namespace tocsin::web

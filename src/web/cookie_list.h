// Every cookie the product sets, declared once: the code sets cookies only from this list, and the cookie
// banner and each organization's cookies notice render from it, so what the notice says cannot drift from
// what a browser receives (Cookies Notice; compliance: cookies beyond the strictly necessary need consent).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tocsin::web {

enum class CookieCategory { kNecessary, kFunctional, kPerformance };
std::string_view category_name(CookieCategory c);  // "necessary", "functional", "performance"

struct CookieSpec {
  std::string_view name;
  CookieCategory category;
  std::string_view purpose_key;  // catalog key of the purpose text (web/catalog.h)
  long max_age_seconds;          // 0: a session cookie
  bool http_only;                // scripts never need to read it
  std::string_view same_site;    // "Lax" for pages; a console may declare "Strict"
};

const std::vector<CookieSpec>& declared_cookies();
const CookieSpec& cookie(std::string_view name);  // aborts on an undeclared name: a programming error

// The Set-Cookie value for a declared cookie; `secure` when the public URL is https.
std::string set_cookie(const CookieSpec& spec, std::string_view value, bool secure);

// The value of cookie `name` in a Cookie request header, if present.
std::optional<std::string> read_cookie(const std::string* cookie_header, std::string_view name);

// A visitor's choice of optional categories (the consent cookie's value "f1p0"; absent = no choice yet).
struct CookieChoice {
  bool made = false;
  bool functional = false;
  bool performance = false;
  std::string encode() const;
  static CookieChoice decode(const std::optional<std::string>& value);
  bool allows(CookieCategory c) const;
};

}  // namespace tocsin::web

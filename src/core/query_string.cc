// Hand-written: target splitting and percent-decoding are a few lines; no Debian package does just this.
#include "core/query_string.h"

#include <cctype>

#include <cstddef>
#include <string>
#include <string_view>

namespace tocsin {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

// Absolute-form targets ("http://host/path?q", RFC 9112 §3.2.2) are reduced to their path and query.
std::string_view strip_scheme_and_authority(std::string_view target) {
  for (std::string_view scheme : {"http://", "https://"}) {
    if (!starts_with_ci(target, scheme)) continue;
    const std::string_view rest = target.substr(scheme.size());
    const size_t end = rest.find_first_of("/?");
    return end == std::string_view::npos ? std::string_view{} : rest.substr(end);
  }
  return target;
}

// Collapses runs of '/' and drops trailing slashes; the root (and an empty path) becomes "/".
std::string normalize_path(const std::string& decoded) {
  std::string out;
  out.reserve(decoded.size());
  for (char c : decoded) {
    if (c == '/' && !out.empty() && out.back() == '/') continue;
    out.push_back(c);
  }
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  if (out.empty()) out.push_back('/');
  return out;
}

}  // namespace

std::string percent_decode(std::string_view s, bool plus_as_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2])));
      i += 2;
    } else if (c == '+' && plus_as_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);  // includes invalid or truncated escapes, kept literally
    }
  }
  return out;
}

std::optional<std::string> Target::param(std::string_view key) const {
  // lower_bound, not find: with repeated keys, find may return any of them; the first inserted comes first.
  const auto it = query.lower_bound(std::string(key));
  if (it == query.end() || it->first != key) return std::nullopt;
  return it->second;
}

Target parse_target(std::string_view raw_target) {
  Target t;
  const std::string_view target = strip_scheme_and_authority(raw_target);
  const size_t q = target.find('?');
  const std::string_view raw_path = target.substr(0, q);
  t.path = normalize_path(percent_decode(raw_path, /*plus_as_space=*/false));
  if (q == std::string_view::npos) return t;

  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    const size_t amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    if (pair.empty()) continue;  // "a=1&&b=2", trailing '&'
    const size_t eq = pair.find('=');
    const std::string_view key = pair.substr(0, eq);
    const std::string_view value = eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
    t.query.emplace(percent_decode(key, true), percent_decode(value, true));
  }
  return t;
}

std::string percent_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

}  // namespace tocsin

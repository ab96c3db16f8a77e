#include "core/slug.h"

namespace tocsin {
namespace {

// The ASCII letter an accented Latin-1 letter (its UTF-8 second byte after 0xC3) stands for, or 0. Hand-
// rolled: ICU's transliterator would do all scripts, but a slug only needs to be readable, not complete.
char unaccent(unsigned char second) {
  static const char* map =
      "aaaaaaaceeeeiiii"   // 0x80-0x8F: ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏ
      "dnooooo ouuuuy  "   // 0x90-0x9F
      "aaaaaaaceeeeiiii"   // 0xA0-0xAF
      "dnooooo ouuuuy y";  // 0xB0-0xBF
  if (second < 0x80 || second > 0xBF) return 0;
  char c = map[second - 0x80];
  return c == ' ' ? 0 : c;
}

}  // namespace

std::string slugify(std::string_view text, std::string_view fallback) {
  std::string out;
  bool hyphen = false;
  auto put = [&](char c) {
    if (hyphen && !out.empty()) out += '-';
    hyphen = false;
    out += c;
  };
  for (size_t i = 0; i < text.size() && out.size() < 60; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 'A' && c <= 'Z') {
      put(static_cast<char>(c - 'A' + 'a'));
    } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      put(static_cast<char>(c));
    } else if (c == 0xC3 && i + 1 < text.size()) {
      if (char a = unaccent(static_cast<unsigned char>(text[i + 1]))) put(a);
      ++i;
    } else if (c < 0x80 || (c & 0xC0) == 0xC0) {
      hyphen = true;  // punctuation, spaces, or the start of another non-ASCII character
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? std::string(fallback) : out;
}

std::string unique_slug(const std::string& base, const std::function<bool(const std::string&)>& taken) {
  if (!taken(base)) return base;
  for (int n = 2;; ++n) {
    std::string s = base + "-" + std::to_string(n);
    if (!taken(s)) return s;
  }
}

bool valid_slug(std::string_view s) {
  if (s.empty() || s.size() > 80 || s.front() == '-' || s.back() == '-') return false;
  char prev = 0;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok || (c == '-' && prev == '-')) return false;
    prev = c;
  }
  return true;
}

}  // namespace tocsin

#include "policy/sms_content.h"

#include <string>

#include "core/text.h"

namespace tocsin::policy {
namespace {

bool is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Positions of `needle` in `hay` (both lower-cased) that stand as whole words.
bool has_word(const std::string& hay, std::string_view needle) {
  for (size_t pos = hay.find(needle); pos != std::string::npos; pos = hay.find(needle, pos + 1)) {
    bool left = pos == 0 || !is_word_char(hay[pos - 1]);
    size_t end = pos + needle.size();
    bool right = end == hay.size() || !is_word_char(hay[end]);
    if (left && right) return true;
  }
  return false;
}

}  // namespace

bool names_brand(std::string_view text, std::string_view brand) {
  if (brand.empty()) return false;
  return contains_ascii_nocase(text, brand);
}

bool has_opt_out_instructions(std::string_view text) {
  std::string lower = lower_ascii(text);
  return has_word(lower, "stop") || has_word(lower, "opt out") || has_word(lower, "opt-out") ||
         has_word(lower, "unsubscribe");
}

}  // namespace tocsin::policy

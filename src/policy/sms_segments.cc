#include "policy/sms_segments.h"

#include <algorithm>
#include <vector>

namespace tocsin::policy {
namespace {

// The GSM 03.38 default alphabet, by code point (0x1B, the escape, is not a character of its own).
constexpr char32_t kBasic[] = {
    U'@', U'£', U'$', U'¥', U'è', U'é', U'ù',  U'ì', U'ò', U'Ç', U'\n', U'Ø', U'ø', U'\r', U'Å', U'å',
    U'Δ', U'_', U'Φ', U'Γ', U'Λ', U'Ω', U'Π',  U'Ψ', U'Σ', U'Θ', U'Ξ',  U'Æ', U'æ', U'ß',  U'É', U' ',
    U'!', U'"', U'#', U'¤', U'%', U'&', U'\'', U'(', U')', U'*', U'+',  U',', U'-', U'.',  U'/', U'0',
    U'1', U'2', U'3', U'4', U'5', U'6', U'7',  U'8', U'9', U':', U';',  U'<', U'=', U'>',  U'?', U'¡',
    U'A', U'B', U'C', U'D', U'E', U'F', U'G',  U'H', U'I', U'J', U'K',  U'L', U'M', U'N',  U'O', U'P',
    U'Q', U'R', U'S', U'T', U'U', U'V', U'W',  U'X', U'Y', U'Z', U'Ä',  U'Ö', U'Ñ', U'Ü',  U'§', U'¿',
    U'a', U'b', U'c', U'd', U'e', U'f', U'g',  U'h', U'i', U'j', U'k',  U'l', U'm', U'n',  U'o', U'p',
    U'q', U'r', U's', U't', U'u', U'v', U'w',  U'x', U'y', U'z', U'ä',  U'ö', U'ñ', U'ü',  U'à',
};
// The extension table: each takes ESC + code, two septets.
constexpr char32_t kExtension[] = {U'\f', U'^', U'{', U'}', U'\\', U'[', U'~', U']', U'|', U'€'};

bool in(const char32_t* first, const char32_t* last, char32_t c) {
  return std::find(first, last, c) != last;
}

// Decodes UTF-8; false on malformed input (overlong forms, surrogates and values past U+10FFFF included).
bool decode(std::string_view s, std::vector<char32_t>& out) {
  for (size_t i = 0; i < s.size();) {
    auto b = static_cast<unsigned char>(s[i]);
    int len = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
    if (len == 0 || i + len > s.size()) return false;
    char32_t c = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
    for (int k = 1; k < len; ++k) {
      auto cb = static_cast<unsigned char>(s[i + k]);
      if ((cb >> 6) != 2) return false;
      c = (c << 6) | (cb & 0x3F);
    }
    static constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (c < kMin[len] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return false;
    out.push_back(c);
    i += static_cast<size_t>(len);
  }
  return true;
}

// Packs characters of the given widths into parts of `per_part` units without splitting one.
int pack(const std::vector<int>& widths, int per_part) {
  int parts = 1, used = 0;
  for (int w : widths) {
    if (used + w > per_part) {
      ++parts;
      used = 0;
    }
    used += w;
  }
  return parts;
}

}  // namespace

SegmentCount count_segments(std::string_view text) {
  SegmentCount out;
  std::vector<char32_t> chars;
  if (!decode(text, chars)) {
    out.valid_utf8 = false;
    return out;
  }
  std::vector<int> widths;
  widths.reserve(chars.size());
  bool gsm = true;
  for (char32_t c : chars) {
    if (in(std::begin(kBasic), std::end(kBasic), c)) {
      widths.push_back(1);
    } else if (in(std::begin(kExtension), std::end(kExtension), c)) {
      widths.push_back(2);
    } else {
      gsm = false;
      break;
    }
  }
  if (!gsm) {
    widths.clear();
    for (char32_t c : chars) widths.push_back(c > 0xFFFF ? 2 : 1);
  }
  out.encoding = gsm ? SmsEncoding::kGsm7 : SmsEncoding::kUcs2;
  for (int w : widths) out.units += w;
  if (out.units == 0) return out;
  int single = gsm ? 160 : 70, per_part = gsm ? 153 : 67;
  out.segments = out.units <= single ? 1 : pack(widths, per_part);
  return out;
}

std::string_view encoding_name(SmsEncoding e) {
  return e == SmsEncoding::kUcs2 ? "UCS-2" : "GSM-7";
}

}  // namespace tocsin::policy

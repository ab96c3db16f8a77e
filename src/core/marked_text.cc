#include "core/marked_text.h"

#include <sodium.h>

namespace tocsin {

std::string MarkedText::fill(std::span<const std::string> values) const {
  size_t size = 0;
  for (const auto& p : pieces) size += p.size();
  for (uint8_t s : slots) size += values[s].size();
  std::string out;
  out.reserve(size);
  for (size_t i = 0; i < slots.size(); ++i) {
    out += pieces[i];
    out += values[slots[i]];
  }
  out += pieces.back();
  return out;
}

Markers::Markers(int slots) {
  unsigned char bytes[16];
  randombytes_buf(bytes, sizeof bytes);
  char hex[sizeof bytes * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
  prefix_ = hex;
  for (int s = 0; s < slots && s < kMaxSlots; ++s) markers_.push_back(prefix_ + static_cast<char>('0' + s));
}

MarkedText Markers::cut(std::string_view text) const {
  MarkedText out;
  size_t start = 0;
  const char last = static_cast<char>('0' + slots());
  for (size_t at = text.find(prefix_); at != std::string_view::npos;) {
    size_t digit = at + prefix_.size();
    if (digit < text.size() && text[digit] >= '0' && text[digit] < last) {
      out.pieces.emplace_back(text.substr(start, at - start));
      out.slots.push_back(static_cast<uint8_t>(text[digit] - '0'));
      start = digit + 1;
      at = text.find(prefix_, start);
    } else {
      at = text.find(prefix_, at + 1);
    }
  }
  out.pieces.emplace_back(text.substr(start));
  return out;
}

}  // namespace tocsin

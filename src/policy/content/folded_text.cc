#include "policy/content/folded_text.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

namespace tocsin::policy::content {

bool is_word_byte(char c) {
  auto u = static_cast<unsigned char>(c);
  return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u >= 0x80;
}

namespace {

// The code point lower-cased, with its combining marks dropped (NFD's first code point: "É" -> "e").
UChar32 fold(UChar32 c, const icu::Normalizer2* nfd) {
  c = u_tolower(c);
  if (c < 0x80 || !nfd) return c;
  icu::UnicodeString d;
  if (nfd->getDecomposition(c, d) && d.length() > 0) return d.char32At(0);
  return c;
}

}  // namespace

FoldedText::FoldedText(std::string_view s) : original_size_(s.size()) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
  if (U_FAILURE(status)) nfd = nullptr;
  folded_.reserve(s.size());
  origin_.reserve(s.size() + 1);
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const int32_t n = static_cast<int32_t>(s.size());
  for (int32_t i = 0; i < n;) {
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(p, i, n, c);
    if (c < 0) c = 0xFFFD;
    c = fold(c, nfd);
    char buf[4];
    int32_t len = 0;
    UBool error = false;
    U8_APPEND(reinterpret_cast<uint8_t*>(buf), len, 4, c, error);
    if (error) continue;
    folded_.append(buf, static_cast<size_t>(len));
    origin_.insert(origin_.end(), static_cast<size_t>(len), static_cast<size_t>(start));
  }
  origin_.push_back(s.size());
}

size_t FoldedText::original_end(size_t folded_end) const {
  if (folded_end >= folded_.size()) return original_size_;
  return origin_[folded_end];
}

bool FoldedText::word_start(size_t pos) const {
  return pos == 0 || !is_word_byte(folded_[pos - 1]);
}

bool FoldedText::word_end(size_t end) const {
  return end >= folded_.size() || !is_word_byte(folded_[end]);
}

}  // namespace tocsin::policy::content

// A text folded for matching (lower case, accents removed, per ICU) that remembers where each folded byte
// came from, so a match in the folded text is reported as the exact span of the original.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tocsin::policy::content {

class FoldedText {
 public:
  explicit FoldedText(std::string_view original);

  const std::string& folded() const { return folded_; }
  // The original byte span of folded bytes [begin, end).
  size_t original_begin(size_t folded_pos) const { return origin_[folded_pos]; }
  size_t original_end(size_t folded_end) const;

  // Whether folded_[pos] starts / folded_[end - 1] ends a word (the byte beside it is not a letter or digit;
  // any non-ASCII byte counts as a letter).
  bool word_start(size_t pos) const;
  bool word_end(size_t end) const;

 private:
  std::string folded_;
  std::vector<size_t> origin_;  // per folded byte, and one past the end
  size_t original_size_ = 0;
};

bool is_word_byte(char c);

}  // namespace tocsin::policy::content

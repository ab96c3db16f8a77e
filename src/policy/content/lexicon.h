// Word and phrase lists (data/lexicon_*.txt, data/advocacy.txt): terms matched as whole words in a
// FoldedText, a trailing * matching any word ending. Immutable after parse; safe for concurrent use.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "policy/content/folded_text.h"

namespace tocsin::policy::content {

class Lexicon {
 public:
  struct Match {
    std::string_view category;
    size_t begin = 0, end = 0;  // folded offsets
  };

  // Lines "CATEGORY<TAB>TERM", or just "TERM" with `default_category`; '#' starts a comment line.
  static Lexicon parse(std::string_view text, std::string_view default_category = {});
  void append(const Lexicon& other);

  // Every match, in text order.
  std::vector<Match> find_all(const FoldedText& text) const;
  bool any_in(const FoldedText& text, size_t begin, size_t end) const;
  size_t size() const { return terms_.size(); }

 private:
  struct Term {
    std::string category, text;
    bool prefix = false;
  };
  bool match_at(const FoldedText& t, const Term& term, size_t pos, size_t limit, size_t* end) const;
  std::vector<Term> terms_;
};

}  // namespace tocsin::policy::content

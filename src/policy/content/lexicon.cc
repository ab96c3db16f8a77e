#include "policy/content/lexicon.h"

#include <algorithm>

#include "core/text.h"

namespace tocsin::policy::content {

Lexicon Lexicon::parse(std::string_view text, std::string_view default_category) {
  Lexicon lex;
  while (!text.empty()) {
    auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    line = trim_ascii_space(line);
    if (line.empty() || line.front() == '#') continue;
    Term t;
    auto tab = line.find('\t');
    if (tab == std::string_view::npos) {
      t.category = default_category;
      t.text = line;
    } else {
      t.category = line.substr(0, tab);
      t.text = trim_ascii_space(line.substr(tab + 1));
    }
    if (!t.text.empty() && t.text.back() == '*') {
      t.prefix = true;
      t.text.pop_back();
    }
    if (!t.text.empty()) lex.terms_.push_back(std::move(t));
  }
  return lex;
}

void Lexicon::append(const Lexicon& other) {
  terms_.insert(terms_.end(), other.terms_.begin(), other.terms_.end());
}

bool Lexicon::match_at(const FoldedText& t, const Term& term, size_t pos, size_t limit, size_t* end) const {
  const std::string& s = t.folded();
  if (!t.word_start(pos)) return false;
  size_t e = pos + term.text.size();
  if (e > limit) return false;
  if (term.prefix)
    while (e < limit && is_word_byte(s[e])) ++e;
  else if (!t.word_end(e))
    return false;
  *end = e;
  return true;
}

std::vector<Lexicon::Match> Lexicon::find_all(const FoldedText& text) const {
  std::vector<Match> out;
  const std::string& s = text.folded();
  for (const auto& term : terms_) {
    for (size_t pos = s.find(term.text); pos != std::string::npos; pos = s.find(term.text, pos + 1)) {
      size_t end = 0;
      if (match_at(text, term, pos, s.size(), &end)) out.push_back({term.category, pos, end});
    }
  }
  std::sort(out.begin(), out.end(), [](const Match& a, const Match& b) { return a.begin < b.begin; });
  return out;
}

bool Lexicon::any_in(const FoldedText& text, size_t begin, size_t end) const {
  const std::string& s = text.folded();
  for (const auto& term : terms_) {
    for (size_t pos = s.find(term.text, begin); pos != std::string::npos && pos < end;
         pos = s.find(term.text, pos + 1)) {
      size_t e = 0;
      if (match_at(text, term, pos, end, &e)) return true;
    }
  }
  return false;
}

}  // namespace tocsin::policy::content

#include "policy/content/lists.h"

#include "core/text.h"
#include "policy/content/lists_data.h"

namespace tocsin::policy::content {
namespace {

std::vector<std::string> lines(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    auto nl = text.find('\n');
    auto line = trim_ascii_space(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (!line.empty() && line.front() != '#') out.emplace_back(line);
  }
  return out;
}

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  while (true) {
    auto p = s.find(sep);
    out.emplace_back(trim_ascii_space(s.substr(0, p)));
    if (p == std::string_view::npos) return out;
    s = s.substr(p + 1);
  }
}

Lists load() {
  Lists l;
  for (auto& d : lines(data::kShorteners)) l.shorteners.insert(lower_ascii(d));
  for (auto& d : lines(data::kBrands)) l.brand_domains.push_back(lower_ascii(d));
  l.lexicon = Lexicon::parse(data::kLexiconEn);
  l.lexicon.append(Lexicon::parse(data::kLexiconEs));
  l.advocacy = Lexicon::parse(data::kAdvocacy, "advocacy");
  for (auto& line : lines(data::kEntities)) {
    auto f = split(line, '|');
    if (f.size() != 3) continue;
    Entity e{f[0], f[1], {}};
    for (auto& n : split(f[2], ',')) e.names.push_back(FoldedText(n).folded());
    l.entities.push_back(std::move(e));
  }
  return l;
}

}  // namespace

const Lists& lists() {
  static const Lists k = load();
  return k;
}

}  // namespace tocsin::policy::content

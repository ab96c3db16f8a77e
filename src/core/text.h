// Small ASCII text helpers shared by input normalization (contact points, CSV cells, headers).
// ASCII only on purpose: the inputs they serve are protocol tokens and form values whose surrounding
// whitespace is ASCII; Unicode-aware handling belongs to the library that parses the value (libphonenumber).
#pragma once

#include <string>
#include <string_view>

namespace tocsin {

constexpr bool is_ascii_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// `s` without leading and trailing ASCII whitespace.
constexpr std::string_view trim_ascii_space(std::string_view s) {
  while (!s.empty() && is_ascii_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ascii_space(s.back())) s.remove_suffix(1);
  return s;
}

// `s` with ASCII letters lower-cased (protocol tokens, header names, tag keys; other bytes unchanged).
inline std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (auto& ch : out)
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  return out;
}

// Whether `hay` contains `needle`, ignoring ASCII case.
inline bool contains_ascii_nocase(std::string_view hay, std::string_view needle) {
  return lower_ascii(hay).find(lower_ascii(needle)) != std::string::npos;
}

}  // namespace tocsin

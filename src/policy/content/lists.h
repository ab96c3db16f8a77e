// The screening lists shipped with tocsin (src/policy/content/data/*.txt, compiled in by CMake as
// generated/policy/content/lists_data.h), parsed once. Immutable; safe for concurrent use.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "policy/content/lexicon.h"

namespace tocsin::policy::content {

struct Entity {
  std::string id, kind;            // kind: government | bank | brand
  std::vector<std::string> names;  // folded (lower-case, no accents)
};

struct Lists {
  std::set<std::string, std::less<>> shorteners;  // data/shorteners.txt
  std::vector<std::string> brand_domains;         // data/brands.txt
  Lexicon lexicon;                                // data/lexicon_en.txt + lexicon_es.txt
  Lexicon advocacy;                               // data/advocacy.txt
  std::vector<Entity> entities;                   // data/entities.txt
};

const Lists& lists();

}  // namespace tocsin::policy::content

// Fuzz target: the ?filter= of the collections (core/odata_filter.h), percent-decoded from the query string
// first as the server does. Any text must parse or be a 400; a parsed filter's clauses must compare.
#include <cstdint>
#include <string_view>

#include "core/odata_filter.h"
#include "core/query_string.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view raw(reinterpret_cast<const char*>(data), size);
  for (const std::string& expr : {std::string(raw), tocsin::percent_decode(raw, true)}) {
    auto f = tocsin::parse_filter(expr);
    if (!f) continue;
    for (const auto& c : f->clauses) {
      tocsin::compare(c.field, c.op, c.value);
      tocsin::compare(int64_t{0}, c.op, int64_t(c.value.size()));
    }
  }
  // The whole request target too: /people?filter=...&page=2
  auto target = tocsin::parse_target(raw);
  if (auto f = target.param("filter")) (void)tocsin::parse_filter(*f);
  return 0;
}

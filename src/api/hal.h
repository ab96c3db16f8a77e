// HAL collection envelopes and paging, as Action Network shapes them (reference §1.3-1.4).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/json_out.h"
#include "core/query_string.h"

namespace tocsin::api {

constexpr int kMaxPageSize = 25;

struct Paging {
  int page = 1;  // 1-based
  int per_page = kMaxPageSize;
  size_t offset() const { return static_cast<size_t>(page - 1) * per_page; }
};

// ?page=N&per_page=N; per_page is capped at 25 and nonsense falls back to the defaults.
Paging parse_paging(const Target& t);

// The items of `all` that fall on the requested page.
template <typename T>
std::vector<const T*> page_of(const std::vector<const T*>& all, const Paging& p) {
  std::vector<const T*> page;
  for (size_t i = p.offset(); i < all.size() && page.size() < static_cast<size_t>(p.per_page); ++i)
    page.push_back(all[i]);
  return page;
}

struct CollectionSpec {
  std::string rel;   // "osdi:people"
  std::string href;  // the collection's URL, without query
  Paging paging;
  size_t items_on_page = 0;
  std::optional<size_t> total_records;  // absent for people and list items (AN omits totals there)
  bool has_next = false;
  std::string carried_query;  // e.g. "filter=..." kept on next/previous links (already encoded)
};

// Writes the whole envelope; item_href(i) and write_item(i) are called for i in [0, items_on_page).
void write_collection(JsonOut& j, const CollectionSpec& spec, const std::string& api_base,
                      const std::function<std::string(size_t)>& item_href,
                      const std::function<void(size_t)>& write_item);

}  // namespace tocsin::api

#include "api/hal.h"

#include <charconv>

#include "api/person_json.h"

namespace tocsin::api {

namespace {
int parse_positive(const std::optional<std::string>& s, int fallback) {
  if (!s) return fallback;
  int v = 0;
  auto [p, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
  if (ec != std::errc() || p != s->data() + s->size() || v < 1) return fallback;
  return v;
}
}  // namespace

Paging parse_paging(const Target& t) {
  Paging p;
  p.page = std::min(parse_positive(t.param("page"), 1), 10'000'000);
  p.per_page = std::min(parse_positive(t.param("per_page"), kMaxPageSize), kMaxPageSize);
  return p;
}

void write_collection(JsonOut& j, const CollectionSpec& spec, const std::string& api_base,
                      const std::function<std::string(size_t)>& item_href,
                      const std::function<void(size_t)>& write_item) {
  auto page_href = [&](int page) {
    std::string q = "page=" + std::to_string(page);
    if (spec.paging.per_page != kMaxPageSize) q += "&per_page=" + std::to_string(spec.paging.per_page);
    if (!spec.carried_query.empty()) q += "&" + spec.carried_query;
    return spec.href + "?" + q;
  };
  j.begin();
  if (spec.total_records) {
    size_t pages = (*spec.total_records + spec.paging.per_page - 1) / spec.paging.per_page;
    j.kv("total_pages", static_cast<int64_t>(pages));
  }
  j.kv("per_page", spec.paging.per_page).kv("page", spec.paging.page);
  if (spec.total_records) j.kv("total_records", static_cast<int64_t>(*spec.total_records));
  j.begin("_links");
  if (spec.has_next) j.link("next", page_href(spec.paging.page + 1));
  if (spec.paging.page > 1) j.link("previous", page_href(spec.paging.page - 1));
  j.link("self",
         spec.paging.page > 1 || !spec.carried_query.empty() ? page_href(spec.paging.page) : spec.href);
  j.begin_array(spec.rel);
  for (size_t i = 0; i < spec.items_on_page; ++i) j.begin().kv("href", item_href(i)).end();
  j.end_array();
  write_curies(j, api_base);
  j.end();
  j.begin("_embedded").begin_array(spec.rel);
  for (size_t i = 0; i < spec.items_on_page; ++i) write_item(i);
  j.end_array().end();
  j.end();
}

}  // namespace tocsin::api
